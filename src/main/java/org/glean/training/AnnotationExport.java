package org.glean.training;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationService;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyRepository;
import org.glean.security.PseudonymousUidMap;

/**
 * Submitted annotations as they leave Glean (docs/security.md, "Patient data and de-identification"):
 * a task names its study and frames by pseudonymous UIDs from the {@link PseudonymousUidMap}, and an
 * instance leaves only as a de-identified copy carrying the same pseudonyms, never as a path to the
 * stored file.
 */
@ApplicationScoped
public class AnnotationExport {

    private final CurationService curation;
    private final StudyRepository studies;
    private final InstanceStore store;
    private final DicomReader reader;
    private final PseudonymousUidMap uidMap;

    public AnnotationExport(CurationService curation, StudyRepository studies, InstanceStore store, DicomReader reader,
                            PseudonymousUidMap uidMap) {
        this.curation = curation;
        this.studies = studies;
        this.store = store;
        this.reader = reader;
        this.uidMap = uidMap;
    }

    /**
     * Hands every SUBMITTED task, oldest submission first, to {@code consumer}: its StudyInstanceUID
     * and SOPInstanceUIDs replaced by their pseudonyms, without its history (whose details may
     * name studies).
     */
    public void forEachSubmitted(Consumer<AnnotationTask> consumer) {
        curation.forEachSubmitted(task -> consumer.accept(pseudonymous(task)));
    }

    /**
     * Writes the de-identified Part-10 copy of the instance that {@code sopInstancePseudonym}
     * stands for, a frame of a SUBMITTED task.
     *
     * @throws InstanceNotExportedException when no stored instance of a submitted task has this pseudonym
     * @throws IOException when the copy cannot be read or written
     */
    public void writeInstance(String sopInstancePseudonym, OutputStream out)
            throws InstanceNotExportedException, IOException {
        Optional<String> original = uidMap.originalOf(sopInstancePseudonym);
        if (original.isEmpty() || !curation.isInSubmittedTask(original.get())) {
            throw new InstanceNotExportedException("no frame of a submitted task has SOPInstanceUID "
                    + sopInstancePseudonym + "; use the sop_instance_uid that ExportAnnotations returned");
        }
        String sha256 = studies.acceptedContent(List.of(original.get())).get(original.get());
        Path file = sha256 == null ? null : store.pathOf(sha256);
        if (file == null || !Files.isRegularFile(file)) {
            throw new InstanceNotExportedException("the instance with SOPInstanceUID " + sopInstancePseudonym
                    + " is no longer stored; it cannot be exported");
        }
        try {
            reader.writeDeidentified(file, out, uidMap::pseudonymsOf);
        } catch (MalformedDicomException | UnsupportedDicomException e) {
            throw new IOException("the stored instance with SOPInstanceUID " + sopInstancePseudonym
                    + " could not be read again: " + e.getMessage(), e);
        }
    }

    private AnnotationTask pseudonymous(AnnotationTask task) {
        List<String> uids = new ArrayList<>();
        uids.add(task.studyInstanceUid());
        task.images().forEach(image -> uids.add(image.sopInstanceUid()));
        Map<String, String> pseudonyms = uidMap.pseudonymsOf(uids);
        List<AnnotationTask.Image> images = task.images().stream()
                .map(image -> new AnnotationTask.Image(pseudonyms.get(image.sopInstanceUid()), image.frame(),
                        image.rows(), image.columns(), image.informativeness(), image.preAnnotations(),
                        image.annotation()))
                .toList();
        return new AnnotationTask(task.id(), pseudonyms.get(task.studyInstanceUid()), task.modelVersion(),
                task.informativeness(), task.state(), task.annotatorId(), task.leaseExpiresAt(), task.createdAt(),
                task.submittedAt(), task.skipReason(), task.classNames(), images, List.of());
    }
}
