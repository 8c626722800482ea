package org.glean.ingest;

/**
 * Why a streamed study was refused, for its front to answer (IngestStudy: a gRPC status).
 *
 * @param description what happened and what the sender can do, naming instances by their place
 *     in the stream; never patient data
 * @param cause the failure behind a {@link Kind#FAILED} refusal, else null
 */
public record IngestRefusal(Kind kind, String description, Throwable cause) {

    public enum Kind {
        /** The sender's bytes or their order break the contract; sending them again will not help. */
        INVALID,
        /** A limit (instance or study size, the store's free space) was reached; nothing was written past it. */
        RESOURCE_EXHAUSTED,
        /** The sender went silent for longer than glean.limits.idle-stream-timeout. */
        IDLE,
        /** Glean failed (disk, database); sending again later may succeed. */
        FAILED
    }

    static IngestRefusal of(Kind kind, String description) {
        return new IngestRefusal(kind, description, null);
    }
}
