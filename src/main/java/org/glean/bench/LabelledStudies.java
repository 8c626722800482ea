package org.glean.bench;

import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glean.api.IngestStudyClient;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.training.DetectorEvaluation;
import org.glean.training.MeanAveragePrecision;
import org.glean.training.PreprocessedDataset;

/**
 * A labelled folder as {@code glean synth} writes it (DICOM files and their true boxes in
 * coco.json, each image with its file_name and study), used as a site's pipeline and annotators
 * use a server: each study sent in one IngestStudy call, and the tasks the queue hands out
 * annotated with their true boxes through SubmitAnnotation; or a test set that a model version is
 * evaluated on.
 */
public final class LabelledStudies {

    private static final int CHUNK_SIZE = 1 << 20;

    private final Path folder;
    private final CocoFile truth;
    private final Map<String, List<Path>> filesByStudy;
    private final Map<String, List<Box>> boxesByFrame;

    private LabelledStudies(Path folder, CocoFile truth, Map<String, List<Path>> filesByStudy,
            Map<String, List<Box>> boxesByFrame) {
        this.folder = folder;
        this.truth = truth;
        this.filesByStudy = filesByStudy;
        this.boxesByFrame = boxesByFrame;
    }

    /**
     * The folder's coco.json and the files it names.
     *
     * @throws InvalidDatasetException when coco.json is unreadable, or an image names no file or a file that is absent
     */
    public static LabelledStudies read(Path folder) throws IOException, InvalidDatasetException {
        Path cocoFile = folder.resolve("coco.json");
        if (!Files.isRegularFile(cocoFile)) {
            throw new InvalidDatasetException(folder.toString(), List.of("there is no coco.json; make the folder "
                    + "with 'glean synth --out " + folder + "'"));
        }
        CocoFile truth = CocoFile.read(cocoFile);
        Map<String, Set<Path>> files = new LinkedHashMap<>();
        for (CocoFile.Image image : truth.images()) {
            if (image.fileName() == null) {
                throw new InvalidDatasetException(cocoFile.toString(), List.of(image.describe() + " names no "
                        + "file_name, which every image of a folder written by 'glean synth' has"));
            }
            Path file = folder.resolve(image.fileName());
            if (!Files.isRegularFile(file)) {
                throw new InvalidDatasetException(cocoFile.toString(), List.of(image.describe()
                        + " names a file that is not there"));
            }
            files.computeIfAbsent(image.study(), study -> new LinkedHashSet<>()).add(file);
        }
        Map<String, List<Path>> filesByStudy = new LinkedHashMap<>();
        files.forEach((study, paths) -> filesByStudy.put(study, List.copyOf(paths)));
        return new LabelledStudies(folder, truth, filesByStudy, boxesByFrame(truth));
    }

    public Path folder() {
        return folder;
    }

    public CocoFile truth() {
        return truth;
    }

    /** StudyInstanceUIDs of the studies. */
    public Set<String> studyUids() {
        return filesByStudy.keySet();
    }

    /** The DICOM files of each study, in the order of coco.json. */
    public List<List<Path>> files() {
        return List.copyOf(filesByStudy.values());
    }

    /** Frames with true boxes or without, over all studies. */
    public int images() {
        return truth.images().size();
    }

    /** Sends every study, one IngestStudy call each, in the order of coco.json. */
    public void ingestAll(Channel channel) throws IOException, InterruptedException {
        IngestStudyClient client = new IngestStudyClient(channel, CHUNK_SIZE);
        for (List<Path> study : filesByStudy.values()) {
            client.send(study);
        }
    }

    /** Submits the true boxes of every frame of a task held by the stub's caller; returns the frames submitted. */
    public int submitTrueBoxes(CurationGrpc.CurationBlockingStub curation, AnnotationTask task) {
        SubmitAnnotationRequest.Builder submission = SubmitAnnotationRequest.newBuilder().setTaskId(task.getTaskId());
        for (var image : task.getImagesList()) {
            submission.addImages(ImageAnnotation.newBuilder().setSopInstanceUid(image.getSopInstanceUid())
                    .setFrame(image.getFrame())
                    .addAllBoxes(boxesByFrame.getOrDefault(frameKey(image.getSopInstanceUid(), image.getFrame()),
                            List.of())));
        }
        curation.submitAnnotation(submission.build());
        return task.getImagesCount();
    }

    /** Claims every task the queue hands out and submits its true boxes; returns the frames annotated. */
    public int annotateEveryTask(CurationGrpc.CurationBlockingStub curation) {
        int frames = 0;
        while (true) {
            var claim = curation.claimNextTask(ClaimNextTaskRequest.getDefaultInstance());
            if (!claim.hasTask()) {
                return frames;
            }
            frames += submitTrueBoxes(curation, claim.getTask());
        }
    }

    /** The model's AP@0.5 per class and their mean on these images, as {@code glean eval} computes them. */
    public MeanAveragePrecision.Result evaluate(Path modelDirectory) throws IOException, InvalidDatasetException {
        try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(modelDirectory)) {
            Detector detector = checkpoint.detector();
            PreprocessedDataset data = PreprocessedDataset.load(folder, folder.resolve("coco.json"),
                    new PixelMedDicomReader(), detector.preprocessing(), detector.config().classes(), loaded -> { });
            return DetectorEvaluation.evaluate(detector, data).overall();
        }
    }

    private static Map<String, List<Box>> boxesByFrame(CocoFile truth) {
        Map<Long, String> classes = new HashMap<>();
        truth.categories().forEach(category -> classes.put(category.id(), category.name()));
        Map<Long, String> frameOfImage = new HashMap<>();
        truth.images().forEach(image -> frameOfImage.put(image.id(), frameKey(image.sopInstanceUid(),
                image.frameNumber())));
        Map<String, List<Box>> boxes = new HashMap<>();
        for (CocoFile.Annotation annotation : truth.annotations()) {
            List<Double> b = annotation.bbox();
            boxes.computeIfAbsent(frameOfImage.get(annotation.imageId()), key -> new ArrayList<>())
                    .add(Box.newBuilder().setLabel(classes.get(annotation.categoryId())).setXmin(b.get(0))
                            .setYmin(b.get(1)).setXmax(b.get(0) + b.get(2)).setYmax(b.get(1) + b.get(3)).build());
        }
        return boxes;
    }

    private static String frameKey(String sopInstanceUid, int frame) {
        return sopInstanceUid + "/" + frame;
    }
}
