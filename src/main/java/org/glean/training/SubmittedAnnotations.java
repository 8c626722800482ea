package org.glean.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationService;
import org.glean.detector.Preprocessing;
import org.glean.dicom.DicomReader;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyRepository;
import org.glean.security.UidReference;

/**
 * What a fine-tuning job trains and validates on: every submitted annotation (the frames of each
 * SUBMITTED task, read from the instance store) plus the initial labelled set, if one is
 * configured, preprocessed for the model being fine-tuned. The annotations go through the same
 * COCO reader as {@code glean train} (a COCO file whose file_name is the instance's path in the
 * store), so that they are checked the same way; that file is held in memory, never written, so
 * no data set of patient images is left on disk beside the models. Messages name instances by
 * {@link UidReference}.
 */
final class SubmittedAnnotations {

    private static final String SOURCE = "the submitted annotations";

    private final CurationService curation;
    private final StudyRepository studies;
    private final InstanceStore store;
    private final DicomReader reader;
    private final FineTuneConfig config;

    SubmittedAnnotations(CurationService curation, StudyRepository studies, InstanceStore store, DicomReader reader,
                         FineTuneConfig config) {
        this.curation = curation;
        this.studies = studies;
        this.store = store;
        this.reader = reader;
        this.config = config;
    }

    /**
     * A job's data.
     *
     * @param annotated   the frames of the submitted annotations; null when none was submitted
     * @param initial     the initial labelled set; null when none is configured
     * @param annotations the submitted annotations (tasks)
     */
    record Loaded(PreprocessedDataset annotated, PreprocessedDataset initial, int annotations) {

        /** Both sets as one. */
        PreprocessedDataset all() {
            return PreprocessedDataset.combine(Stream.of(annotated, initial).filter(Objects::nonNull).toList());
        }
    }

    /**
     * Loads the annotations and the initial set for a model with {@code classes}.
     *
     * @throws FineTuneFailedException when there is nothing to train on, or the data is unusable (every problem named)
     */
    Loaded load(Preprocessing preprocessing, List<String> classes) throws FineTuneFailedException, IOException {
        PreprocessedDataset annotated = null;
        PreprocessedDataset initial = null;
        List<AnnotationTask> tasks = new ArrayList<>();
        curation.forEachSubmitted(tasks::add);
        CocoFile annotations = annotations(tasks, classes);
        if (!annotations.images().isEmpty()) {
            annotated = load(() -> PreprocessedDataset.load(store.root(), annotations, SOURCE, reader, preprocessing,
                    classes, loaded -> { }), SOURCE);
        }
        if (config.initialData().isPresent()) {
            Path folder = config.initialData().get();
            Path coco = config.initialCoco().orElse(folder.resolve("coco.json"));
            if (!Files.isDirectory(folder) || !Files.isRegularFile(coco)) {
                throw new FineTuneFailedException("the initial labelled set is missing: glean.training.initial-data="
                        + folder + " must be a folder of DICOM files with " + coco + "; fix the setting or remove it");
            }
            initial = load(() -> PreprocessedDataset.load(folder, coco, reader, preprocessing, classes, loaded -> { }),
                    "the initial labelled set " + folder);
        }
        if (annotated == null && initial == null) {
            throw new FineTuneFailedException("there is nothing to train on: no annotation has been submitted "
                    + "(Curation.SubmitAnnotation) and no initial labelled set is configured (glean.training.initial-data)");
        }
        return new Loaded(annotated, initial, tasks.size());
    }

    private interface Loading {
        PreprocessedDataset load() throws IOException, InvalidDatasetException;
    }

    private static PreprocessedDataset load(Loading loading, String what) throws FineTuneFailedException, IOException {
        try {
            return loading.load();
        } catch (InvalidDatasetException e) {
            throw new FineTuneFailedException(what + " cannot be trained on: " + e.getMessage(), e);
        }
    }

    /**
     * Every submitted task's frames as a COCO file over the instance store, categories in the
     * model's order; an image is found by file_name alone, so that the reader's messages name a
     * stored file, not a UID. Frames whose instance is no longer stored, and boxes of a class the
     * model does not know, are named all at once.
     */
    private CocoFile annotations(List<AnnotationTask> tasks, List<String> classes) throws FineTuneFailedException {
        List<String> problems = new ArrayList<>();
        List<CocoFile.Image> images = new ArrayList<>();
        List<CocoFile.Annotation> boxes = new ArrayList<>();
        for (AnnotationTask task : tasks) {
            String name = "task " + task.id();
            Map<String, String> content = new LinkedHashMap<>(studies.acceptedContent(task.images().stream()
                    .map(AnnotationTask.Image::sopInstanceUid).distinct().toList()));
            for (AnnotationTask.Image image : task.images()) {
                String frame = name + ", SOPInstanceUID " + UidReference.of(image.sopInstanceUid()) + " frame "
                        + image.frame();
                String sha256 = content.get(image.sopInstanceUid());
                if (sha256 == null) {
                    problems.add(frame + ": the instance is no longer stored; skip or re-send the study");
                    continue;
                }
                Path file = store.pathOf(sha256);
                if (!Files.isRegularFile(file)) {
                    problems.add(frame + ": its file " + file + " is missing from the instance store "
                            + "(glean.store.dir); restore it or send the study again");
                    continue;
                }
                long imageId = images.size() + 1L;
                images.add(new CocoFile.Image(imageId, store.root().relativize(file).toString(), null, image.frame(),
                        image.columns(), image.rows(), task.studyInstanceUid(), null, null, null, null, null));
                for (AnnotationTask.AnnotatedBox box : image.annotation()) {
                    int category = classes.indexOf(box.label());
                    if (category < 0) {
                        problems.add(frame + ": a box is labelled " + box.label() + ", which the model being "
                                + "fine-tuned does not know (its classes: " + classes + ")");
                        continue;
                    }
                    boxes.add(CocoFile.Annotation.of(boxes.size() + 1L, imageId, category + 1L, box.xmin(), box.ymin(),
                            box.xmax() - box.xmin(), box.ymax() - box.ymin()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new FineTuneFailedException(new InvalidDatasetException(SOURCE, problems).getMessage());
        }
        List<CocoFile.Category> categories = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            categories.add(new CocoFile.Category(i + 1L, classes.get(i), null));
        }
        return new CocoFile(Map.of("description", "annotations submitted to Glean", "tasks",
                Integer.toString(tasks.size())), categories, images, boxes);
    }
}
