package org.glean.web.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.api.PhantomStudies;
import org.glean.bench.LabelledStudies;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.CurationPolicy;
import org.glean.proto.v1.GetPolicyRequest;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.UserStore;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.training.FineTuneTestResource;
import org.glean.web.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in Debian's headless chromium against the running server on loopback: a job started
 * from the page is followed to its end; an annotator never gets the console; a curator signs in,
 * changes the policy, sees the job that annotations started end, promotes the candidate it made
 * with a reason and sees it on the learning curve, and the gRPC API sees the policy and promotion.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(FineTuneTestResource.class)
@TestProfile(ConsoleBrowserTest.OwnServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    /** A server and database of its own: the tests count versions, jobs and audit rows from the start. */
    public static class OwnServer implements QuarkusTestProfile {
    }

    private static final String PASSWORD = "console test password";
    private static final long DEADLINE_SECONDS = 60;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    UserStore users;

    @Inject
    AuditTrail trail;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = LoopbackChannels.open(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    @Order(3)
    void aCuratorChangesThePolicyAndPromotesTheCandidateAJobMadeWithAReason() throws IOException, InterruptedException {
        users.add("dr-console", EnumSet.of(Role.CURATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        String first = ModelVersions.current(channel);
        long policyVersion = policy().getVersion();
        // six annotated studies: the sixth submission starts a job by itself, which the page follows
        LabelledStudies studies = PhantomStudies.synth(Files.createTempDirectory("glean-console-").resolve("studies"),
                "32", FineTuneTestResource.AUTO_FINE_TUNE_AFTER, 1);
        studies.ingestAll(channel);
        studies.annotateEveryTask(CurationGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS,
                TimeUnit.SECONDS));

        try (Browser browser = Browser.open(port)) {
            browser.signIn("dr-console", PASSWORD);
            browser.open("/console.html");
            browser.waitFor(d -> !d.findElement(By.id("policy-current")).getText().isEmpty());

            fill(browser, "budget", "-2");
            browser.driver().findElement(By.id("policy-save")).click();
            assertThat(waitForText(browser, "policy-error"))
                    .isEqualTo("The budget must be a whole number of tasks: 0 for no budget.");
            fill(browser, "budget", "4");
            fill(browser, "period-value", "400");
            new Select(browser.driver().findElement(By.id("period-unit"))).selectByVisibleText("days");
            browser.driver().findElement(By.id("policy-save")).click();
            assertThat(waitForText(browser, "policy-error"))
                    .startsWith("Budget_period must be whole seconds from 1 s to 366 days");
            fill(browser, "threshold", "0.75");
            fill(browser, "period-value", "3");
            new Select(browser.driver().findElement(By.id("period-unit"))).selectByVisibleText("hours");
            browser.driver().findElement(By.id("policy-save")).click();
            browser.waitFor(d -> d.findElement(By.id("messages")).getText()
                    .equals("Policy version " + (policyVersion + 1) + " is in force."));

            CurationPolicy applied = policy();
            assertThat(applied.getVersion()).isEqualTo(policyVersion + 1);
            assertThat(applied.getInformativenessThreshold()).isEqualTo(0.75);
            assertThat(applied.getBudgetPerPeriod()).isEqualTo(4);
            assertThat(applied.getBudgetPeriod().getSeconds()).isEqualTo(3 * 3600);
            assertThat(applied.getChangedBy()).isEqualTo("dr-console");
            assertThat(browser.driver().findElement(By.id("policy-current")).getText())
                    .startsWith("In force: version " + (policyVersion + 1) + ", threshold 0.75, budget 4 per 3 hours");

            // the job's end, as the page followed it (lr 0.15 scrambles the network: the gate keeps it a candidate)
            String outcome = waitForText(browser, "job-outcome");
            assertThat(outcome).startsWith("Kept as a candidate: version ");
            String candidate = outcome.substring("Kept as a candidate: version ".length()).split("\\.")[0];
            browser.waitFor(d -> !d.findElements(By.cssSelector("tr[data-version='" + candidate
                    + "'][data-state='CANDIDATE']")).isEmpty());
            WebElement row = browser.driver().findElement(By.cssSelector("tr[data-version='" + candidate + "']"));
            row.findElement(By.cssSelector("button.promote")).click();
            browser.waitFor(d -> d.findElement(By.id("reason-dialog")).isDisplayed());
            browser.driver().findElement(By.id("reason-confirm")).click();
            assertThat(waitForText(browser, "reason-error"))
                    .isEqualTo("Give a reason: it is kept in the promotion history.");
            browser.driver().findElement(By.id("reason")).sendKeys("fewer misses on the site B phantoms");
            browser.driver().findElement(By.id("reason-confirm")).click();
            browser.waitFor(d -> d.findElement(By.id("models-outcome")).getText()
                    .equals("Version " + candidate + " is current now."));
            browser.waitFor(d -> !d.findElements(By.cssSelector("tr[data-version='" + candidate
                    + "'][data-state='CURRENT']")).isEmpty());

            assertThat(ModelVersions.current(channel)).isEqualTo(candidate);
            assertThat(AuditRows.of(trail, AuditAction.PROMOTED)).extracting(AuditRecord::actor, AuditRecord::detail)
                    .containsExactly(tuple("dr-console", "PROMOTE, replacing " + first
                            + ": fewer misses on the site B phantoms"));
            // the promoted version is on the curve; the installed one it replaced is listed with why it is not
            browser.waitFor(d -> !d.findElements(By.cssSelector("#curve-chart circle.current[data-version='"
                    + candidate + "']")).isEmpty());
            assertThat(browser.driver().findElements(By.cssSelector("#curve-notes li"))).singleElement()
                    .extracting(WebElement::getText).isEqualTo(first + " is not on the chart: it was installed, not "
                            + "fine-tuned here, so no validation mAP is recorded.");
        }
    }

    @Test
    @Order(1)
    void aJobStartedFromTheConsoleIsFollowedToItsEnd() {
        users.add("dr-trainer", EnumSet.of(Role.CURATOR), PASSWORD.toCharArray(), Actor.GLEAN);

        try (Browser browser = Browser.open(port)) {
            browser.signIn("dr-trainer", PASSWORD);
            browser.open("/console.html");
            browser.waitFor(d -> !d.findElement(By.id("job")).getText().isEmpty());
            fill(browser, "epochs", "2");
            browser.driver().findElement(By.id("job-start")).click();

            String outcome = waitForText(browser, "job-outcome");
            assertThat(outcome).startsWith("Failed: there is nothing to train on");
            assertThat(browser.driver().findElement(By.cssSelector("#job .job-summary")).getText())
                    .contains("started by dr-trainer").contains("2 epoch(s)");
            assertThat(browser.driver().findElement(By.id("job-start")).isEnabled()).isTrue();
        }
    }

    @Test
    @Order(2)
    void anAnnotatorDoesNotSeeTheConsole() {
        users.add("dr-annotates", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);

        try (Browser browser = Browser.open(port)) {
            browser.signIn("dr-annotates", PASSWORD);

            browser.open("/console.html");

            assertThat(waitForText(browser, "messages"))
                    .isEqualTo("The console is for curators: your account does not have the curator role.");
            assertThat(browser.driver().findElement(By.id("console")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElements(By.cssSelector("#shell a[data-page='annotate']"))).hasSize(1);
            assertThat(browser.driver().findElements(By.cssSelector("#shell a[data-page='console']"))).isEmpty();
        }
    }

    private static void fill(Browser browser, String id, String value) {
        WebElement input = browser.driver().findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    // The element's text once it has some.
    private static String waitForText(Browser browser, String id) {
        return browser.waitFor(d -> {
            String text = d.findElement(By.id(id)).getText();
            return text.isEmpty() ? null : text;
        });
    }

    private CurationPolicy policy() {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .getPolicy(GetPolicyRequest.getDefaultInstance());
    }
}
