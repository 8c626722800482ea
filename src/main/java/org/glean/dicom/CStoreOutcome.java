package org.glean.dicom;

/**
 * The answer to one C-STORE request (PS3.4 Annex B.2.3).
 *
 * @param status the DIMSE status word
 * @param errorComment why it failed, for the sender (ErrorComment, at most 64 characters);
 *     empty on success
 */
public record CStoreOutcome(int status, String errorComment) {

    public static final int SUCCESS = 0x0000;
    /** Refused: out of resources, e.g. a size limit. */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: cannot understand, e.g. malformed bytes. */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** Failure: processing failure, e.g. the database is unreachable. */
    public static final int PROCESSING_FAILURE = 0x0110;

    public static CStoreOutcome success() {
        return new CStoreOutcome(SUCCESS, "");
    }

    public static CStoreOutcome outOfResources(String reason) {
        return new CStoreOutcome(OUT_OF_RESOURCES, reason);
    }

    public static CStoreOutcome cannotUnderstand(String reason) {
        return new CStoreOutcome(CANNOT_UNDERSTAND, reason);
    }

    public static CStoreOutcome processingFailure(String reason) {
        return new CStoreOutcome(PROCESSING_FAILURE, reason);
    }

    public boolean isSuccess() {
        return status == SUCCESS;
    }
}
