package org.glean.web.annotation;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.glean.curation.AnnotationTask;
import org.glean.curation.ScoredStudy;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.inference.InferenceService;
import org.glean.inference.StudyScores;
import org.glean.ingest.IngestService;
import org.glean.ingest.StudyNotFoundException;
import org.glean.ingest.StudyRecord;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.StandardizedUncertainty;
import org.glean.uncertainty.UncertaintyKind;
import org.glean.web.annotation.TaskView.ImageView;
import org.glean.web.annotation.TaskView.Kinds;
import org.glean.web.annotation.TaskView.Proposal;
import org.glean.web.annotation.TaskView.SeriesView;

/**
 * Puts a task together with what the page needs beside it: the study's series (from ingest) and
 * the uncertainties of the analysis that proposed its boxes (from inference), when that analysis
 * is the one still stored.
 */
@ApplicationScoped
public class TaskViews {

    private final IngestService ingest;
    private final InferenceService inference;

    public TaskViews(IngestService ingest, InferenceService inference) {
        this.ingest = ingest;
        this.inference = inference;
    }

    public TaskView of(AnnotationTask task) throws StudyNotFoundException {
        StudyRecord study = ingest.study(task.studyInstanceUid());
        Optional<StudyScores> analysis = inference.stored(task.studyInstanceUid())
                .filter(scores -> scores.modelVersion().equals(task.modelVersion()));
        Map<String, StudyScores.ImageScores> scored = new HashMap<>();
        analysis.ifPresent(scores -> scores.images().forEach(image -> scored.put(key(image.sopInstanceUid(),
                image.frame()), image)));
        Map<String, StudyRecord.SeriesRecord> seriesOf = new HashMap<>();
        Map<String, Integer> instanceNumbers = new HashMap<>();
        for (StudyRecord.SeriesRecord series : study.series()) {
            for (StudyRecord.InstanceRecord instance : series.instances()) {
                seriesOf.put(instance.sopInstanceUid(), series);
                instanceNumbers.put(instance.sopInstanceUid(), instance.instanceNumber());
            }
        }
        Map<String, List<ImageView>> imagesBySeries = new LinkedHashMap<>();
        Map<String, StudyRecord.SeriesRecord> seriesInOrder = new LinkedHashMap<>();
        for (AnnotationTask.Image image : task.images()) {
            StudyRecord.SeriesRecord series = seriesOf.get(image.sopInstanceUid());
            if (series == null) {
                throw new StudyNotFoundException(task.studyInstanceUid());
            }
            seriesInOrder.putIfAbsent(series.seriesInstanceUid(), series);
            imagesBySeries.computeIfAbsent(series.seriesInstanceUid(), uid -> new ArrayList<>()).add(new ImageView(
                    image.sopInstanceUid(), instanceNumbers.get(image.sopInstanceUid()), image.frame(), image.rows(),
                    image.columns(), informativeness(image.informativeness()),
                    proposals(image, scored.get(key(image.sopInstanceUid(), image.frame())))));
        }
        List<SeriesView> series = seriesInOrder.values().stream().map(record -> new SeriesView(
                record.seriesInstanceUid(), record.modality(), record.seriesNumber(),
                imagesBySeries.get(record.seriesInstanceUid()))).toList();
        return new TaskView(task.id(), task.state().name(), task.studyInstanceUid(), task.modelVersion(),
                informativeness(task.informativeness()), task.leaseExpiresAt(), Instant.now(), task.classNames(),
                analysis.map(scores -> driver(scores, scored)).orElse(null),
                analysis.isPresent() ? null : "The analysis by model " + task.modelVersion()
                        + " is no longer stored (the study was scored again since), so its uncertainties cannot be shown.",
                series);
    }

    // The stored objects are the task's proposals, in the same order (ScoredStudy.of).
    private static List<Proposal> proposals(AnnotationTask.Image image, StudyScores.ImageScores scored) {
        List<Proposal> proposals = new ArrayList<>();
        List<PreAnnotation> pre = image.preAnnotations();
        boolean matches = scored != null && scored.objects().size() == pre.size();
        for (int i = 0; i < pre.size(); i++) {
            PreAnnotation box = pre.get(i);
            proposals.add(new Proposal(box.label(), box.score(), box.xmin(), box.ymin(), box.xmax(), box.ymax(),
                    matches ? uncertainty(scored.objects().get(i)) : null));
        }
        return proposals;
    }

    private static TaskView.Driver driver(StudyScores scores, Map<String, StudyScores.ImageScores> scored) {
        StudyScores.Driver driver = scores.drivenBy();
        if (driver == null) {
            return null;
        }
        StudyScores.ImageScores image = scored.get(key(driver.sopInstanceUid(), driver.frame()));
        List<StudyScores.ScoredObject> detections = image == null ? List.of()
                : driver.nearMiss() ? image.nearMisses() : image.objects();
        if (driver.objectIndex() < 0 || driver.objectIndex() >= detections.size()) {
            return null;
        }
        StudyScores.ScoredObject object = detections.get(driver.objectIndex());
        return new TaskView.Driver(driver.sopInstanceUid(), driver.frame(),
                driver.nearMiss() ? -1 : driver.objectIndex(), driver.nearMiss(), kindName(driver.kind()),
                object.label(), object.score(), object.box().xmin(), object.box().ymin(), object.box().xmax(),
                object.box().ymax(), uncertainty(object));
    }

    private static TaskView.Uncertainty uncertainty(StudyScores.ScoredObject object) {
        ObjectUncertainty raw = object.raw();
        StandardizedUncertainty z = object.normalized();
        return new TaskView.Uncertainty(
                new Kinds(raw.epistemicLocalization(), raw.aleatoricLocalization(), raw.epistemicClassification(),
                        raw.aleatoricClassification()),
                new Kinds(z.epistemicLocalization(), z.aleatoricLocalization(), z.epistemicClassification(),
                        z.aleatoricClassification()));
    }

    /** The kind as docs/scores.md names it. */
    private static String kindName(UncertaintyKind kind) {
        return kind.of("ep_loc", "al_loc", "ep_cls", "al_cls");
    }

    private static Double informativeness(double value) {
        return value == ScoredStudy.ScoredImage.NO_OBJECTS ? null : value;
    }

    private static String key(String sopInstanceUid, int frame) {
        return sopInstanceUid + "/" + frame;
    }
}
