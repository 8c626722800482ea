package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.coco.CocoFile;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.SetPolicyRequest;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.cli.GleanRun.Output;
import org.glean.curation.CurationFixtures;
import org.glean.curation.CurationService;
import org.glean.curation.ScoredStudy;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.curation.ScoredStudy.ScoredImage;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.training.CocoDataset;
import org.glean.training.LabeledBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ExportCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    CurationService curation;

    @Inject
    DataSource dataSource;

    @TempDir
    Path dir;

    @Test
    void exportWritesSubmittedBoxesAsCocoThatTrainingReadsFromTheDeidentifiedImages() throws Exception {
        CurationFixtures.clear(dataSource);
        String studyUid = DcmtkFiles.newUid();
        String seriesUid = DcmtkFiles.newUid();
        DcmtkFiles.write(dir, Spec.ct(studyUid, seriesUid, 1, 1, 64), Syntax.EXPLICIT_LITTLE);
        DcmtkFiles.write(dir, Spec.ct(studyUid, seriesUid, 1, 2, 32).withFrames(2), Syntax.EXPLICIT_LITTLE);
        Output sent = glean(server(port), "send", dir.toString());
        assertThat(sent.exitCode()).as(sent.err()).isZero();

        ManagedChannel channel = LoopbackChannels.open(port);
        try {
            StudyAnalysis analysis = StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyUid).build());
            List<ScoredImage> frames = new ArrayList<>();
            analysis.getSeriesList().forEach(series -> series.getImagesList().forEach(image -> frames.add(
                    new ScoredImage(image.getSopInstanceUid(), image.getFrame(), image.getRows(), image.getColumns(),
                            1.0, List.of(new PreAnnotation("mass", 0.6, 2, 2, 9, 9))))));
            assertThat(frames).hasSize(3);
            CurationGrpc.CurationBlockingStub stub = CurationGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(120, TimeUnit.SECONDS);
            stub.setPolicy(SetPolicyRequest.newBuilder().build());
            curation.decide(new ScoredStudy(studyUid, CurationFixtures.MODEL, 1.0, frames), CurationFixtures.CLASSES);
            AnnotationTask task = stub.claimNextTask(ClaimNextTaskRequest.getDefaultInstance()).getTask();
            ScoredImage ct = frames.get(0);
            ScoredImage secondFrame = frames.get(2);
            assertThat(secondFrame.frame()).isEqualTo(2);
            stub.submitAnnotation(SubmitAnnotationRequest.newBuilder().setTaskId(task.getTaskId())
                    .addImages(ImageAnnotation.newBuilder().setSopInstanceUid(ct.sopInstanceUid()).setFrame(1)
                            .addBoxes(box("nodule", 10, 12, 20.5, 30))
                            .addBoxes(box("calcification", 40, 40, 64, 64)))
                    .addImages(ImageAnnotation.newBuilder().setSopInstanceUid(secondFrame.sopInstanceUid()).setFrame(2)
                            .addBoxes(box("mass", 0, 0, 16, 8)))
                    .build());
        } finally {
            LoopbackChannels.close(channel);
        }

        Path exported = dir.resolve("export/annotations.json");
        Path images = dir.resolve("export/images");
        Output export = glean(server(port), "export", "--out", exported.toString(), "--images", images.toString());

        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("3 image(s) with 3 box(es) from 1 task(s)", "de-identified to " + images);
        CocoFile coco = CocoFile.read(exported);
        assertThat(coco.problems()).isEmpty();
        assertThat(coco.categories()).extracting(CocoFile.Category::id, CocoFile.Category::name)
                .containsExactly(tuple(1L, "nodule"), tuple(2L, "mass"), tuple(3L, "calcification"));
        assertThat(coco.images()).extracting(CocoFile.Image::frameNumber, CocoFile.Image::width,
                CocoFile.Image::height).containsExactly(tuple(1, 64, 64), tuple(1, 32, 32), tuple(2, 32, 32));
        assertThat(coco.annotations()).extracting(CocoFile.Annotation::imageId, CocoFile.Annotation::categoryId,
                CocoFile.Annotation::bbox).containsExactly(
                tuple(1L, 1L, List.of(10.0, 12.0, 10.5, 18.0)),
                tuple(1L, 3L, List.of(40.0, 40.0, 24.0, 24.0)),
                tuple(3L, 2L, List.of(0.0, 0.0, 16.0, 8.0)));

        // What glean train --data IMAGES_DIR --coco FILE opens: every image found through its file_name,
        // one de-identified copy per instance
        assertThat(coco.images()).extracting(CocoFile.Image::fileName)
                .containsExactly("instance-000001.dcm", "instance-000002.dcm", "instance-000002.dcm");
        CocoDataset dataset = CocoDataset.open(images, exported, new PixelMedDicomReader());
        assertThat(dataset.classNames()).containsExactly("nodule", "mass", "calcification");
        assertThat(dataset.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(images.resolve(dataset.image(i).fileName())).isEqualTo(dataset.file(i));
        }
        assertThat(dataset.boxes(0)).containsExactly(new LabeledBox(0, 10, 12, 10.5, 18),
                new LabeledBox(2, 40, 40, 24, 24));
        assertThat(dataset.boxes(1)).isEmpty();
        assertThat(dataset.boxes(2)).containsExactly(new LabeledBox(1, 0, 0, 16, 8));
        assertThat(dataset.sample(2).rows()).isEqualTo(32);
    }

    @Test
    void exportRefusesAnImagesFolderThatExistsAndWritesNothing() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path out = dir.resolve("a.json");

        Output export = glean(server(port), "export", "--out", out.toString(), "--images", images.toString());

        assertThat(export.exitCode()).isEqualTo(2);
        assertThat(export.err()).contains("--images " + images + " exists; name a folder that does not");
        assertThat(out).doesNotExist();
        assertThat(images).isEmptyDirectory();
    }

    @Test
    void exportAgainstNoServerSaysWhatFailed() {
        Output export = glean(server(1), "export", "--out", dir.resolve("a.json")
                .toString());

        assertThat(export.exitCode()).isEqualTo(1);
        assertThat(export.err()).contains("glean export: the server at 127.0.0.1:1 answered UNAVAILABLE");
    }

    private static Box box(String label, double xmin, double ymin, double xmax, double ymax) {
        return Box.newBuilder().setLabel(label).setXmin(xmin).setYmin(ymin).setXmax(xmax).setYmax(ymax).build();
    }
}
