package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.bench.FineTuneJobWatch;
import org.glean.bench.LabelledStudies;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.ListModelsRequest;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ModelVersion;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.PromoteRequest;
import org.glean.proto.v1.RollbackRequest;
import org.glean.proto.v1.StartFineTuneRequest;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.proto.v1.TaskState;
import org.glean.detector.DetectorCheckpoint;
import org.glean.inference.ModelsConfig;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyRepository;
import org.glean.security.UidReference;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.training.FineTuneJobs;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.TestTokens;
import org.glean.training.FineTuneTestResource;
import org.glean.training.HeldOutSplit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fine-tuning loop against the running server, over gRPC on loopback with a real PostgreSQL
 * and real models (the bundled one, and what jobs make of it): a job fails cleanly without data or
 * with an instance gone from the store, starts by itself once enough annotations are submitted and
 * streams its progress, the gate keeps a worse version as a candidate and promotes one at least as
 * good, Promote and Rollback change the current version, a promotion rescores the waiting queue,
 * and swaps under concurrent IngestStudy calls fail none.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(FineTuneTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelsGrpcServiceTest {

    private static final String OPERATOR = TestTokens.TEST_ADMIN;
    private static final long DEADLINE_SECONDS = 120;
    private static final int SLICES = 1;
    // Annotated studies, 256² like the bundled model's data: half held out (glean.training.held-out-share=0.5).
    private static LabelledStudies annotated;
    // Studies that wait in the queue when versions change.
    private static LabelledStudies waiting;
    private static String firstVersion;
    // Installed beside it, never current until promoted by hand.
    private static String otherVersion;
    private static String betterVersion;
    private static String worseVersion;
    private static long worseJob;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    DataSource dataSource;

    @Inject
    ModelsConfig models;

    @Inject
    FineTuneJobs jobs;

    @Inject
    InstanceStore store;

    @Inject
    StudyRepository studies;

    @Inject
    AuditTrail trail;

    private ManagedChannel channel;

    @BeforeAll
    static void phantoms() throws Exception {
        Path root = Files.createTempDirectory("glean-fine-tune-data-");
        annotated = PhantomStudies.synth(root.resolve("annotated"), "21", 6, SLICES);
        waiting = PhantomStudies.synth(root.resolve("waiting"), "22", 5, SLICES);
    }

    @BeforeEach
    void connect() {
        channel = LoopbackChannels.open(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    @Order(1)
    void jobWithoutAnnotationsFailsWithAReasonAndChangesNothing() {
        List<ModelVersion> before = listModels();
        assertThat(before).extracting(ModelVersion::getState)
                .containsExactlyInAnyOrder(ModelVersion.State.CURRENT, ModelVersion.State.CANDIDATE);
        firstVersion = before.stream().filter(version -> version.getState() == ModelVersion.State.CURRENT)
                .findFirst().orElseThrow().getVersionId();
        otherVersion = before.stream().filter(version -> version.getState() == ModelVersion.State.CANDIDATE)
                .findFirst().orElseThrow().getVersionId();

        FineTuneJob started = models().startFineTune(StartFineTuneRequest.newBuilder().setRequestedBy(OPERATOR).build());
        List<FineTuneJob> progress = watch(started.getJobId());

        assertThat(started.getState()).isEqualTo(FineTuneJob.State.RUNNING);
        assertThat(started.getParentVersion()).isEqualTo(firstVersion);
        FineTuneJob last = progress.get(progress.size() - 1);
        assertThat(last.getState()).isEqualTo(FineTuneJob.State.FAILED);
        assertThat(last.getReason()).startsWith("there is nothing to train on: no annotation has been submitted");
        assertThat(last.hasFinishedAt()).isTrue();
        assertThat(listModels()).isEqualTo(before);
        assertThatThrownBy(() -> models().startFineTune(StartFineTuneRequest.newBuilder().setRequestedBy("someone-else").build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    @Order(2)
    void enoughAnnotationsStartAJobThatStreamsItsProgressAndTheGateKeepsAWorseVersionAsACandidate() throws Exception {
        Set<String> studies = annotated.studyUids();
        assertThat(studies).hasSize(FineTuneTestResource.AUTO_FINE_TUNE_AFTER);

        annotated.ingestAll(channel);
        int frames = annotated.annotateEveryTask(curation());

        long jobId = latestJob();
        StatusRuntimeException second = catchStatus(() -> models().startFineTune(
                StartFineTuneRequest.newBuilder().setRequestedBy(OPERATOR).build()));
        List<FineTuneJob> progress = watch(jobId);

        assertThat(second.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(second.getStatus().getDescription())
                .isEqualTo("fine-tuning job " + jobId + " is running; watch it (Models.WatchJob) and start "
                        + "again once it has ended");
        assertThat(progress.get(0)).extracting(FineTuneJob::getTrigger, FineTuneJob::getRequestedBy,
                        FineTuneJob::getEpochs, FineTuneJob::getLearningRate)
                .containsExactly(FineTuneJob.Trigger.AUTO, "glean", 1, 0.15);
        assertThat(audited(AuditAction.FINE_TUNE_STARTED, "job " + jobId)).extracting(AuditRecord::actor,
                AuditRecord::outcome).containsExactly(tuple("glean", "OK"));
        FineTuneJob last = progress.get(progress.size() - 1);
        assertThat(last.getState()).as(last.getReason()).isEqualTo(FineTuneJob.State.SUCCEEDED);
        assertThat(progress.subList(0, progress.size() - 1)).allMatch(job -> job.getState() == FineTuneJob.State.RUNNING);
        assertThat(progress).anyMatch(job -> job.getStep() == 1 && job.getLoss() > 0 && job.getImagesPerSecond() > 0);
        assertThat(progress).filteredOn(FineTuneJob::hasValidationMap).extracting(FineTuneJob::getEpoch).contains(1);
        HeldOutSplit split = new HeldOutSplit(0.5);
        long heldOut = studies.stream().filter(split::heldOut).count();
        assertThat(heldOut).isBetween(1L, studies.size() - 1L);
        assertThat(last.getValidationStudies()).isEqualTo(heldOut);
        assertThat(last.getTrainingImages() + last.getValidationImages()).isEqualTo(frames);
        assertThat(last.getValidationImages()).isEqualTo(SLICES * heldOut);

        assertThat(last.getParentVersion()).isEqualTo(firstVersion);
        assertThat(last.getOutcome()).as(last.getReason()).isEqualTo(FineTuneJob.Outcome.KEPT_AS_CANDIDATE);
        assertThat(last.getValidationMap()).isLessThan(last.getCurrentMap());
        assertThat(last.getReason()).startsWith("kept as a candidate: it validates worse than the current version");
        worseVersion = last.getCandidateVersion();
        worseJob = last.getJobId();
        Map<String, ModelVersion> versions = versionsById();
        assertThat(versions.get(worseVersion)).extracting(ModelVersion::getState, ModelVersion::getCandidateReason,
                        ModelVersion::getParentVersion, ModelVersion::getValidationMap)
                .containsExactly(ModelVersion.State.CANDIDATE, last.getReason(), firstVersion, last.getValidationMap());
        assertThat(versions.get(firstVersion).getState()).isEqualTo(ModelVersion.State.CURRENT);
        // the learning curve's abscissa: every submitted annotation, held-out ones included
        assertThat(versions.get(worseVersion).getTrainingAnnotations()).isEqualTo(studies.size());
        assertThat(versions.get(firstVersion).hasTrainingAnnotations()).isFalse();
        assertThat(DetectorCheckpoint.readManifest(Path.of(versions.get(worseVersion).getSource())).parentVersion())
                .isEqualTo(firstVersion);
    }

    @Test
    @Order(3)
    void theGatePromotesAVersionAtLeastAsGoodAsTheCurrentOne() {
        models().promote(PromoteRequest.newBuilder().setVersionId(worseVersion).setRequestedBy(OPERATOR)
                .setReason("trying the candidate").build());

        FineTuneJob started = models().startFineTune(StartFineTuneRequest.newBuilder().setRequestedBy(OPERATOR)
                .setEpochs(1).setLearningRate(0.001).build());
        List<FineTuneJob> progress = watch(started.getJobId());

        FineTuneJob last = progress.get(progress.size() - 1);
        assertThat(last.getState()).as(last.getReason()).isEqualTo(FineTuneJob.State.SUCCEEDED);
        assertThat(last.getParentVersion()).isEqualTo(worseVersion);
        assertThat(last.getOutcome()).as(last.getReason()).isEqualTo(FineTuneJob.Outcome.PROMOTED);
        assertThat(last.getValidationMap()).isGreaterThanOrEqualTo(last.getCurrentMap());
        assertThat(last.getReason()).startsWith("promoted: mAP@0.5 ");
        betterVersion = last.getCandidateVersion();
        Map<String, ModelVersion> versions = versionsById();
        assertThat(versions.get(betterVersion)).extracting(ModelVersion::getState, ModelVersion::getParentVersion)
                .containsExactly(ModelVersion.State.CURRENT, worseVersion);
        assertThat(audited(AuditAction.PROMOTED, "model " + worseVersion)).extracting(AuditRecord::actor,
                AuditRecord::detail).containsExactly(tuple(OPERATOR, "PROMOTE, replacing " + firstVersion
                        + ": trying the candidate"));
        assertThat(audited(AuditAction.FINE_TUNE_STARTED, "job " + started.getJobId()))
                .extracting(AuditRecord::actor).containsExactly(OPERATOR);
        assertThat(audited(AuditAction.PROMOTED, "model " + betterVersion)).extracting(AuditRecord::actor)
                .containsExactly("glean");
        assertThat(versions.get(worseVersion).getState()).isEqualTo(ModelVersion.State.RETIRED);
        // studies are scored by the promoted version from now on
        assertThat(IngestCalls.ingest(channel, waiting.files().get(0).toArray(Path[]::new)).getModelVersion())
                .isEqualTo(betterVersion);
    }

    @Test
    @Order(4)
    void rollbackStepsBackThroughTheVersionsThatWereCurrent() {
        ModelVersion back = models().rollback(RollbackRequest.newBuilder().setRequestedBy(OPERATOR).build());

        assertThat(back.getVersionId()).isEqualTo(worseVersion);
        assertThat(back.getState()).isEqualTo(ModelVersion.State.CURRENT);
        assertThat(versionsById().get(betterVersion)).extracting(ModelVersion::getState, ModelVersion::getRolledBack)
                .containsExactly(ModelVersion.State.RETIRED, true);
        assertThat(models().rollback(RollbackRequest.newBuilder().setRequestedBy(OPERATOR).build()).getVersionId())
                .isEqualTo(firstVersion);
        StatusRuntimeException nothingLeft = catchStatus(() -> models().rollback(
                RollbackRequest.newBuilder().setRequestedBy(OPERATOR).build()));
        assertThat(nothingLeft.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(nothingLeft.getStatus().getDescription()).startsWith("there is no earlier version to roll back to");
        assertThat(catchStatus(() -> models().promote(PromoteRequest.newBuilder().setVersionId(firstVersion)
                .setRequestedBy(OPERATOR).build())).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(catchStatus(() -> models().promote(PromoteRequest.newBuilder().setVersionId("0123456789abcdef")
                .setRequestedBy(OPERATOR).build())).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(audited(AuditAction.ROLLED_BACK, "model " + worseVersion)).extracting(AuditRecord::actor)
                .containsExactly(OPERATOR);
        assertThat(audited(AuditAction.ROLLED_BACK, "model " + firstVersion)).extracting(AuditRecord::actor)
                .containsExactly(OPERATOR);
        assertThat(AuditRows.of(trail, AuditAction.ROLLED_BACK)).extracting(AuditRecord::outcome).last()
                .isEqualTo("FAILED_PRECONDITION");
        assertThat(audited(AuditAction.PROMOTED, "model 0123456789abcdef")).extracting(AuditRecord::outcome)
                .containsExactly("NOT_FOUND");
    }

    // The rows of an action on one object: a model version, a job.
    private List<AuditRecord> audited(AuditAction action, String target) {
        return AuditRows.of(trail, action).stream().filter(row -> target.equals(row.target())).toList();
    }

    @Test
    @Order(5)
    void promotionRescoresTheWaitingTasksAndTheQueueReorders() {
        List<List<Path>> studies = waiting.files();
        for (List<Path> study : studies) {
            IngestCalls.ingest(channel, study.toArray(Path[]::new));
        }
        AnnotationTask claimed = curation().claimNextTask(ClaimNextTaskRequest.newBuilder().setAnnotatorId(OPERATOR)
                .build()).getTask();
        List<AnnotationTask> before = queue();
        assertThat(before).hasSize(studies.size() - 1).allMatch(task -> task.getModelVersion().equals(firstVersion));
        assertThat(before).extracting(AnnotationTask::getInformativeness).doesNotHaveDuplicates();

        models().promote(PromoteRequest.newBuilder().setVersionId(otherVersion).setRequestedBy(OPERATOR).build());

        List<AnnotationTask> after = queue();
        assertThat(after).allMatch(task -> task.getModelVersion().equals(otherVersion));
        assertThat(after).extracting(AnnotationTask::getStudyInstanceUid)
                .containsExactlyInAnyOrderElementsOf(before.stream().map(AnnotationTask::getStudyInstanceUid).toList());
        for (AnnotationTask task : after) {
            StudyAnalysis analysis = study(task.getStudyInstanceUid());
            assertThat(analysis.getModelVersion()).isEqualTo(otherVersion);
            assertThat(task.getInformativeness()).isEqualTo(analysis.getInformativeness());
        }
        assertThat(after).isSortedAccordingTo(Comparator.comparingDouble(AnnotationTask::getInformativeness).reversed());
        assertThat(after).extracting(AnnotationTask::getStudyInstanceUid)
                .isNotEqualTo(before.stream().map(AnnotationTask::getStudyInstanceUid).toList());
        // the claimed task keeps what its annotator sees
        assertThat(curation().getTask(GetTaskRequest.newBuilder().setTaskId(claimed.getTaskId())
                .build())).extracting(AnnotationTask::getModelVersion, AnnotationTask::getState)
                .containsExactly(firstVersion, TaskState.CLAIMED);
    }

    @Test
    @Order(6)
    void swapsUnderConcurrentIngestStudyCallsFailNoCall() throws Exception {
        List<List<Path>> studies = waiting.files();
        int clients = 4;
        AtomicBoolean swapping = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(clients);
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        List<Future<List<String>>> calls = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                List<Path> study = studies.get(c % studies.size());
                calls.add(threads.submit(() -> {
                    ManagedChannel own = LoopbackChannels.open(port);
                    try {
                        List<String> versions = new ArrayList<>();
                        started.countDown();
                        do {
                            versions.add(IngestCalls.ingest(own, study.toArray(Path[]::new)).getModelVersion());
                        } while (swapping.get());
                        return versions;
                    } finally {
                        LoopbackChannels.close(own);
                    }
                }));
            }
            started.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
            List<String> swappedTo = List.of(firstVersion, otherVersion);
            for (String version : swappedTo) {
                models().withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).promote(PromoteRequest.newBuilder()
                        .setVersionId(version).setRequestedBy(OPERATOR).build());
            }
            swapping.set(false);
            List<String> answered = new ArrayList<>();
            for (Future<List<String>> call : calls) {
                answered.addAll(call.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
            }

            // every call answered with an analysis (a failed one would have thrown), by one of the versions
            assertThat(answered).isNotEmpty().allMatch(Set.of(firstVersion, otherVersion)::contains);
            assertThat(answered).contains(firstVersion, otherVersion);
        } finally {
            swapping.set(false);
            threads.shutdownNow();
        }
    }

    @Test
    @Order(7)
    void aRestartFailsTheJobThatWasRunningAndFindsTheFinishedOnes() throws Exception {
        long interrupted;
        try (Connection connection = dataSource.getConnection(); Statement insert = connection.createStatement()) {
            var row = insert.executeQuery("""
                    INSERT INTO fine_tune_job (state, trigger_kind, requested_by, parent_version, epochs, learning_rate,
                                               epoch, step, created_at)
                    VALUES ('RUNNING', 'AUTO', 'glean', 'abc', 3, 0.001, 1, 4, now()) RETURNING id""");
            row.next();
            interrupted = row.getLong(1);
        }

        jobs.failInterruptedJobs();

        FineTuneJob failed = watch(interrupted).get(0);
        assertThat(failed.getState()).isEqualTo(FineTuneJob.State.FAILED);
        assertThat(failed.getReason()).isEqualTo("interrupted: the server stopped while the job ran; start it again");
        List<FineTuneJob> finished = watch(worseJob);
        assertThat(finished).singleElement().extracting(FineTuneJob::getState, FineTuneJob::getCandidateVersion)
                .containsExactly(FineTuneJob.State.SUCCEEDED, worseVersion);
        assertThat(catchStatus(() -> watch(interrupted + 100)).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        // no work folder is left behind, and every version is a whole model directory
        try (Stream<Path> entries = Files.list(models.dir())) {
            assertThat(entries).allMatch(dir -> Files.isRegularFile(dir.resolve(DetectorCheckpoint.PARAMETERS)));
        }
    }

    @Test
    @Order(8)
    void jobWhoseAnnotatedInstanceLeftTheStoreFailsNamingItAndMakesNoVersion() throws Exception {
        String sopInstanceUid = annotated.truth().images().get(0).sopInstanceUid();
        Path stored = store.pathOf(studies.acceptedContent(List.of(sopInstanceUid)).get(sopInstanceUid));
        Path aside = Files.createTempFile("glean-instance-aside-", ".dcm");
        List<ModelVersion> before = listModels();
        Files.move(stored, aside, StandardCopyOption.REPLACE_EXISTING);
        List<FineTuneJob> progress;
        try {
            FineTuneJob started = models().startFineTune(StartFineTuneRequest.newBuilder().setRequestedBy(OPERATOR)
                    .build());
            progress = watch(started.getJobId());
        } finally {
            Files.move(aside, stored);
        }

        FineTuneJob last = progress.get(progress.size() - 1);
        assertThat(last.getState()).isEqualTo(FineTuneJob.State.FAILED);
        assertThat(last.getReason()).startsWith("the submitted annotations: task ")
                .contains("SOPInstanceUID " + UidReference.of(sopInstanceUid) + " frame 1: its file " + stored
                        + " is missing from the instance store (glean.store.dir); restore it or send the study again")
                .doesNotContain(sopInstanceUid);
        assertThat(listModels()).isEqualTo(before);
    }

    private long latestJob() throws Exception {
        return LatestFineTuneJob.id(dataSource);
    }

    private List<FineTuneJob> watch(long jobId) {
        return FineTuneJobWatch.watch(channel, jobId, Duration.ofSeconds(DEADLINE_SECONDS));
    }

    private List<ModelVersion> listModels() {
        return models().listModels(ListModelsRequest.getDefaultInstance()).getVersionsList();
    }

    private Map<String, ModelVersion> versionsById() {
        Map<String, ModelVersion> byId = new LinkedHashMap<>();
        listModels().forEach(version -> byId.put(version.getVersionId(), version));
        return byId;
    }

    private List<AnnotationTask> queue() {
        return curation().listQueue(ListQueueRequest.getDefaultInstance()).getTasksList();
    }

    private StudyAnalysis study(String studyInstanceUid) {
        return StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyInstanceUid).build());
    }

    private ModelsGrpc.ModelsBlockingStub models() {
        return ModelsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private CurationGrpc.CurationBlockingStub curation() {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static StatusRuntimeException catchStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded; a refusal was expected");
    }
}
