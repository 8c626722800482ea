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
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.AddUserRequest;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.IssueTokenRequest;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ReleaseTaskRequest;
import org.glean.proto.v1.SetPolicyRequest;
import org.glean.proto.v1.SkipTaskRequest;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.curation.CurationFixtures;
import org.glean.curation.CurationService;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each audited call against the real server with real tokens writes exactly one audit trail row,
 * whose actor is the token's subject and whose peer is the caller's address; refused calls are
 * recorded too. Every test acts as subjects of its own, so their rows are all it counts.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuditedCallsTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    AuditTrail trail;

    @Inject
    CurationService curation;

    @Inject
    DataSource dataSource;

    @TempDir
    Path dir;

    private ManagedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        channel = LoopbackChannels.anonymous(port);
        CurationFixtures.clear(dataSource);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    void ingestingAndReadingAStudyAreOneRowEachInTheNameOfTheTokensSubject() {
        String pipeline = unique("pipeline");
        String study = DcmtkFiles.newUid();
        Path file = DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 32), Syntax.EXPLICIT_LITTLE);
        ManagedChannel asPipeline = LoopbackChannels.open(port, TestTokens.as(pipeline, Role.INGEST));
        try {
            IngestCalls.ingest(asPipeline, file);
            StudyIngestGrpc.newBlockingStub(asPipeline).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(study).build());
        } finally {
            asPipeline.shutdownNow();
        }

        List<AuditRecord> rows = rowsOf(pipeline);
        assertThat(rows).extracting(AuditRecord::action, AuditRecord::outcome, AuditRecord::study)
                .containsExactly(tuple("STUDY_RECEIVED", "OK", AuditRows.studyRef(study)),
                        tuple("STUDY_READ", "OK", AuditRows.studyRef(study)));
        assertThat(rows).allSatisfy(row -> assertThat(row.peer()).startsWith("127.0.0.1:"));
        assertThat(rows.get(0).detail()).isEqualTo("1 instance(s) in the call");
        assertThat(rows).noneSatisfy(row -> assertThat(row.detail()).contains(study));
    }

    @Test
    void everyCallOfAnAnnotatorIsOneRowNamingTheTask() {
        String annotator = unique("annotator");
        long taskId = queuedTask();
        CurationGrpc.CurationBlockingStub stub = curation(annotator, Role.ANNOTATOR);

        AnnotationTask claimed = stub.claimNextTask(ClaimNextTaskRequest.getDefaultInstance()).getTask();
        stub.getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build());
        stub.releaseTask(ReleaseTaskRequest.newBuilder().setTaskId(taskId).build());
        stub.claimNextTask(ClaimNextTaskRequest.getDefaultInstance());
        stub.skipTask(SkipTaskRequest.newBuilder().setTaskId(taskId).setReason("motion artefact").build());
        stub.claimNextTask(ClaimNextTaskRequest.getDefaultInstance());

        assertThat(claimed.getTaskId()).isEqualTo(taskId);
        assertThat(rowsOf(annotator)).extracting(AuditRecord::action, AuditRecord::taskId, AuditRecord::fromState,
                AuditRecord::toState).containsExactly(
                tuple("CLAIMED", taskId, "QUEUED", "CLAIMED"),
                tuple("TASK_READ", taskId, null, null),
                tuple("RELEASED", taskId, "CLAIMED", "QUEUED"),
                tuple("CLAIMED", taskId, "QUEUED", "CLAIMED"),
                tuple("SKIPPED", taskId, "CLAIMED", "SKIPPED"),
                tuple("CLAIMED", null, null, null));
        assertThat(rowsOf(annotator).get(5).detail()).isEqualTo("no task waits in the queue");
    }

    @Test
    void aSubmissionIsOneRowAndItsTaskHistoryComesFromTheTrail() {
        String annotator = unique("annotator");
        long taskId = queuedTask();
        CurationGrpc.CurationBlockingStub stub = curation(annotator, Role.ANNOTATOR);
        stub.claimNextTask(ClaimNextTaskRequest.getDefaultInstance());

        AnnotationTask submitted = stub.submitAnnotation(SubmitAnnotationRequest.newBuilder().setTaskId(taskId).build());

        assertThat(rowsOf(annotator)).extracting(AuditRecord::action).containsExactly("CLAIMED", "SUBMITTED");
        assertThat(submitted.getHistoryList()).extracting(event -> event.getActor(), event -> event.getAction())
                .containsExactly(tuple("glean", "QUEUED"), tuple(annotator, "CLAIMED"), tuple(annotator, "SUBMITTED"));
    }

    @Test
    void aCuratorsPolicyChangeQueueReadAndExportAreOneRowEach() {
        String curator = unique("curator");
        CurationGrpc.CurationBlockingStub stub = curation(curator, Role.CURATOR);

        stub.setPolicy(SetPolicyRequest.newBuilder().setBudgetPerPeriod(5).build());
        stub.listQueue(ListQueueRequest.getDefaultInstance());
        stub.exportAnnotations(ExportAnnotationsRequest.getDefaultInstance()).forEachRemaining(task -> { });

        assertThat(rowsOf(curator)).extracting(AuditRecord::action, AuditRecord::outcome).containsExactly(
                tuple("POLICY_CHANGED", "OK"), tuple("QUEUE_READ", "OK"), tuple("ANNOTATIONS_EXPORTED", "OK"));
        assertThat(rowsOf(curator).get(0).detail()).contains("budget 5 per PT24H");
    }

    @Test
    void addingAUserAndSigningInAreRecordedAndAWrongPasswordAsAnonymous() {
        String admin = unique("admin");
        String user = unique("user");
        IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        long anonymousBefore = refusedSignIns(user);

        identity.withCallCredentials(TestTokens.as(admin, Role.ADMIN)).addUser(AddUserRequest.newBuilder()
                .setName(user).addRoles("curator").setPassword("correct horse battery").build());
        identity.issueToken(IssueTokenRequest.newBuilder().setUser(user).setPassword("correct horse battery").build());
        assertThatThrownBy(() -> identity.issueToken(IssueTokenRequest.newBuilder().setUser(user)
                .setPassword("wrong password!").build())).isInstanceOf(StatusRuntimeException.class);

        assertThat(rowsOf(admin)).extracting(AuditRecord::action, AuditRecord::target, AuditRecord::detail)
                .containsExactly(tuple("USER_ADDED", "user " + user, "roles curator"));
        assertThat(rowsOf(user)).extracting(AuditRecord::action, AuditRecord::outcome)
                .containsExactly(tuple("TOKEN_ISSUED", "OK"));
        assertThat(refusedSignIns(user)).isEqualTo(anonymousBefore + 1);
    }

    @Test
    void refusedCallsAreRecordedWithWhatTheyWereRefused() {
        String annotator = unique("annotator");
        String curator = unique("curator");
        long unauthenticatedBefore = unauthenticatedPolicyChanges();

        assertStatus(() -> CurationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .setPolicy(SetPolicyRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED);
        assertStatus(() -> curation(annotator, Role.ANNOTATOR).setPolicy(SetPolicyRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED);
        assertStatus(() -> curation(annotator, Role.ANNOTATOR).claimNextTask(ClaimNextTaskRequest.newBuilder()
                .setAnnotatorId("someone-else").build()), Status.Code.PERMISSION_DENIED);
        assertStatus(() -> curation(curator, Role.ANNOTATOR, Role.CURATOR).getTask(GetTaskRequest.newBuilder()
                .setTaskId(987654321).build()), Status.Code.NOT_FOUND);

        assertThat(unauthenticatedPolicyChanges())
                .isEqualTo(unauthenticatedBefore + 1);
        assertThat(rowsOf(annotator)).extracting(AuditRecord::action, AuditRecord::outcome).containsExactly(
                tuple("POLICY_CHANGED", "PERMISSION_DENIED"), tuple("CLAIMED", "PERMISSION_DENIED"));
        assertThat(rowsOf(annotator).get(0).detail()).contains("may not call SetPolicy");
        assertThat(rowsOf(annotator).get(1).detail()).contains("annotator_id someone-else is not the caller");
        assertThat(rowsOf(curator)).extracting(AuditRecord::action, AuditRecord::outcome, AuditRecord::taskId)
                .containsExactly(tuple("TASK_READ", "NOT_FOUND", 987654321L));
    }

    // The only task in the queue (each test starts with none).
    private long queuedTask() {
        curation.setPolicy(CurationFixtures.everything());
        return curation.decide(CurationFixtures.study(10.0), CurationFixtures.CLASSES).taskId();
    }

    private CurationGrpc.CurationBlockingStub curation(String subject, Role... roles) {
        return CurationGrpc.newBlockingStub(channel).withCallCredentials(TestTokens.as(subject, roles))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private List<AuditRecord> rowsOf(String actor) {
        return AuditRows.of(trail, actor);
    }

    private long refusedSignIns(String user) {
        return AuditRows.of(trail, AuditAction.TOKEN_ISSUED).stream()
                .filter(row -> row.actor().equals("anonymous") && row.target().equals("user " + user)).count();
    }

    private long unauthenticatedPolicyChanges() {
        return AuditRows.of(trail, AuditAction.POLICY_CHANGED).stream()
                .filter(row -> row.actor().equals("anonymous") && row.outcome().equals("UNAUTHENTICATED")).count();
    }

    private static void assertStatus(Runnable call, Status.Code code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }

    private static String unique(String role) {
        return role + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

}
