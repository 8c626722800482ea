package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.glean.cli.GleanCommand;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.SubmitAnnotationRequest;

/**
 * Synthetic CT phantom studies (`glean synth`, with their true boxes), sent to a test server and
 * annotated there over gRPC as a pipeline and an annotator would: the real path to submitted
 * annotations, fine-tuning jobs and the versions they make.
 */
public final class PhantomStudies {

    private final Path folder;
    private final CocoFile truth;

    private PhantomStudies(Path folder, CocoFile truth) {
        this.folder = folder;
        this.truth = truth;
    }

    /** {@code studies} CT studies of {@code slices} slices with one or two objects each, under {@code out}. */
    public static PhantomStudies synth(Path out, String seed, int studies, int slices) {
        return synth(out, seed, studies, slices, "--ct-fraction", "1");
    }

    /**
     * {@code studies} studies of {@code slices} slices per CT series with one or two objects each,
     * under {@code out}, made with {@code glean synth}'s further {@code options} (e.g. {@code --site B}).
     */
    public static PhantomStudies synth(Path out, String seed, int studies, int slices, String... options) {
        List<String> arguments = new ArrayList<>(List.of("synth", "--out", out.toString(), "--seed", seed, "--studies",
                String.valueOf(studies), "--slices", String.valueOf(slices), "--normal-fraction", "0", "--objects", "1:2"));
        arguments.addAll(List.of(options));
        assertThat(GleanCommand.execute(arguments.toArray(String[]::new))).isZero();
        try {
            return new PhantomStudies(out, CocoFile.read(out.resolve("coco.json")));
        } catch (IOException | InvalidDatasetException e) {
            throw new IllegalStateException("glean synth wrote no readable coco.json under " + out, e);
        }
    }

    public Path folder() {
        return folder;
    }

    public CocoFile truth() {
        return truth;
    }

    /** StudyInstanceUIDs of the studies. */
    public Set<String> studyUids() {
        return Set.copyOf(truth.images().stream().map(CocoFile.Image::studyInstanceUid).toList());
    }

    /** The DICOM files grouped by study (series-N/instance-NNNN under study-NNNN), in order. */
    public List<List<Path>> files() {
        try (Stream<Path> files = Files.walk(folder)) {
            Map<Path, List<Path>> byStudy = new TreeMap<>();
            files.filter(file -> file.toString().endsWith(".dcm")).sorted()
                    .forEach(file -> byStudy.computeIfAbsent(folder.relativize(file).getName(0), s -> new ArrayList<>())
                            .add(file));
            return List.copyOf(byStudy.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends every study, one IngestStudy call each. */
    public void ingestAll(ManagedChannel channel) {
        for (List<Path> study : files()) {
            IngestCalls.ingest(channel, study.toArray(Path[]::new));
        }
    }

    /** Submits the true boxes of every frame of a task held by the stub's caller; returns the frames submitted. */
    public int submitTrueBoxes(CurationGrpc.CurationBlockingStub curation, AnnotationTask task) {
        Map<String, List<Box>> boxes = trueBoxes();
        SubmitAnnotationRequest.Builder submission = SubmitAnnotationRequest.newBuilder().setTaskId(task.getTaskId());
        for (var image : task.getImagesList()) {
            submission.addImages(ImageAnnotation.newBuilder().setSopInstanceUid(image.getSopInstanceUid())
                    .setFrame(image.getFrame())
                    .addAllBoxes(boxes.getOrDefault(image.getSopInstanceUid() + "/" + image.getFrame(), List.of())));
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

    // By "SOPInstanceUID/frame".
    private Map<String, List<Box>> trueBoxes() {
        Map<Long, String> classes = new HashMap<>();
        truth.categories().forEach(category -> classes.put(category.id(), category.name()));
        Map<Long, String> frameOfImage = new HashMap<>();
        truth.images().forEach(image -> frameOfImage.put(image.id(),
                image.sopInstanceUid() + "/" + image.frameNumber()));
        Map<String, List<Box>> boxes = new HashMap<>();
        for (CocoFile.Annotation annotation : truth.annotations()) {
            List<Double> b = annotation.bbox();
            boxes.computeIfAbsent(frameOfImage.get(annotation.imageId()), key -> new ArrayList<>())
                    .add(Box.newBuilder().setLabel(classes.get(annotation.categoryId())).setXmin(b.get(0))
                            .setYmin(b.get(1)).setXmax(b.get(0) + b.get(2)).setYmax(b.get(1) + b.get(3)).build());
        }
        return boxes;
    }
}
