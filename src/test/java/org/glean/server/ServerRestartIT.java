package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationDecision;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.ExportInstanceRequest;
import org.glean.proto.v1.ExportedImage;
import org.glean.proto.v1.ExportedInstanceChunk;
import org.glean.proto.v1.ExportedTask;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ListQueueResponse;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.proto.v1.TaskImage;
import org.glean.proto.v1.TaskState;
import org.glean.bench.BenchmarkInstances;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.bench.GleanServerProcess;
import org.glean.bench.ServerLaunch;
import org.glean.security.BearerToken;
import org.glean.security.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server (glean.jar, set by the build after `package`) as a user runs it, stopped and
 * started again on the same data folder: its embedded PostgreSQL, instance store and bundled
 * model. Every analysis and every annotation task must come back as they were, and an export
 * names them by the same pseudonyms; neither run's log names a study or instance by its UID.
 */
class ServerRestartIT {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    // C1 only: the two start-ups are most of the test, and the server runs too briefly for C2 to pay.
    private static final List<String> JAVA_OPTIONS = List.of("-Xmx1g", "-XX:TieredStopAtLevel=1");

    @TempDir
    Path dir;

    @Test
    void analysesAndTasksInEveryStateSurviveARestart() throws Exception {
        Path jar = Path.of(System.getProperty("glean.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged server; run this test with `./mvnw verify`").isRegularFile();
        List<GeneratedStudy> studies = BenchmarkInstances.phantomStudies(dir.resolve("studies"), 3, 2, 128,
                System.nanoTime());
        Path data = dir.resolve("data");

        List<StudyAnalysis> ingested = new ArrayList<>();
        List<AnnotationTask> tasks = new ArrayList<>();
        ListQueueResponse queue;
        List<ExportedTask> exported;
        ByteString exportedInstance;
        try (GleanServerProcess server = start(jar, data, "first")) {
            ManagedChannel channel = channel(server);
            try {
                IngestStudyClient client = new IngestStudyClient(channel, 1 << 20);
                for (GeneratedStudy study : studies) {
                    ingested.add(client.send(study.files()));
                }
                AnnotationTask submitted = claim(server, channel, "annotator-a");
                TaskImage image = submitted.getImages(0);
                curation(channel).withCallCredentials(new BearerToken(server.token("annotator-a", Role.ANNOTATOR)))
                        .submitAnnotation(SubmitAnnotationRequest.newBuilder()
                        .setTaskId(submitted.getTaskId()).setAnnotatorId("annotator-a")
                        .addImages(ImageAnnotation.newBuilder().setSopInstanceUid(image.getSopInstanceUid())
                                .setFrame(image.getFrame())
                                .addBoxes(Box.newBuilder().setLabel(submitted.getClasses(0))
                                        .setXmin(10).setYmin(12).setXmax(40).setYmax(44)))
                        .build());
                AnnotationTask claimed = claim(server, channel, "annotator-b");
                queue = curation(channel).listQueue(ListQueueRequest.getDefaultInstance());
                for (long taskId : List.of(submitted.getTaskId(), claimed.getTaskId(),
                        queue.getTasks(0).getTaskId())) {
                    tasks.add(curation(channel).getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build()));
                }
                exported = export(channel);
                exportedInstance = exportInstance(channel, exported.get(0).getImages(0).getSopInstanceUid());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        assertThat(ingested).allSatisfy(analysis -> {
            assertThat(analysis.getModelVersion()).isNotEmpty();
            assertThat(analysis.getDecision().getOutcome()).isEqualTo(CurationDecision.Outcome.QUEUED);
        });
        assertThat(tasks).extracting(AnnotationTask::getState)
                .containsExactly(TaskState.SUBMITTED, TaskState.CLAIMED, TaskState.QUEUED);
        assertThat(queue.getWaiting()).isEqualTo(1);

        try (GleanServerProcess server = start(jar, data, "second")) {
            ManagedChannel channel = channel(server);
            try {
                for (StudyAnalysis analysis : ingested) {
                    assertThat(StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .getStudy(GetStudyRequest
                            .newBuilder().setStudyInstanceUid(analysis.getStudyInstanceUid()).build()))
                            .isEqualTo(analysis);
                }
                for (AnnotationTask task : tasks) {
                    assertThat(curation(channel).getTask(GetTaskRequest.newBuilder().setTaskId(task.getTaskId()).build()))
                            .isEqualTo(task);
                }
                assertThat(curation(channel).listQueue(ListQueueRequest.getDefaultInstance())).isEqualTo(queue);
                assertThat(export(channel)).isEqualTo(exported);
                assertThat(exportInstance(channel, exported.get(0).getImages(0).getSopInstanceUid()))
                        .isEqualTo(exportedInstance);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThat(exported).singleElement().satisfies(task -> {
            assertThat(task.getStudyInstanceUid()).isNotEqualTo(tasks.get(0).getStudyInstanceUid());
            assertThat(task.getImagesList()).extracting(ExportedImage::getSopInstanceUid)
                    .doesNotContainAnyElementsOf(tasks.get(0).getImagesList().stream()
                            .map(TaskImage::getSopInstanceUid).toList());
        });
        assertThat(Files.readString(dir.resolve("first").resolve("server.log")))
                .as("the first run's log, which received the studies").contains("Study ref:");
        for (String run : List.of("first", "second")) {
            String log = Files.readString(dir.resolve(run).resolve("server.log"));
            for (StudyAnalysis analysis : ingested) {
                assertThat(log).as("the %s run's log", run).doesNotContain(analysis.getStudyInstanceUid());
                analysis.getSeriesList().forEach(series -> series.getImagesList().forEach(image ->
                        assertThat(log).as("the %s run's log", run).doesNotContain(image.getSopInstanceUid())));
            }
        }
    }

    private static List<ExportedTask> export(ManagedChannel channel) {
        List<ExportedTask> tasks = new ArrayList<>();
        curation(channel).exportAnnotations(ExportAnnotationsRequest.getDefaultInstance()).forEachRemaining(tasks::add);
        return tasks;
    }

    private static ByteString exportInstance(ManagedChannel channel, String sopInstanceUid) {
        ByteString bytes = ByteString.EMPTY;
        Iterator<ExportedInstanceChunk> chunks = curation(channel).exportInstance(
                ExportInstanceRequest.newBuilder().setSopInstanceUid(sopInstanceUid).build());
        while (chunks.hasNext()) {
            bytes = bytes.concat(chunks.next().getData());
        }
        return bytes;
    }

    private GleanServerProcess start(Path jar, Path data, String run) throws Exception {
        Path logs = Files.createDirectories(dir.resolve(run));
        return GleanServerProcess.startReady(ServerLaunch.tls(jar, JAVA_OPTIONS), data, logs.resolve("server.log"), START_TIMEOUT);
    }

    private static ManagedChannel channel(GleanServerProcess server) {
        return server.channel();
    }

    private static CurationGrpc.CurationBlockingStub curation(ManagedChannel channel) {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static AnnotationTask claim(GleanServerProcess server, ManagedChannel channel, String annotator) {
        return curation(channel).withCallCredentials(new BearerToken(server.token(annotator, Role.ANNOTATOR))).claimNextTask(ClaimNextTaskRequest.newBuilder().setAnnotatorId(annotator).build()).getTask();
    }
}
