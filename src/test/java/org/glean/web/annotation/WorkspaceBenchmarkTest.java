package org.glean.web.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.Actor;
import org.glean.security.Role;
import org.glean.security.UserStore;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.web.Browser;
import org.glean.web.SyntheticStudies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The workspace's benchmark ({@code make bench-workspace}, docs/benchmarks.md): on 60-slice CT
 * studies of 512² scored by the bundled model, with the browser's cache off, the time from "take
 * the next study" and from Submit to the next study's first image drawn, as the page measures it
 * (performance.measure), median of 20 each. Skipped unless -Dglean.bench.workspace=true; it
 * asserts no timing. With -Dglean.workspace.screenshot=FILE it also saves the page, for the docs.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(WorkspaceBenchmarkTest.BundledModel.class)
@EnabledIfSystemProperty(named = "glean.bench.workspace", matches = "true")
class WorkspaceBenchmarkTest {

    private static final String PASSWORD = "correct horse battery";
    private static final int MEASUREMENTS = 20;
    private static final int SLICES = 60;
    private static final int SIZE = 512;

    /** The model a site runs (the bundled one), and studies of 60 slices of 512² (30 MiB). */
    public static class BundledModel implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("glean.models.bundled", "true", "glean.ingest.max-study-size", "64M");
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
    void timesFromNextAndFromSubmitToTheFirstImageDrawn() throws Exception {
        ManagedChannel channel = LoopbackChannels.open(port);
        try {
            SyntheticStudies.send(channel, dir, 61, MEASUREMENTS + 1, SLICES, SIZE);
        } finally {
            LoopbackChannels.close(channel);
        }
        users.add("dr-bench", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        try (Browser browser = Browser.open(port)) {
            ChromeDriver chrome = (ChromeDriver) browser.driver();
            chrome.executeCdpCommand("Network.enable", Map.of());
            chrome.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
            AnnotatorPage page = new AnnotatorPage(browser);
            browser.signIn("dr-bench", PASSWORD);
            page.takeNext();
            screenshot(browser, page);
            // Submit → next: each submission leads to a study not seen before
            for (int i = 0; i < MEASUREMENTS; i++) {
                page.submitAndWaitForTheNext();
            }
            // next: the study in hand given back and taken again, cold (the cache is off)
            for (int i = 0; i < MEASUREMENTS; i++) {
                page.key("g");
                browser.driver().switchTo().alert().accept();
                browser.waitFor(d -> d.findElement(By.id("start")).isDisplayed());
                page.takeNext();
            }
            List<Map<String, Object>> timings = page.timings();
            // the first "next" opened the run (and the screenshot); the 20 measured follow it
            List<Double> next = times(timings, "next").subList(1, MEASUREMENTS + 1);
            List<Double> submit = times(timings, "submit");
            assertThat(submit).hasSize(MEASUREMENTS);
            System.out.printf("%nWorkspace benchmark: %d-slice CT studies of %d² on loopback, headless chromium, cache off%n",
                    SLICES, SIZE);
            System.out.printf("  next → first image drawn:   median %.0f ms (min %.0f, max %.0f) of %d%n",
                    median(next), min(next), max(next), MEASUREMENTS);
            System.out.printf("  Submit → next study's first image drawn: median %.0f ms (min %.0f, max %.0f) of %d%n",
                    median(submit), min(submit), max(submit), MEASUREMENTS);
            @SuppressWarnings("unchecked")
            List<Double> submissions = ((List<Number>) browser.script("return performance.getEntriesByName("
                    + "'glean-submission').map(e => e.duration)")).stream().map(Number::doubleValue).toList();
            System.out.printf("    of which the submission request: median %.0f ms (min %.0f, max %.0f)%n",
                    median(submissions), min(submissions), max(submissions));
        }
    }

    private static void screenshot(Browser browser, AnnotatorPage page) throws Exception {
        String target = System.getProperty("glean.workspace.screenshot");
        if (target == null || target.isBlank()) {
            return;
        }
        page.goToAnImageWithBoxes();
        AnnotatorPage.Box box = page.boxes().get(0);
        page.drag((box.screenXmin() + box.screenXmax()) / 2, (box.screenYmin() + box.screenYmax()) / 2,
                (box.screenXmin() + box.screenXmax()) / 2, (box.screenYmin() + box.screenYmax()) / 2);
        Thread.sleep(500);
        Path file = Path.of(target);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, ((ChromeDriver) browser.driver()).getScreenshotAs(OutputType.BYTES));
    }

    private static List<Double> times(List<Map<String, Object>> timings, String what) {
        List<Double> times = new ArrayList<>();
        timings.stream().filter(t -> what.equals(t.get("what"))).forEach(t -> times.add(((Number) t.get("ms")).doubleValue()));
        return times;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
