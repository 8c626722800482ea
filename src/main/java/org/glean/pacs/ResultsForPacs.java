package org.glean.pacs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.glean.curation.AnnotationSubmitted;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationService;
import org.glean.curation.TaskNotFoundException;
import org.glean.curation.TaskState;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.DocumentIds;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.ReferencedFrame;
import org.glean.dicom.RegionReport;
import org.glean.dicom.ReportedRegion;
import org.glean.dicom.ResultDocuments;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.inference.StudyDecision;
import org.glean.inference.StudyScored;
import org.glean.inference.StudyScores;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyRepository;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * Writes Glean's results for the PACS into the outbox, once what causes them has committed: the
 * detector's region report of every scored study, a key object selection of a study queued for
 * annotation, and a clinician's submitted annotation. The documents reference the source images
 * by their stored headers and copy patient and study from them. A document is written only for
 * the destinations that take its kind; with none configured nothing is read. A failure here is
 * logged and does not undo what caused it; {@link OutboxCatchUp} writes what is missing later.
 */
@ApplicationScoped
public class ResultsForPacs {

    static final int DETECTIONS_SERIES = 9901;
    static final int SELECTIONS_SERIES = 9902;
    static final int ANNOTATIONS_SERIES = 9903;
    private static final Logger LOG = Logger.getLogger(ResultsForPacs.class);

    private final OutboxDelivery delivery;
    private final Outbox outbox;
    private final StudyRepository studies;
    private final InstanceStore store;
    private final DicomReader reader;
    private final CurationService curation;
    private final ResultDocuments documents = new ResultDocuments(Clock.systemUTC());

    public ResultsForPacs(OutboxDelivery delivery, Outbox outbox, StudyRepository studies, InstanceStore store,
            DicomReader reader, CurationService curation) {
        this.delivery = delivery;
        this.outbox = outbox;
        this.studies = studies;
        this.store = store;
        this.reader = reader;
        this.curation = curation;
    }

    void onStudyScored(@Observes StudyScored scored) {
        try {
            writeScored(scored.studyInstanceUid(), scored.scores(), scored.decision());
        } catch (MalformedDicomException | RuntimeException e) {
            LOG.errorf("The results of study %s were not written to the PACS outbox: %s",
                    UidReference.of(scored.studyInstanceUid()), e.getMessage());
        }
    }

    void onAnnotationSubmitted(@Observes AnnotationSubmitted submitted) {
        try {
            writeAnnotation(submitted.taskId());
        } catch (TaskNotFoundException | MalformedDicomException | RuntimeException e) {
            LOG.errorf("The annotation of task %d was not written to the PACS outbox: %s", submitted.taskId(),
                    e.getMessage());
        }
    }

    /**
     * Writes the detector's report of a scored study and, when curation queued it, its selection,
     * for the destinations that take them; what is in the outbox already stays as it is.
     *
     * @return the number of deliveries added
     */
    int writeScored(String studyInstanceUid, StudyScores scores, Optional<? extends StudyDecision> decision)
            throws MalformedDicomException {
        if (scores.images().isEmpty()) {
            return 0;
        }
        Set<String> forReports = delivery.destinationsTaking(DocumentKind.SR);
        boolean queued = decision.map(StudyDecision::queued).orElse(false);
        Set<String> forSelections = queued ? delivery.destinationsTaking(DocumentKind.KOS) : Set.of();
        int added = 0;
        if (forReports.isEmpty() && forSelections.isEmpty()) {
            return added;
        }
        Sources sources = new Sources(studyInstanceUid);
        if (!forReports.isEmpty()) {
            added += add(DocumentKind.SR, forReports, sources, detectorReport(scores, sources),
                    scores.modelVersion(), null);
        }
        if (!forSelections.isEmpty()) {
            added += add(DocumentKind.KOS, forSelections, sources, selection(scores, decision.get(), sources),
                    scores.modelVersion(), null);
        }
        return added;
    }

    /**
     * Writes the SR of a submitted annotation for the destinations that take it; what is in the
     * outbox already stays as it is.
     *
     * @return the number of deliveries added
     */
    int writeAnnotation(long taskId) throws TaskNotFoundException, MalformedDicomException {
        Set<String> destinations = delivery.destinationsTaking(DocumentKind.ANNOTATION_SR);
        if (destinations.isEmpty()) {
            return 0;
        }
        AnnotationTask task = curation.task(taskId);
        Sources sources = new Sources(task.studyInstanceUid());
        List<ReportedRegion> regions = new ArrayList<>();
        for (AnnotationTask.Image image : task.images()) {
            for (AnnotationTask.AnnotatedBox box : image.annotation() == null
                    ? List.<AnnotationTask.AnnotatedBox>of() : image.annotation()) {
                regions.add(new ReportedRegion(sources.frame(image.sopInstanceUid(), image.frame()), box.label(),
                        box.xmin(), box.ymin(), box.xmax(), box.ymax(), null));
            }
        }
        DocumentIds ids = DocumentIds.derived(task.studyInstanceUid(), ANNOTATIONS_SERIES, "Glean annotations",
                DocumentKind.ANNOTATION_SR.code(), task.modelVersion(), Long.toString(task.id()));
        byte[] bytes = documents.regionReport(sources.context(task.images().get(0).sopInstanceUid()), ids,
                RegionReport.ofAnnotator(submitter(task), regions));
        return add(DocumentKind.ANNOTATION_SR, destinations, sources, new Document(ids, bytes), task.modelVersion(),
                task.id());
    }

