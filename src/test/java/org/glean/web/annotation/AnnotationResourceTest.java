package org.glean.web.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.DetectedObject;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.security.AuditAction;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.web.SyntheticStudies;
import org.glean.web.WebRequests;
import org.glean.web.WebSession;
import org.glean.web.WorkspaceTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The annotator's JSON API against the real server, with phantom studies scored by a real model:
 * what a claimed task carries, each change of a task and each refusal, with its status, content
 * type, words and audit row.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(WorkspaceTestResource.class)
class AnnotationResourceTest {

    private static final String JSON = "application/json";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    AuditTrail trail;

    @TempDir
    Path dir;

    private ManagedChannel channel;
    private WebRequests web;

    @BeforeEach
    void connect() {
        channel = LoopbackChannels.open(port);
        web = new WebRequests(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    void aClaimedTaskCarriesItsSeriesTheModelsBoxesTheirUncertaintiesAndWhyItWasChosen() {
        SyntheticStudies.send(channel, dir, 31, 2, 3, 64);
        String token = TestTokens.token("rest-reader", Role.ANNOTATOR);

        HttpResponse<String> claim = web.send(web.asPage("/api/annotation/tasks/next", token)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
        assertThat(claim.headers().firstValue("Content-Type").orElseThrow()).startsWith(JSON);
        JsonNode task = WebRequests.body(claim);
        assertThat(task.path("state").asText()).isEqualTo("CLAIMED");
        assertThat(Instant.parse(task.path("leaseExpiresAt").asText())).isAfter(Instant.now().plusSeconds(25 * 60));
        org.glean.proto.v1.AnnotationTask stored = CurationGrpc.newBlockingStub(channel)
                .getTask(GetTaskRequest.newBuilder().setTaskId(task.path("id").asLong()).build());
        StudyAnalysis analysis = StudyIngestGrpc.newBlockingStub(channel).getStudy(GetStudyRequest.newBuilder()
                .setStudyInstanceUid(stored.getStudyInstanceUid()).build());
        assertThat(task.path("studyInstanceUid").asText()).isEqualTo(analysis.getStudyInstanceUid());
        assertThat(task.path("informativeness").asDouble()).isEqualTo(analysis.getInformativeness());
        assertThat(task.path("classNames")).extracting(JsonNode::asText).containsExactlyElementsOf(stored.getClassesList());

        // every frame under its series, with the series' UID from the study as stored
        assertThat(task.path("series")).hasSize(analysis.getSeriesCount());
        Map<String, ImageAnalysis> analysed = new java.util.HashMap<>();
        analysis.getSeriesList().forEach(series -> series.getImagesList().forEach(image ->
                analysed.put(series.getSeriesInstanceUid() + "/" + image.getSopInstanceUid() + "/" + image.getFrame(),
                        image)));
        List<JsonNode> images = new ArrayList<>();
        task.path("series").forEach(series -> series.path("images").forEach(image -> {
            images.add(image);
            ImageAnalysis expected = analysed.get(series.path("seriesInstanceUid").asText() + "/"
                    + image.path("sopInstanceUid").asText() + "/" + image.path("frame").asInt());
            assertThat(expected).as("an image of the study in its own series").isNotNull();
            assertThat(image.path("proposals")).hasSize(expected.getObjectsCount());
            for (int i = 0; i < expected.getObjectsCount(); i++) {
                DetectedObject object = expected.getObjects(i);
                JsonNode proposal = image.path("proposals").get(i);
                assertThat(proposal.path("label").asText()).isEqualTo(object.getLabel());
                assertThat(proposal.path("xmin").asDouble()).isEqualTo(object.getBox().getXmin(), within(1e-4));
                assertThat(proposal.path("ymax").asDouble()).isEqualTo(object.getBox().getYmax(), within(1e-4));
                assertThat(proposal.path("uncertainty").path("raw").path("ep_loc").asDouble())
                        .isEqualTo(object.getRaw().getEpistemicLocalization(), within(1e-6));
                assertThat(proposal.path("uncertainty").path("z").path("al_cls").asDouble())
                        .isEqualTo(object.getNormalized().getAleatoricClassification(), within(1e-6));
            }
        }));
        assertThat(images).hasSize(stored.getImagesCount());
        assertThat(images).anySatisfy(image -> assertThat(image.path("proposals")).isNotEmpty());
        JsonNode driver = task.path("drivenBy");
        assertThat(driver.path("sopInstanceUid").asText()).isEqualTo(analysis.getDrivenBy().getSopInstanceUid());
        assertThat(driver.path("nearMiss").asBoolean()).isEqualTo(analysis.getDrivenBy().getNearMiss());
        assertThat(driver.path("kind").asText()).isIn("ep_loc", "al_loc", "ep_cls", "al_cls");
    }

    @Test
    void aTaskIsRenewedSubmittedOnceAndItsBadSubmissionsAreRefusedInWords() {
        SyntheticStudies.send(channel, dir, 32, 1, 3, 64);
        String token = TestTokens.token("rest-submitter", Role.ANNOTATOR);
        JsonNode task = WebRequests.body(web.send(web.asPage("/api/annotation/tasks/next", token)
                .POST(HttpRequest.BodyPublishers.noBody())));
        long id = task.path("id").asLong();
        JsonNode image = task.path("series").get(0).path("images").get(0);
        String base = "/api/annotation/tasks/" + id;

        HttpResponse<String> renewed = web.send(web.asPage(base + "/lease", token).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        assertThat(Instant.parse(WebRequests.body(renewed).path("leaseExpiresAt").asText()))
                .isAfter(Instant.parse(task.path("leaseExpiresAt").asText()));
        assertThat(AuditRows.of(trail, "rest-submitter")).extracting(row -> row.action())
                .contains(AuditAction.LEASE_RENEWED.name());

        Map<String, Object> outside = Map.of("images", List.of(Map.of("sopInstanceUid",
                image.path("sopInstanceUid").asText(), "frame", 1, "boxes", List.of(Map.of("label",
                        task.path("classNames").get(0).asText(), "xmin", 10, "ymin", 10, "xmax", 500, "ymax", 20)))));
        HttpResponse<String> invalid = web.send(web.asPage(base + "/submission", token)
                .header("Content-Type", JSON).POST(WebRequests.json(outside)));
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(WebRequests.body(invalid).path("code").asText()).isEqualTo("invalid-annotation");
        assertThat(WebRequests.body(invalid).path("message").asText()).contains("lies outside the frame");

        HttpResponse<String> notJson = web.send(web.asPage(base + "/submission", token)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("images=")));
        assertThat(notJson.statusCode()).isEqualTo(415);

        HttpResponse<String> someoneElse = web.send(web.to(base).header("Cookie", WebSession.COOKIE + "="
                + TestTokens.token("rest-other", Role.ANNOTATOR)));
        assertThat(someoneElse.statusCode()).isEqualTo(409);
        assertThat(WebRequests.body(someoneElse).path("code").asText()).isEqualTo("task-taken");

        HttpResponse<String> submitted = web.send(web.asPage(base + "/submission", token)
                .header("Content-Type", JSON).POST(WebRequests.json(Map.of("images", List.of()))));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        assertThat(WebRequests.body(submitted).path("state").asText()).isEqualTo("SUBMITTED");

        HttpResponse<String> again = web.send(web.asPage(base + "/submission", token)
                .header("Content-Type", JSON).POST(WebRequests.json(Map.of("images", List.of()))));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(WebRequests.body(again).path("code").asText()).isEqualTo("task-state");
        assertThat(AuditRows.of(trail, "rest-submitter")).last().satisfies(row -> {
            assertThat(row.action()).isEqualTo(AuditAction.SUBMITTED.name());
            assertThat(row.outcome()).isEqualTo("FAILED_PRECONDITION");
            assertThat(row.taskId()).isEqualTo(id);
            assertThat(row.detail()).isEqualTo("POST /api/annotation/tasks/{taskId}/submission: answered task-state");
        });

        HttpResponse<String> read = web.send(web.to(base).header("Authorization", "Bearer " + token));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(WebRequests.body(read).path("state").asText()).isEqualTo("SUBMITTED");
    }

    @Test
    void skippingTakesAReasonAndReleasingReturnsTheTaskToTheQueue() {
        SyntheticStudies.send(channel, dir, 33, 1, 3, 64);
        String token = TestTokens.token("rest-skipper", Role.ANNOTATOR);
        long id = WebRequests.body(web.send(web.asPage("/api/annotation/tasks/next", token)
                .POST(HttpRequest.BodyPublishers.noBody()))).path("id").asLong();
        String base = "/api/annotation/tasks/" + id;

        HttpResponse<String> noReason = web.send(web.asPage(base + "/skip", token).header("Content-Type", JSON)
                .POST(WebRequests.json(Map.of("reason", " "))));
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(WebRequests.body(noReason).path("message").asText()).startsWith("Reason is required to skip a task");

        HttpResponse<String> released = web.send(web.asPage(base + "/release", token)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(WebRequests.body(released).path("state").asText()).isEqualTo("QUEUED");

        HttpResponse<String> lease = web.send(web.asPage(base + "/lease", token).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(lease.statusCode()).isEqualTo(409);
        assertThat(WebRequests.body(lease).path("code").asText()).isEqualTo("task-state");
    }

    @Test
    void callersWithoutTheAnnotatorRoleAreRefusedAndRecordedWhileAdminMayAct() {
        HttpResponse<String> anonymous = web.send(web.to("/api/annotation/tasks/next")
                .header(WebSession.REQUEST_HEADER, "page").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type").orElseThrow()).startsWith(JSON);
        assertThat(WebRequests.body(anonymous).path("code").asText()).isEqualTo("signed-out");

        for (Role role : List.of(Role.INGEST, Role.INFERENCE, Role.CURATOR)) {
            HttpResponse<String> refused = web.send(web.asPage("/api/annotation/tasks/next",
                    TestTokens.token("rest-" + role.claim(), role)).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(refused.statusCode()).as(role.claim()).isEqualTo(403);
            assertThat(WebRequests.body(refused).path("code").asText()).isEqualTo("forbidden");
            assertThat(WebRequests.body(refused).path("message").asText())
                    .isEqualTo("You are signed in as rest-" + role.claim()
                            + ", who may not do this: it takes the role annotator (or admin).");
            assertThat(AuditRows.of(trail, "rest-" + role.claim())).singleElement().satisfies(row -> {
                assertThat(row.action()).isEqualTo(AuditAction.CLAIMED.name());
                assertThat(row.outcome()).isEqualTo("PERMISSION_DENIED");
                assertThat(row.peer()).startsWith("127.0.0.1:");
            });
        }

        HttpResponse<String> admin = web.send(web.asPage("/api/annotation/tasks/1234567",
                TestTokens.token("rest-admin", Role.ADMIN)).GET());
        assertThat(admin.statusCode()).as("past authorization, the task is simply not there").isEqualTo(404);
        assertThat(WebRequests.body(admin).path("code").asText()).isEqualTo("not-found");
    }
}
