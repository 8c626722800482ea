package org.glean.dicom;

/**
 * Where a generated document goes in its study: its own series and instance.
 *
 * @param seriesNumber      SeriesNumber of the document's series
 * @param seriesDescription SeriesDescription, saying what the series holds (no patient data)
 */
public record DocumentIds(String seriesInstanceUid, String sopInstanceUid, int seriesNumber,
                          String seriesDescription) {

    /**
     * Ids derived from what the document is, so that writing it again gives the same UIDs and a
     * PACS or the outbox sees the same object, not a second one.
     *
     * @param what the kind of document and what identifies it within its study (a model version, a task)
     */
    public static DocumentIds derived(String studyInstanceUid, int seriesNumber, String seriesDescription,
            String kind, String... what) {
        String[] path = new String[what.length + 3];
        path[0] = "result";
        path[1] = kind;
        path[2] = studyInstanceUid;
        System.arraycopy(what, 0, path, 3, what.length);
        String[] seriesPath = {"result-series", kind, studyInstanceUid};
        return new DocumentIds(DerivedUids.derive(RESULT_SEED, seriesPath), DerivedUids.derive(RESULT_SEED, path),
                seriesNumber, seriesDescription);
    }

    // Any seed: the paths' first names ("result", "result-series") keep these apart from other derived UIDs.
    private static final long RESULT_SEED = 0L;
}
