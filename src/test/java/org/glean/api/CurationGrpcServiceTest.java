package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.glean.curation.CurationFixtures.CLASSES;
import static org.glean.curation.CurationFixtures.study;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.CurationPolicy;
import org.glean.proto.v1.GetPolicyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ListQueueResponse;
import org.glean.proto.v1.ReleaseTaskRequest;
import org.glean.proto.v1.SetPolicyRequest;
import org.glean.proto.v1.SkipTaskRequest;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.proto.v1.TaskEvent;
import org.glean.proto.v1.TaskState;
import org.glean.curation.CurationFixtures;
import org.glean.curation.CurationService;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class CurationGrpcServiceTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    CurationService curation;

    @Inject
    DataSource dataSource;

    private ManagedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        CurationFixtures.clear(dataSource);
        channel = channel();
        stub("test-operator").setPolicy(SetPolicyRequest.newBuilder().setChangedBy("test-operator").build());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    void policyIsSetAndReadAtRunTime() {
        CurationPolicy set = stub("operator-x").setPolicy(SetPolicyRequest.newBuilder()
                .setInformativenessThreshold(1.5)
                .setBudgetPerPeriod(20)
                .setBudgetPeriod(Duration.newBuilder().setSeconds(3600))
                .setChangedBy("operator-x")
                .build());

        CurationPolicy read = stub().getPolicy(GetPolicyRequest.getDefaultInstance());

        assertThat(read).isEqualTo(set);
        assertThat(read.getInformativenessThreshold()).isEqualTo(1.5);
        assertThat(read.getBudgetPerPeriod()).isEqualTo(20);
        assertThat(read.getBudgetPeriod().getSeconds()).isEqualTo(3600);
        assertThat(read.getChangedBy()).isEqualTo("operator-x");
        assertThat(curation.decide(study(1.0), CLASSES).reason()).contains("below the threshold 1.5");
    }

    @Test
    void policyOutOfRangeIsRefusedNamingTheField() {
        assertStatus(() -> stub("operator-x").setPolicy(SetPolicyRequest.newBuilder().setChangedBy("operator-x")
                        .setBudgetPeriod(Duration.newBuilder().setSeconds(0)).build()),
                Status.Code.INVALID_ARGUMENT, "budget_period must be whole seconds from 1 s to 366 days");
    }

    @Test
    void queueListsWaitingTasksMostInformativeFirstAndClaimsInThatOrder() {
        long middle = curation.decide(study(2.0), CLASSES).taskId();
        long high = curation.decide(study(7.5), CLASSES).taskId();
        long low = curation.decide(study(-0.5), CLASSES).taskId();

        ListQueueResponse queue = stub().listQueue(ListQueueRequest.getDefaultInstance());
        AnnotationTask claimed = claim("annotator-a").getTask();

        assertThat(queue.getTasksList()).extracting(AnnotationTask::getTaskId).containsExactly(high, middle, low);
        assertThat(queue.getTasksList()).extracting(AnnotationTask::getInformativeness).containsExactly(7.5, 2.0, -0.5);
        assertThat(queue.getWaiting()).isEqualTo(3);
        assertThat(claimed.getTaskId()).isEqualTo(high);
        assertThat(claimed.getState()).isEqualTo(TaskState.CLAIMED);
        assertThat(claimed.getAnnotatorId()).isEqualTo("annotator-a");
        assertThat(claimed.getImages(0).getPreAnnotationsList()).extracting(Box::getLabel, Box::getScore)
                .containsExactly(tuple("nodule", 0.8));
        assertThat(stub().listQueue(ListQueueRequest.getDefaultInstance()).getTasksList())
                .extracting(AnnotationTask::getTaskId).containsExactly(middle, low);
    }

    @Test
    void twentyConcurrentClaimersNeverReceiveTheSameTask() throws Exception {
        int tasks = 60;
        for (int i = 0; i < tasks; i++) {
            curation.decide(study(i * 0.1), CLASSES);
        }
        int claimers = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(claimers);
        List<Future<List<Long>>> claims = new ArrayList<>();
        try {
            for (int c = 0; c < claimers; c++) {
                String annotator = "annotator-" + c;
                claims.add(threads.submit(claimUntilEmpty(annotator, start)));
            }
            start.countDown();
            List<Long> claimed = new ArrayList<>();
            for (Future<List<Long>> claim : claims) {
                claimed.addAll(claim.get(120, TimeUnit.SECONDS));
            }

            assertThat(claimed).hasSize(tasks).doesNotHaveDuplicates();
            assertThat(stub().listQueue(ListQueueRequest.getDefaultInstance()).getWaiting()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    // Each claimer on its own connection, as separate annotators' clients are.
    private Callable<List<Long>> claimUntilEmpty(String annotator, CountDownLatch start) {
        return () -> {
            ManagedChannel own = channel();
            try {
                CurationGrpc.CurationBlockingStub claimer = CurationGrpc.newBlockingStub(own)
                        .withCallCredentials(TestTokens.as(annotator, Role.ANNOTATOR));
                start.await();
                List<Long> claimed = new ArrayList<>();
                while (true) {
                    var response = claimer.withDeadlineAfter(60, TimeUnit.SECONDS)
                            .claimNextTask(ClaimNextTaskRequest.newBuilder().setAnnotatorId(annotator).build());
                    if (!response.hasTask()) {
                        return claimed;
                    }
                    assertThat(response.getTask().getAnnotatorId()).isEqualTo(annotator);
                    claimed.add(response.getTask().getTaskId());
                }
            } finally {
                own.shutdownNow();
            }
        };
    }

    @Test
    void expiredLeaseReturnsTheTaskToTheQueue() throws Exception {
        long taskId = curation.decide(study(1.0), CLASSES).taskId();
        AnnotationTask claimed = stub("annotator-a").claimNextTask(ClaimNextTaskRequest.newBuilder().setAnnotatorId("annotator-a")
                .setLease(Duration.newBuilder().setNanos(500_000_000)).build()).getTask();
        assertThat(claimed.getTaskId()).isEqualTo(taskId);

        Thread.sleep(1000);

        ListQueueResponse queue = stub().listQueue(ListQueueRequest.getDefaultInstance());
        assertThat(queue.getTasksList()).extracting(AnnotationTask::getTaskId, AnnotationTask::getState)
                .containsExactly(tuple(taskId, TaskState.EXPIRED));
        assertStatus(() -> stub("annotator-a").submitAnnotation(SubmitAnnotationRequest.newBuilder().setTaskId(taskId)
                        .setAnnotatorId("annotator-a").build()),
                Status.Code.FAILED_PRECONDITION, "task " + taskId + ": its lease ran out");
        AnnotationTask reclaimed = claim("annotator-b").getTask();
        assertThat(reclaimed.getTaskId()).isEqualTo(taskId);
        assertThat(reclaimed.getHistoryList())
                .extracting(TaskEvent::getActor, TaskEvent::getFromState, TaskEvent::getToState)
                .containsExactly(tuple("glean", TaskState.TASK_STATE_UNSPECIFIED, TaskState.QUEUED),
                        tuple("annotator-a", TaskState.QUEUED, TaskState.CLAIMED),
                        tuple("glean", TaskState.CLAIMED, TaskState.EXPIRED),
                        tuple("annotator-b", TaskState.EXPIRED, TaskState.CLAIMED));
    }

    @Test
    void leaseLongerThanTheServerAllowsIsRefused() {
        assertStatus(() -> stub("annotator-a").claimNextTask(ClaimNextTaskRequest.newBuilder().setAnnotatorId("annotator-a")
                        .setLease(Duration.newBuilder().setSeconds(9 * 3600)).build()),
                Status.Code.INVALID_ARGUMENT, "at most PT8H (glean.curation.max-lease-duration)");
    }

    @Test
    void annotatorsReadTheirOwnTasksOnlyAndCuratorsWhoAnnotateEveryTask() {
        curation.decide(study(1.0), CLASSES);
        long id = claim("annotator-a").getTask().getTaskId();
        GetTaskRequest request = GetTaskRequest.newBuilder().setTaskId(id).build();

        assertThat(stub().withCallCredentials(TestTokens.as("annotator-a", Role.ANNOTATOR)).getTask(request).getTaskId())
                .isEqualTo(id);
        assertStatus(() -> stub().withCallCredentials(TestTokens.as("annotator-b", Role.ANNOTATOR)).getTask(request),
                Status.Code.PERMISSION_DENIED, "task " + id + " is not annotator-b's");
        assertThat(stub().withCallCredentials(TestTokens.as("curator-c", Role.ANNOTATOR, Role.CURATOR)).getTask(request).getTaskId())
                .isEqualTo(id);
    }

    @Test
    void theActingPersonIsTheTokensSubject() {
        assertThat(stub().setPolicy(SetPolicyRequest.newBuilder().setInformativenessThreshold(1).build()).getChangedBy())
                .as("changed_by left empty is filled from the token").isEqualTo(TestTokens.TEST_ADMIN);
        assertStatus(() -> stub("annotator-a").claimNextTask(ClaimNextTaskRequest.newBuilder()
                        .setAnnotatorId("annotator-b").build()),
                Status.Code.PERMISSION_DENIED, "annotator_id annotator-b is not the caller annotator-a");
    }

    @Test
    void submissionIsStoredAndCompletesTheTask() {
        curation.decide(study(1.0), CLASSES);
        AnnotationTask task = claim("annotator-a").getTask();
        String frame = task.getImages(1).getSopInstanceUid();

        AnnotationTask submitted = stub("annotator-a").submitAnnotation(SubmitAnnotationRequest.newBuilder()
                .setTaskId(task.getTaskId()).setAnnotatorId("annotator-a")
                .addImages(ImageAnnotation.newBuilder().setSopInstanceUid(frame).setFrame(1)
                        .addBoxes(box("calcification", 0, 0, 64, 48))
                        .addBoxes(box("mass", 5.5, 6, 7, 8.25)))
                .build());

        assertThat(submitted.getState()).isEqualTo(TaskState.SUBMITTED);
        assertThat(submitted.getAnnotatorId()).isEqualTo("annotator-a");
        assertThat(submitted.getImages(0).getAnnotationList()).isEmpty();
        assertThat(submitted.getImages(1).getAnnotationList())
                .containsExactly(box("calcification", 0, 0, 64, 48), box("mass", 5.5, 6, 7, 8.25));
        assertThat(stub().getTask(GetTaskRequest.newBuilder().setTaskId(task.getTaskId()).build())).isEqualTo(submitted);
        assertThat(submitted.getHistoryList()).extracting(TaskEvent::getAction)
                .containsExactly("QUEUED", "CLAIMED", "SUBMITTED");
    }

    @Test
    void malformedSubmissionsAreRefusedWithReasonsAndChangeNothing() {
        curation.decide(study(1.0), CLASSES);
        AnnotationTask task = claim("annotator-a").getTask();
        long id = task.getTaskId();
        String first = task.getImages(0).getSopInstanceUid();

        assertStatus(() -> submit(id, "annotator-a", ImageAnnotation.newBuilder().setSopInstanceUid(first)
                        .setFrame(1).addBoxes(box("nodule", 1, 1, 5, 5)).addBoxes(box("nodule", 60, 10, 65, 20)).build()),
                Status.Code.INVALID_ARGUMENT, "box 1 of image 0 (SOPInstanceUID " + first + ", frame 1): "
                        + "[xmin 60.0, ymin 10.0, xmax 65.0, ymax 20.0] lies outside the frame of 64 columns × 48 rows");
        assertStatus(() -> submit(id, "annotator-a", ImageAnnotation.newBuilder().setSopInstanceUid(first)
                        .setFrame(1).addBoxes(box("tumour", 1, 1, 5, 5)).build()),
                Status.Code.INVALID_ARGUMENT, "box 0 of image 0 (SOPInstanceUID " + first + ", frame 1): label "
                        + "'tumour' is not one of the task's classes [nodule, mass, calcification]");
        assertStatus(() -> submit(id, "annotator-a", ImageAnnotation.newBuilder().setSopInstanceUid(first)
                        .setFrame(1).addBoxes(box("mass", 5, 5, 5, 9)).build()),
                Status.Code.INVALID_ARGUMENT, "has no area");
        assertStatus(() -> submit(id, "annotator-a", ImageAnnotation.newBuilder().setSopInstanceUid(first)
                        .setFrame(2).build()),
                Status.Code.INVALID_ARGUMENT, "image 0 (SOPInstanceUID " + first + ", frame 2) is not a frame of task "
                        + id);
        assertStatus(() -> submit(id, "annotator-b", ImageAnnotation.newBuilder().setSopInstanceUid(first)
                        .setFrame(1).build()),
                Status.Code.PERMISSION_DENIED, "task " + id + " is claimed by another annotator, not by annotator-b");
        assertStatus(() -> submit(id + 1000, "annotator-a"), Status.Code.NOT_FOUND, "no annotation task " + (id + 1000));

        AnnotationTask after = stub().getTask(GetTaskRequest.newBuilder().setTaskId(id).build());
        assertThat(after.getState()).isEqualTo(TaskState.CLAIMED);
        assertThat(after.getImagesList()).allSatisfy(image -> assertThat(image.getAnnotationList()).isEmpty());
        assertThat(after.getHistoryList()).extracting(TaskEvent::getAction).containsExactly("QUEUED", "CLAIMED");
    }

    @Test
    void taskNotClaimedCannotBeSubmittedReleasedOrSkipped() {
        long id = curation.decide(study(1.0), CLASSES).taskId();

        assertStatus(() -> submit(id, "annotator-a"), Status.Code.FAILED_PRECONDITION,
                "task " + id + " is not claimed; claim it with ClaimNextTask first");
        assertStatus(() -> stub("annotator-a").releaseTask(ReleaseTaskRequest.newBuilder().setTaskId(id)
                .setAnnotatorId("annotator-a").build()), Status.Code.FAILED_PRECONDITION, "is not claimed");
        assertStatus(() -> stub("annotator-a").skipTask(SkipTaskRequest.newBuilder().setTaskId(id).setAnnotatorId("annotator-a")
                .setReason("unreadable").build()), Status.Code.FAILED_PRECONDITION, "is not claimed");
    }

    @Test
    void releaseReturnsTheTaskAndSkipCompletesItWithTheReason() {
        long id = curation.decide(study(1.0), CLASSES).taskId();
        claim("annotator-a");

        AnnotationTask released = stub("annotator-a").releaseTask(ReleaseTaskRequest.newBuilder().setTaskId(id)
                .setAnnotatorId("annotator-a").build());
        assertThat(released.getState()).isEqualTo(TaskState.QUEUED);
        assertThat(released.getAnnotatorId()).isEmpty();
        assertThat(released.hasLeaseExpiresAt()).isFalse();

        claim("annotator-b");
        assertStatus(() -> stub("annotator-b").skipTask(SkipTaskRequest.newBuilder().setTaskId(id).setAnnotatorId("annotator-b")
                .build()), Status.Code.INVALID_ARGUMENT, "reason is required");
        AnnotationTask skipped = stub("annotator-b").skipTask(SkipTaskRequest.newBuilder().setTaskId(id)
                .setAnnotatorId("annotator-b").setReason("motion artefacts on every slice").build());

        assertThat(skipped.getState()).isEqualTo(TaskState.SKIPPED);
        assertThat(skipped.getSkipReason()).isEqualTo("motion artefacts on every slice");
        assertThat(skipped.getHistoryList()).extracting(TaskEvent::getActor, TaskEvent::getAction, TaskEvent::getToState)
                .containsExactly(tuple("glean", "QUEUED", TaskState.QUEUED),
                        tuple("annotator-a", "CLAIMED", TaskState.CLAIMED),
                        tuple("annotator-a", "RELEASED", TaskState.QUEUED),
                        tuple("annotator-b", "CLAIMED", TaskState.CLAIMED),
                        tuple("annotator-b", "SKIPPED", TaskState.SKIPPED));
        assertStatus(() -> submit(id, "annotator-b"), Status.Code.FAILED_PRECONDITION, "is SKIPPED already");
        assertThat(claim("annotator-c").hasTask()).isFalse();
    }

    private org.glean.proto.v1.ClaimNextTaskResponse claim(String annotator) {
        return stub(annotator).claimNextTask(ClaimNextTaskRequest.newBuilder().setAnnotatorId(annotator).build());
    }

    private AnnotationTask submit(long taskId, String annotator, ImageAnnotation... images) {
        return stub(annotator).submitAnnotation(SubmitAnnotationRequest.newBuilder().setTaskId(taskId)
                .setAnnotatorId(annotator).addAllImages(List.of(images)).build());
    }

    private static Box box(String label, double xmin, double ymin, double xmax, double ymax) {
        return Box.newBuilder().setLabel(label).setXmin(xmin).setYmin(ymin).setXmax(xmax).setYmax(ymax).build();
    }

    // A deadline counts from the stub's creation: one stub per call.
    private CurationGrpc.CurationBlockingStub stub() {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A stub whose calls act as the annotator or operator (a token with that subject). */
    private CurationGrpc.CurationBlockingStub stub(String actor) {
        return stub().withCallCredentials(TestTokens.as(actor, Role.ANNOTATOR, Role.CURATOR));
    }

    private ManagedChannel channel() {
        return LoopbackChannels.open(port);
    }

    private static void assertStatus(Runnable call, Status.Code code, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).contains(message);
                });
    }
}
