package org.glean.ingest;

import java.util.List;

/**
 * A study as stored, read in one transaction: its series ordered by SeriesNumber then
 * SeriesInstanceUID, each series' instances ordered by InstanceNumber then SOPInstanceUID.
 */
public record StudyRecord(String studyInstanceUid, Study.Reception reception, List<SeriesRecord> series) {

    /** Number of instances held for the study, accepted and rejected. */
    public int instanceCount() {
        return series.stream().mapToInt(s -> s.instances().size()).sum();
    }

    /** One series of the study. */
    public record SeriesRecord(String seriesInstanceUid, String modality, int seriesNumber,
            List<InstanceRecord> instances) {
    }

    /** One instance of a series; rows, columns and frames are 0 where the header had none. */
    public record InstanceRecord(String sopInstanceUid, int instanceNumber, int rows, int columns,
            int numberOfFrames, Instance.Status status, String rejectionReason) {
    }
}
