package org.glean.ingest;

/**
 * CDI event: a study is whole as far as Glean can tell, and its instances are stored. Fired
 * once each time a study turns {@link Study.Reception#COMPLETE}. Observers (scoring) read the
 * study from the database.
 *
 * @param studyInstanceUid StudyInstanceUID of the study
 * @param completion what made the study count as whole
 */
public record StudyReceived(String studyInstanceUid, Completion completion) {

    /** What made a study count as whole. */
    public enum Completion {
        /** An IngestStudy call carrying the study ended successfully. */
        CALL_ENDED,
        /** No instance arrived for glean.scp.study-quiet-period (C-STORE pushes, broken-off calls). */
        QUIET_PERIOD_PASSED,
        /** Glean retrieved the whole study from a PACS source (WADO-RS, or C-MOVE to its SCP) and stored it. */
        RETRIEVED
    }
}