    private record Document(DocumentIds ids, byte[] part10) {
    }

    private Document detectorReport(StudyScores scores, Sources sources) throws MalformedDicomException {
        List<ReportedRegion> regions = new ArrayList<>();
        for (StudyScores.ImageScores image : scores.images()) {
            for (StudyScores.ScoredObject object : image.objects()) {
                regions.add(new ReportedRegion(sources.frame(image.sopInstanceUid(), image.frame()), object.label(),
                        object.box().xmin(), object.box().ymin(), object.box().xmax(), object.box().ymax(),
                        new ReportedRegion.Measurements(object.score(), object.raw().epistemicLocalization(),
                                object.raw().aleatoricLocalization(), object.raw().epistemicClassification(),
                                object.raw().aleatoricClassification())));
            }
        }
        DocumentIds ids = DocumentIds.derived(sources.studyInstanceUid, DETECTIONS_SERIES, "Glean detections",
                DocumentKind.SR.code(), scores.modelVersion());
        Double informativeness = scores.drivenBy() == null ? null : scores.informativeness();
        return new Document(ids, documents.regionReport(sources.context(scores.images().get(0).sopInstanceUid()),
                ids, RegionReport.ofDetector(scores.modelVersion(), informativeness, regions)));
    }

    // The frames the annotator is shown objects on, the driving frame first; every analysed
    // frame when the model found no object.
    private Document selection(StudyScores scores, StudyDecision decision, Sources sources)
            throws MalformedDicomException {
        Set<String> keys = new LinkedHashSet<>();
        List<ReferencedFrame> frames = new ArrayList<>();
        if (scores.drivenBy() != null) {
            keys.add(scores.drivenBy().sopInstanceUid() + "/" + scores.drivenBy().frame());
            frames.add(sources.frame(scores.drivenBy().sopInstanceUid(), scores.drivenBy().frame()));
        }
        boolean anyObject = scores.images().stream().anyMatch(image -> !image.objects().isEmpty());
        for (StudyScores.ImageScores image : scores.images()) {
            if (image.analysisError() == null && (!anyObject || !image.objects().isEmpty())
                    && keys.add(image.sopInstanceUid() + "/" + image.frame())) {
                frames.add(sources.frame(image.sopInstanceUid(), image.frame()));
            }
        }
        DocumentIds ids = DocumentIds.derived(sources.studyInstanceUid, SELECTIONS_SERIES, "Glean: for annotation",
                DocumentKind.KOS.code(), scores.modelVersion());
        String description = "Selected by Glean for annotation (task " + decision.taskId() + "): " + decision.reason();
        return new Document(ids, documents.keyObjectSelection(sources.context(frames.get(0).sopInstanceUid()), ids,
                description, frames));
    }

    private int add(DocumentKind kind, Set<String> destinations, Sources sources, Document document,
            String modelVersion, Long taskId) {
        String sopClass = kind == DocumentKind.KOS ? ResultDocuments.KEY_OBJECT_SELECTION
                : ResultDocuments.COMPREHENSIVE_SR;
        int added = outbox.add(new Outbox.OutgoingDocument(document.ids().sopInstanceUid(), sources.studyInstanceUid,
                kind, sopClass, document.part10(), modelVersion, taskId), destinations);
        if (added > 0) {
            LOG.infof("Study %s: %s for %s in the PACS outbox", UidReference.of(sources.studyInstanceUid), kind.code(),
                    destinations);
            delivery.wake();
        }
        return added;
    }

    // Who submitted: the task's history says, as the token's subject that made the call.
    private static String submitter(AnnotationTask task) {
        return task.history().stream().filter(event -> event.toState() == TaskState.SUBMITTED)
                .reduce((first, second) -> second).map(AnnotationTask.TaskEvent::actor)
                .orElseThrow(() -> new IllegalStateException("task " + task.id() + " has no submission"));
    }

    /** The study's stored instances, read once each: their headers and the study's attributes. */
    private final class Sources {

        private final String studyInstanceUid;
        private final Map<String, DicomHeader> headers = new HashMap<>();
        private final Map<String, Path> files = new HashMap<>();

        Sources(String studyInstanceUid) {
            this.studyInstanceUid = studyInstanceUid;
        }

        ReferencedFrame frame(String sopInstanceUid, int frame) throws MalformedDicomException {
            DicomHeader header = header(sopInstanceUid);
            return new ReferencedFrame(header.sopClassUid(), sopInstanceUid, header.seriesInstanceUid(),
                    header.numberOfFrames(), frame);
        }

        ResultDocuments.StudyContext context(String sopInstanceUid) throws MalformedDicomException {
            return ResultDocuments.studyContext(file(sopInstanceUid));
        }

        private DicomHeader header(String sopInstanceUid) throws MalformedDicomException {
            DicomHeader header = headers.get(sopInstanceUid);
            if (header == null) {
                try {
                    header = reader.readHeader(file(sopInstanceUid));
                } catch (UnsupportedDicomException e) {
                    header = e.header();
                }
                headers.put(sopInstanceUid, header);
            }
            return header;
        }

        private Path file(String sopInstanceUid) throws MalformedDicomException {
            Path file = files.get(sopInstanceUid);
            if (file == null) {
                String content = studies.acceptedContent(List.of(sopInstanceUid)).get(sopInstanceUid);
                if (content == null) {
                    throw new IllegalStateException("an instance the document references is no longer stored");
                }
                file = store.pathOf(content);
                files.put(sopInstanceUid, file);
            }
            return file;
        }
    }
}
