package org.glean.web.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.api.PhantomStudies;
import org.glean.bench.LabelledStudies;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.CurationPolicy;
import org.glean.proto.v1.GetPolicyRequest;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ModelVersion;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.training.FineTuneTestResource;
import org.glean.web.WebRequests;
import org.glean.web.WebSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The console's JSON API against the running server on loopback, with a real PostgreSQL and real
 * models (the bundled one current, a tiny one beside it, and what jobs make): every request takes a
 * curator's (or admin's) session and is refused in words otherwise; the policy, the queue, jobs
 * followed as server-sent events, Promote and Rollback answer as the gRPC API's state says, and
 * every change and refusal has its audit row.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(FineTuneTestResource.class)
@TestProfile(ConsoleResourcesTest.OwnServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleResourcesTest {

    /** A server and database of its own: the tests count versions, jobs and audit rows from the start. */
    public static class OwnServer implements QuarkusTestProfile {
    }

    private static final String CURATOR = "dr-curator";
    private static final String ANNOTATOR = "dr-annotator";
    private static final String CURATOR_TOKEN = TestTokens.token(CURATOR, Role.CURATOR);
    private static final String ANNOTATOR_TOKEN = TestTokens.token(ANNOTATOR, Role.ANNOTATOR);
    private static final long DEADLINE_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    // Six annotated studies: the sixth submission starts a job by itself (FineTuneTestResource).
    private static LabelledStudies studies;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    AuditTrail trail;

    private WebRequests web;
    private ManagedChannel channel;

    @BeforeAll
    static void phantoms() throws IOException {
        studies = PhantomStudies.synth(Files.createTempDirectory("glean-console-").resolve("studies"), "31",
                FineTuneTestResource.AUTO_FINE_TUNE_AFTER, 1);
    }

    @BeforeEach
    void connect() {
        web = new WebRequests(port);
        channel = LoopbackChannels.open(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    /** Every console request: method, path, body (null for none), and its audit action. */
    private record Endpoint(String method, String path, Object body, AuditAction action) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/console/queue", null, AuditAction.QUEUE_READ),
            new Endpoint("GET", "/api/console/policy", null, AuditAction.POLICY_READ),
            new Endpoint("PUT", "/api/console/policy", Map.of("budgetPerPeriod", 1, "budgetPeriodSeconds", 60),
                    AuditAction.POLICY_CHANGED),
            new Endpoint("GET", "/api/console/models", null, AuditAction.MODELS_READ),
            new Endpoint("GET", "/api/console/models/learning-curve", null, AuditAction.MODELS_READ),
            new Endpoint("POST", "/api/console/models/0123456789abcdef/promote", Map.of("reason", "r"),
                    AuditAction.PROMOTED),
            new Endpoint("POST", "/api/console/models/rollback", Map.of("reason", "r"), AuditAction.ROLLED_BACK),
            new Endpoint("POST", "/api/console/jobs", Map.of(), AuditAction.FINE_TUNE_STARTED),
            new Endpoint("GET", "/api/console/jobs/latest", null, AuditAction.JOB_READ),
            new Endpoint("GET", "/api/console/jobs/1", null, AuditAction.JOB_READ),
            new Endpoint("GET", "/api/console/jobs/1/progress", null, AuditAction.JOB_READ));

    @Test
    @Order(1)
    void everyConsoleRequestTakesACuratorsSessionAndIsRefusedInWordsAndAuditedOtherwise() {
        for (Endpoint endpoint : ENDPOINTS) {
            HttpResponse<String> anonymous = web.send(request(endpoint, null));
            HttpResponse<String> annotator = web.send(request(endpoint, ANNOTATOR_TOKEN));

            String what = endpoint.method() + " " + endpoint.path();
            assertThat(anonymous.statusCode()).as(what).isEqualTo(401);
            assertThat(WebRequests.body(anonymous).path("code").asText()).as(what).isEqualTo("signed-out");
            assertThat(annotator.statusCode()).as(what).isEqualTo(403);
            assertThat(annotator.headers().firstValue("Content-Type").orElseThrow()).as(what)
                    .startsWith("application/json");
            assertThat(WebRequests.body(annotator).path("message").asText()).as(what)
                    .isEqualTo("You are signed in as " + ANNOTATOR + ", who may not do this: it takes the role "
                            + "curator (or admin).");
            assertThat(AuditRows.of(trail, ANNOTATOR)).as(what).filteredOn(row -> row.action()
                    .equals(endpoint.action().name()) && row.detail().startsWith(endpoint.method() + " /api/console"))
                    .extracting(AuditRecord::outcome).contains("PERMISSION_DENIED");
        }
        assertThat(AuditRows.of(trail, ANNOTATOR)).hasSize(ENDPOINTS.size());
        // an admin may do what a curator may
        HttpResponse<String> admin = web.send(web.asPage("/api/console/policy",
                TestTokens.token("an-admin", Role.ADMIN)));
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aCuratorChangesThePolicyWhichGrpcThenAnswersAndTheAuditRecords() {
        HttpResponse<String> before = get("/api/console/policy");
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        long version = WebRequests.body(before).path("version").asLong();

        HttpResponse<String> changed = send("PUT", "/api/console/policy", Map.of("informativenessThreshold", 0.5,
                "budgetPerPeriod", 3, "budgetPeriodSeconds", 7200));

        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        JsonNode policy = WebRequests.body(changed);
        assertThat(policy.path("version").asLong()).isEqualTo(version + 1);
        assertThat(policy.path("informativenessThreshold").asDouble()).isEqualTo(0.5);
        assertThat(policy.path("budgetPerPeriod").asInt()).isEqualTo(3);
        assertThat(policy.path("budgetPeriodSeconds").asLong()).isEqualTo(7200);
        assertThat(policy.path("changedBy").asText()).isEqualTo(CURATOR);
        CurationPolicy grpc = curation().getPolicy(GetPolicyRequest.getDefaultInstance());
        assertThat(grpc.getVersion()).isEqualTo(version + 1);
        assertThat(grpc.getInformativenessThreshold()).isEqualTo(0.5);
        assertThat(grpc.getBudgetPerPeriod()).isEqualTo(3);
        assertThat(grpc.getBudgetPeriod().getSeconds()).isEqualTo(7200);
        assertThat(grpc.getChangedBy()).isEqualTo(CURATOR);
        assertThat(audited(AuditAction.POLICY_CHANGED)).extracting(AuditRecord::outcome).containsExactly("OK");

        HttpResponse<String> negative = send("PUT", "/api/console/policy", Map.of("budgetPerPeriod", -1,
                "budgetPeriodSeconds", 7200));
        HttpResponse<String> incomplete = send("PUT", "/api/console/policy", Map.of("budgetPerPeriod", 2));
        HttpResponse<String> noSeconds = send("PUT", "/api/console/policy", Map.of("budgetPerPeriod", 2,
                "budgetPeriodSeconds", 0));

        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(negative).path("code").asText()).isEqualTo("bad-request");
        assertThat(WebRequests.body(negative).path("message").asText())
                .isEqualTo("Budget_per_period must be 0 (no budget) or positive, got -1.");
        assertThat(incomplete.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(incomplete).path("message").asText())
                .startsWith("A policy needs a budget per period");
        assertThat(noSeconds.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(noSeconds).path("message").asText())
                .startsWith("Budget_period must be whole seconds from 1 s to 366 days");
        assertThat(curation().getPolicy(GetPolicyRequest.getDefaultInstance()).getVersion()).isEqualTo(version + 1);
        assertThat(audited(AuditAction.POLICY_CHANGED)).extracting(AuditRecord::outcome)
                .containsExactly("OK", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT");

        // every study is queued again, for the tests that follow
        HttpResponse<String> open = send("PUT", "/api/console/policy", Map.of("budgetPerPeriod", 0,
                "budgetPeriodSeconds", 86400));
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
        assertThat(WebRequests.body(open).path("informativenessThreshold").isNull()).isTrue();
    }

    @Test
    @Order(3)
    void aJobStartedFromTheConsoleIsFollowedToItsEndAsServerSentEvents() {
        assertThat(get("/api/console/jobs/latest").statusCode()).isEqualTo(204);

        HttpResponse<String> started = send("POST", "/api/console/jobs", Map.of("epochs", 2));

        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        JsonNode job = WebRequests.body(started);
        long jobId = job.path("jobId").asLong();
        assertThat(started.headers().firstValue("Location").orElseThrow()).endsWith("/api/console/jobs/" + jobId);
        assertThat(job.path("state").asText()).isEqualTo("RUNNING");
        assertThat(job.path("trigger").asText()).isEqualTo("MANUAL");
        assertThat(job.path("requestedBy").asText()).isEqualTo(CURATOR);
        assertThat(job.path("epochs").asInt()).isEqualTo(2);
        assertThat(job.path("loss").isNull()).isTrue();
        List<JsonNode> progress = follow(jobId);
        JsonNode last = progress.get(progress.size() - 1);
        assertThat(last.path("state").asText()).isEqualTo("FAILED");
        assertThat(last.path("reason").asText()).startsWith("there is nothing to train on");
        assertThat(WebRequests.body(get("/api/console/jobs/latest"))).isEqualTo(last);
        assertThat(WebRequests.body(get("/api/console/jobs/" + jobId))).isEqualTo(last);
        assertThat(audited(AuditAction.FINE_TUNE_STARTED)).extracting(AuditRecord::target, AuditRecord::outcome)
                .containsExactly(tuple("job " + jobId, "OK"));

        HttpResponse<String> noEpochs = send("POST", "/api/console/jobs", Map.of("epochs", 0));
        HttpResponse<String> missing = get("/api/console/jobs/" + (jobId + 100));
        HttpResponse<String> missingStream = get("/api/console/jobs/" + (jobId + 100) + "/progress");

        assertThat(noEpochs.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(noEpochs).path("message").asText()).startsWith("Epochs must be 1 to 1000");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(WebRequests.body(missing).path("message").asText())
                .isEqualTo("There is no fine-tuning job " + (jobId + 100) + ".");
        assertThat(missingStream.statusCode()).isEqualTo(404);
        assertThat(audited(AuditAction.FINE_TUNE_STARTED)).extracting(AuditRecord::outcome)
                .containsExactly("OK", "INVALID_ARGUMENT");
        assertThat(audited(AuditAction.JOB_READ)).extracting(AuditRecord::outcome)
                .containsExactly("NOT_FOUND", "NOT_FOUND");
    }

    @Test
    @Order(4)
    void theQueueShowsWaitingClaimedAndSubmittedTasksWithoutStudyUids() throws IOException, InterruptedException {
        studies.ingestAll(channel);
        CurationGrpc.CurationBlockingStub annotator = curation().withCallCredentials(
                TestTokens.as(ANNOTATOR, Role.ANNOTATOR));
        AnnotationTask held = annotator.claimNextTask(ClaimNextTaskRequest.getDefaultInstance()).getTask();
        AnnotationTask done = annotator.claimNextTask(ClaimNextTaskRequest.getDefaultInstance()).getTask();
        studies.submitTrueBoxes(annotator, done);
        List<AnnotationTask> waitingByGrpc = curation().listQueue(ListQueueRequest.getDefaultInstance()).getTasksList();

        HttpResponse<String> response = get("/api/console/queue");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode queue = WebRequests.body(response);
        assertThat(queue.path("waiting").asLong()).isEqualTo(studies.studyUids().size() - 2);
        // a study in which the model found nothing has the lowest informativeness there is: null here
        assertThat(queue.path("waitingTasks")).extracting(task -> task.path("taskId").asLong(),
                        task -> task.path("informativeness").isNull() ? -Double.MAX_VALUE
                                : task.path("informativeness").asDouble())
                .containsExactlyElementsOf(waitingByGrpc.stream().map(task -> tuple(task.getTaskId(),
                        task.getInformativeness())).toList());
        assertThat(queue.path("waitingTasks")).allMatch(task -> task.path("state").asText().equals("QUEUED")
                && task.path("annotator").isNull());
        assertThat(queue.path("claimed")).singleElement().satisfies(task -> {
            assertThat(task.path("taskId").asLong()).isEqualTo(held.getTaskId());
            assertThat(task.path("annotator").asText()).isEqualTo(ANNOTATOR);
            assertThat(task.path("leaseExpiresAt").asText()).isNotEmpty();
        });
        assertThat(queue.path("latestSubmitted")).singleElement().satisfies(task -> {
            assertThat(task.path("taskId").asLong()).isEqualTo(done.getTaskId());
            assertThat(task.path("state").asText()).isEqualTo("SUBMITTED");
            assertThat(task.path("submittedAt").asText()).isNotEmpty();
        });
        assertThat(studies.studyUids()).noneMatch(response.body()::contains);
        assertThat(audited(AuditAction.QUEUE_READ)).extracting(AuditRecord::detail)
                .containsExactly(studies.studyUids().size() - 2 + " of " + (studies.studyUids().size() - 2)
                        + " waiting tasks", "1 claimed and 1 latest submitted tasks");

        HttpResponse<String> tooMany = get("/api/console/queue?limit=1001");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(tooMany).path("message").asText()).isEqualTo("Limit must be 1 to 1000, got 1001.");

        // the rest is annotated: the sixth submission starts a job by itself
        studies.submitTrueBoxes(annotator, held);
        studies.annotateEveryTask(annotator);
    }

    @Test
    @Order(5)
    void theJobThatAnnotationsStartedMakesACandidateThatKnowsItsAnnotations() {
        JsonNode latest = WebRequests.body(get("/api/console/jobs/latest"));
        assertThat(latest.path("trigger").asText()).isEqualTo("AUTO");

        List<JsonNode> progress = follow(latest.path("jobId").asLong());

        JsonNode last = progress.get(progress.size() - 1);
        assertThat(last.path("state").asText()).as(last.toString()).isEqualTo("SUCCEEDED");
        assertThat(last.path("outcome").asText()).as(last.toString()).isEqualTo("KEPT_AS_CANDIDATE");
        assertThat(progress).anyMatch(job -> job.path("loss").isNumber() && job.path("step").asLong() >= 1);
        String candidate = last.path("candidateVersion").asText();
        HttpResponse<String> response = get("/api/console/models");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode version = versionIn(WebRequests.body(response), candidate);
        assertThat(version.path("state").asText()).isEqualTo("CANDIDATE");
        assertThat(version.path("trainingAnnotations").asInt()).isEqualTo(studies.studyUids().size());
        assertThat(version.path("validationMap").asDouble()).isEqualTo(last.path("validationMap").asDouble());
        assertThat(version.path("candidateReason").asText()).isEqualTo(last.path("reason").asText());
        assertThat(WebRequests.body(response)).extracting(node -> node.path("versionId").asText())
                .containsExactlyElementsOf(ModelVersions.list(channel).stream().map(ModelVersion::getVersionId)
                        .toList());
        JsonNode curve = WebRequests.body(get("/api/console/models/learning-curve"));
        assertThat(curve.path("annotationsNow").asLong()).isEqualTo(studies.studyUids().size());
        assertThat(curve.path("points")).singleElement().satisfies(point -> {
            assertThat(point.path("current").asBoolean()).isTrue();
            assertThat(point.path("validationMap").isNull()).isTrue();
        });
    }

    @Test
    @Order(6)
    void promoteAndRollbackTakeAReasonAndChangeTheCurrentVersionAsGrpcSees() {
        String first = ModelVersions.current(channel);
        String candidate = ModelVersions.list(channel).stream().filter(version -> version.getTrainingAnnotations() > 0)
                .findFirst().orElseThrow().getVersionId();

        HttpResponse<String> noReason = send("POST", "/api/console/models/" + candidate + "/promote",
                Map.of("reason", "  "));
        HttpResponse<String> unknown = send("POST", "/api/console/models/0123456789abcdef/promote",
                Map.of("reason", "a typo"));
        HttpResponse<String> promoted = send("POST", "/api/console/models/" + candidate + "/promote",
                Map.of("reason", "trained on the new annotations"));
        HttpResponse<String> again = send("POST", "/api/console/models/" + candidate + "/promote",
                Map.of("reason", "once more"));

        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(noReason).path("message").asText())
                .isEqualTo("Give a reason for promoting a version: it is kept in the promotion history.");
        assertThat(WebRequests.body(noReason).path("code").asText()).isEqualTo("bad-request");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(WebRequests.body(unknown).path("code").asText()).isEqualTo("not-found");
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        assertThat(WebRequests.body(promoted).path("versionId").asText()).isEqualTo(candidate);
        assertThat(WebRequests.body(promoted).path("state").asText()).isEqualTo("CURRENT");
        assertThat(ModelVersions.current(channel)).isEqualTo(candidate);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(WebRequests.body(again).path("code").asText()).isEqualTo("refused");
        assertThat(WebRequests.body(again).path("message").asText())
                .isEqualTo("Model version " + candidate + " is current already.");
        String promote = "POST /api/console/models/{versionId}/promote: answered ";
        assertThat(audited(AuditAction.PROMOTED)).extracting(AuditRecord::outcome, AuditRecord::detail)
                .containsExactly(tuple("INVALID_ARGUMENT", promote + "bad-request"),
                        tuple("NOT_FOUND", promote + "not-found"),
                        tuple("OK", "PROMOTE, replacing " + first + ": trained on the new annotations"),
                        tuple("FAILED_PRECONDITION", promote + "refused"));
        JsonNode curve = WebRequests.body(get("/api/console/models/learning-curve"));
        assertThat(curve.path("points")).extracting(point -> point.path("versionId").asText())
                .containsExactly(first, candidate);
        assertThat(curve.path("points").get(1).path("trainingAnnotations").asInt())
                .isEqualTo(studies.studyUids().size());
        assertThat(curve.path("points").get(1).path("current").asBoolean()).isTrue();

        HttpResponse<String> rollbackWithoutReason = send("POST", "/api/console/models/rollback", Map.of());
        HttpResponse<String> rolledBack = send("POST", "/api/console/models/rollback",
                Map.of("reason", "more false positives on site B"));
        HttpResponse<String> nothingLeft = send("POST", "/api/console/models/rollback", Map.of("reason", "again"));

        assertThat(rollbackWithoutReason.statusCode()).isEqualTo(400);
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(WebRequests.body(rolledBack).path("versionId").asText()).isEqualTo(first);
        assertThat(ModelVersions.current(channel)).isEqualTo(first);
        assertThat(nothingLeft.statusCode()).isEqualTo(409);
        assertThat(WebRequests.body(nothingLeft).path("message").asText())
                .startsWith("There is no earlier version to roll back to");
        assertThat(audited(AuditAction.ROLLED_BACK)).extracting(AuditRecord::outcome, AuditRecord::target)
                .containsExactly(tuple("INVALID_ARGUMENT", null), tuple("OK", "model " + first),
                        tuple("FAILED_PRECONDITION", null));
        assertThat(WebRequests.body(get("/api/console/models/learning-curve")).path("points").get(1)
                .path("rolledBack").asBoolean()).isTrue();
    }

    // ---- helpers ----

    private HttpRequest.Builder request(Endpoint endpoint, String token) {
        HttpRequest.Builder request = token == null ? web.to(endpoint.path()).header(WebSession.REQUEST_HEADER, "page")
                : web.asPage(endpoint.path(), token);
        return endpoint.body() == null ? request.method(endpoint.method(), HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(endpoint.method(),
                        WebRequests.json(endpoint.body()));
    }

    private HttpResponse<String> get(String path) {
        return web.send(web.asPage(path, CURATOR_TOKEN));
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        return web.send(web.asPage(path, CURATOR_TOKEN).header("Content-Type", "application/json")
                .method(method, WebRequests.json(body)));
    }

    // The job's server-sent events until the server ends the stream, as EventSource reads them.
    private List<JsonNode> follow(long jobId) {
        HttpRequest request = web.asPage("/api/console/jobs/" + jobId + "/progress", CURATOR_TOKEN)
                .header("Accept", "text/event-stream").build();
        try {
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            List<JsonNode> events = new ArrayList<>();
            try (Stream<String> lines = response.body()) {
                for (String line : lines.filter(line -> line.startsWith("data:")).toList()) {
                    events.add(JSON.readTree(line.substring("data:".length())));
                }
            }
            assertThat(events).isNotEmpty();
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<AuditRecord> audited(AuditAction action) {
        return AuditRows.of(trail, action).stream().filter(row -> row.actor().equals(CURATOR)).toList();
    }

    private static JsonNode versionIn(JsonNode versions, String versionId) {
        for (JsonNode version : versions) {
            if (version.path("versionId").asText().equals(versionId)) {
                return version;
            }
        }
        throw new AssertionError("no version " + versionId + " in " + versions);
    }

    private CurationGrpc.CurationBlockingStub curation() {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
}
