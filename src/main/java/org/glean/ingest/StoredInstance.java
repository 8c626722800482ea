package org.glean.ingest;

/**
 * What became of one received instance.
 *
 * @param studyInstanceUid StudyInstanceUID of the instance
 * @param sopInstanceUid SOPInstanceUID of the instance
 * @param status the stored instance's status (for a re-sent instance, the one stored first)
 * @param rejectionReason for {@link Instance.Status#REJECTED}, why; null otherwise
 * @param disposition whether these bytes were stored now or were already held
 */
public record StoredInstance(
        String studyInstanceUid,
        String sopInstanceUid,
        Instance.Status status,
        String rejectionReason,
        Disposition disposition) {

    /** Whether the received bytes added anything. */
    public enum Disposition {
        /** The instance was new and is now stored. */
        STORED,
        /** The same bytes were already stored under this SOPInstanceUID; nothing changed. */
        ALREADY_STORED,
        /** Other bytes are stored under this SOPInstanceUID; they are kept and these discarded. */
        CONFLICTING_COPY_DISCARDED
    }
}
