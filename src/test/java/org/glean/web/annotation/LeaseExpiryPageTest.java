package org.glean.web.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.TaskState;
import org.glean.security.Actor;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.security.UserStore;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.web.Browser;
import org.glean.web.SyntheticStudies;
import org.glean.web.WebRequests;
import org.glean.web.WorkspaceTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * A lease that runs out while the page is open, with leases of a few seconds: the page says so in
 * words, keeps the boxes, and gives them back when the same study is claimed again.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(WorkspaceTestResource.class)
@WithTestResource(LeaseExpiryPageTest.ShortLeases.class)
class LeaseExpiryPageTest {

    private static final String PASSWORD = "correct horse battery";

    /** Leases of 12 s, so that one runs out during the test. */
    public static class ShortLeases implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("glean.curation.lease-duration", "12S");
        }

        @Override
        public void stop() {
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    UserStore users;

    @TempDir
    Path dir;

    @Test
    void aLeaseThatRunsOutIsSaidInWordsAndTheBoxesComeBackWithTheStudy() throws Exception {
        WebRequests web = new WebRequests(port);
        HttpResponse<String> none = web.send(web.asPage("/api/annotation/tasks/next",
                TestTokens.token("dr-early", Role.ANNOTATOR)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(none.statusCode()).as("no study waits yet").isEqualTo(204);

        ManagedChannel channel = LoopbackChannels.open(port);
        users.add("dr-slow", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        try (Browser browser = Browser.open(port)) {
            SyntheticStudies.send(channel, dir, 51, 1, 3, 64);
            AnnotatorPage page = new AnnotatorPage(browser);
            browser.signIn("dr-slow", PASSWORD);
            long taskId = page.takeNext();
            assertThat(page.text("lease")).startsWith("Time left on this study: 0:");
            page.goToAnImageWithBoxes();
            AnnotatorPage.Box box = page.boxes().get(0);
            page.drag(box.screenXmin() + 2, box.screenYmin() + 2, box.screenXmin() + 26, box.screenYmin() + 2);
            double movedTo = page.boxes().get(0).xmin();
            assertThat(movedTo).isEqualTo(box.xmin() + 24 / box.scale(), within(1.0));

            String message = browser.waitFor(d -> {
                String text = d.findElement(By.id("messages")).getText();
                return text.contains("ran out") ? text : null;
            });
            assertThat(message).isEqualTo("Your time on this study ran out and it went back to the queue. "
                    + "Your boxes are kept in this browser; take the next task to go on.");
            assertThat(page.text("lease")).isEqualTo("Time is up on this study.");
            assertThat(browser.driver().findElement(By.id("submit")).isEnabled()).isFalse();
            assertThat(CurationGrpc.newBlockingStub(channel).getTask(GetTaskRequest.newBuilder().setTaskId(taskId)
                    .build()).getState()).isEqualTo(TaskState.EXPIRED);

            // the only study waiting is this one: claimed again, it comes back with the moved box
            assertThat(page.takeNext()).isEqualTo(taskId);
            assertThat(page.text("messages")).isEqualTo("Your boxes for this study were restored from this browser.");
            page.goToAnImageWithBoxes();
            assertThat(page.boxes().get(0).xmin()).isEqualTo(movedTo, within(1e-6));
        } finally {
            LoopbackChannels.close(channel);
        }
    }
}
