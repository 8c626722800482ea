package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Stored instances and where their Part-10 files are, for whatever reads them back (viewers over
 * DICOMweb). An instance whose file the store has lost ({@link Instance#fileMissingSince}) is left
 * out, as if it were not held.
 */
@ApplicationScoped
public class StoredFiles {

    private static final String INSTANCES = """
            select i from Instance i join fetch i.series s join fetch s.study st
            where i.fileMissingSince is null and st.studyInstanceUid = :study""";
    private static final String ORDER = " order by s.seriesNumber, s.seriesInstanceUid, i.instanceNumber, i.sopInstanceUid";

    private final InstanceStore store;

    public StoredFiles(InstanceStore store) {
        this.store = store;
    }

    /**
     * One stored instance and its file.
     *
     * @param status REJECTED instances are stored as received, but Glean cannot decode their pixels
     */
    public record InstanceFile(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
            String sopClassUid, String transferSyntaxUid, String modality, int seriesNumber, int instanceNumber,
            int rows, int columns, int numberOfFrames, Instance.Status status, Path file, long sizeBytes) {
    }

    /** The instance, if it is held in that series of that study. */
    @Transactional
    public Optional<InstanceFile> instance(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid) {
        return Instance.getEntityManager()
                .createQuery(INSTANCES + " and s.seriesInstanceUid = :series and i.sopInstanceUid = :instance",
                        Instance.class)
                .setParameter("study", studyInstanceUid)
                .setParameter("series", seriesInstanceUid)
                .setParameter("instance", sopInstanceUid)
                .getResultStream().findFirst().map(this::file);
    }

    /** The study's instances, by series (SeriesNumber, then UID), then InstanceNumber, then UID; empty when none. */
    @Transactional
    public List<InstanceFile> study(String studyInstanceUid) {
        return Instance.getEntityManager().createQuery(INSTANCES + ORDER, Instance.class)
                .setParameter("study", studyInstanceUid)
                .getResultStream().map(this::file).toList();
    }

    /** The series' instances, by InstanceNumber, then UID; empty when it is not held in that study. */
    @Transactional
    public List<InstanceFile> series(String studyInstanceUid, String seriesInstanceUid) {
        return Instance.getEntityManager().createQuery(INSTANCES + " and s.seriesInstanceUid = :series" + ORDER,
                        Instance.class)
                .setParameter("study", studyInstanceUid)
                .setParameter("series", seriesInstanceUid)
                .getResultStream().map(this::file).toList();
    }

    private InstanceFile file(Instance instance) {
        Series series = instance.series;
        return new InstanceFile(series.study.studyInstanceUid, series.seriesInstanceUid, instance.sopInstanceUid,
                instance.sopClassUid, instance.transferSyntaxUid, series.modality, series.seriesNumber,
                instance.instanceNumber, instance.rows, instance.columns, instance.numberOfFrames, instance.status,
                store.pathOf(instance.contentSha256), instance.sizeBytes);
    }
}
