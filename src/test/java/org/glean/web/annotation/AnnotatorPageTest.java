package org.glean.web.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.TaskImage;
import org.glean.proto.v1.TaskState;
import org.glean.security.Actor;
import org.glean.security.Role;
import org.glean.security.UserStore;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.web.Browser;
import org.glean.web.SyntheticStudies;
import org.glean.web.WorkspaceTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Annotators in headless chromium against the real server, with phantom studies scored by a real
 * model: what they submit in the page is what the server stores, and two of them never share a task.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(WorkspaceTestResource.class)
class AnnotatorPageTest {

    private static final String PASSWORD = "correct horse battery";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    UserStore users;

    @TempDir
    Path dir;

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
    void anAnnotatorMovesOneBoxAddsOneAndTheServerStoresExactlyThoseBoxes() {
        SyntheticStudies.send(channel, dir, 41, 2, 3, 128);
        users.add("dr-boxes", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        try (Browser browser = Browser.open(port)) {
            AnnotatorPage page = new AnnotatorPage(browser);
            browser.signIn("dr-boxes", PASSWORD);
            long taskId = page.takeNext();
            page.goToAnImageWithBoxes();

            // the page shows the model's boxes of the image as the task stores them
            String sop = (String) page.image().get("sopInstanceUid");
            int frame = ((Number) page.image().get("frame")).intValue();
            TaskImage stored = image(task(taskId), sop, frame);
            List<AnnotatorPage.Box> shown = page.boxes();
            assertThat(shown).hasSize(stored.getPreAnnotationsCount());
            for (int i = 0; i < shown.size(); i++) {
                assertThat(shown.get(i).label()).isEqualTo(stored.getPreAnnotations(i).getLabel());
                assertThat(shown.get(i).xmin()).isEqualTo(stored.getPreAnnotations(i).getXmin(), within(1e-3));
                assertThat(shown.get(i).ymax()).isEqualTo(stored.getPreAnnotations(i).getYmax(), within(1e-3));
            }
            assertThat(page.text("boxes")).contains("ep_loc").contains("al_cls");
            assertThat(page.text("why")).contains("Informativeness");

            // move the first box by 30 and 18 CSS pixels
            AnnotatorPage.Box first = shown.get(0);
            double scale = first.scale();
            page.drag((first.screenXmin() + first.screenXmax()) / 2, (first.screenYmin() + first.screenYmax()) / 2,
                    (first.screenXmin() + first.screenXmax()) / 2 + 30, (first.screenYmin() + first.screenYmax()) / 2 + 18);
            AnnotatorPage.Box moved = page.boxes().get(0);
            assertThat(moved.xmin()).isEqualTo(first.xmin() + 30 / scale, within(1.0));
            assertThat(moved.ymin()).isEqualTo(first.ymin() + 18 / scale, within(1.0));
            assertThat(moved.xmax() - moved.xmin()).isEqualTo(first.xmax() - first.xmin(), within(1e-6));

            // draw a new box where there is none
            double[] empty = emptyCorner(page.boxes(), ((Number) page.image().get("columns")).intValue(),
                    ((Number) page.image().get("rows")).intValue());
            page.drag(first.screenXmin() + (empty[0] - first.xmin()) * scale, first.screenYmin() + (empty[1] - first.ymin()) * scale,
                    first.screenXmin() + (empty[0] + 12 - first.xmin()) * scale, first.screenYmin() + (empty[1] + 9 - first.ymin()) * scale);
            List<AnnotatorPage.Box> edited = page.boxes();
            assertThat(edited).hasSize(shown.size() + 1);
            AnnotatorPage.Box added = edited.get(edited.size() - 1);
            assertThat(added.proposal()).isNull();
            assertThat(added.xmin()).isEqualTo(empty[0], within(1.0));
            assertThat(added.xmax() - added.xmin()).isEqualTo(12, within(1.0));
            assertThat(added.ymax() - added.ymin()).isEqualTo(9, within(1.0));

            // a submitted study leads straight to the next one
            assertThat(page.submitAndWaitForTheNext()).isNotEqualTo(taskId);

            AnnotationTask submitted = task(taskId);
            assertThat(submitted.getState()).isEqualTo(TaskState.SUBMITTED);
            assertThat(submitted.getAnnotatorId()).isEqualTo("dr-boxes");
            for (TaskImage image : submitted.getImagesList()) {
                List<Box> expected = image.getSopInstanceUid().equals(sop) && image.getFrame() == frame
                        ? edited.stream().map(box -> box(box.label(), box.xmin(), box.ymin(), box.xmax(), box.ymax())).toList()
                        : image.getPreAnnotationsList().stream().map(p -> box(p.getLabel(), p.getXmin(), p.getYmin(),
                                p.getXmax(), p.getYmax())).toList();
                assertThat(image.getAnnotationCount()).as("boxes of %s/%d", image.getSopInstanceUid(), image.getFrame())
                        .isEqualTo(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    Box got = image.getAnnotation(i);
                    assertThat(got.getLabel()).isEqualTo(expected.get(i).getLabel());
                    assertThat(got.getXmin()).isEqualTo(expected.get(i).getXmin(), within(1.0));
                    assertThat(got.getYmin()).isEqualTo(expected.get(i).getYmin(), within(1.0));
                    assertThat(got.getXmax()).isEqualTo(expected.get(i).getXmax(), within(1.0));
                    assertThat(got.getYmax()).isEqualTo(expected.get(i).getYmax(), within(1.0));
                }
            }
        }
    }

    @Test
    void twoAnnotatorsInTwoBrowsersNeverGetTheSameTask() throws Exception {
        SyntheticStudies.send(channel, dir, 42, 4, 3, 64);
        users.add("dr-one", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        users.add("dr-two", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        try (Browser one = Browser.open(port); Browser two = Browser.open(port)) {
            one.signIn("dr-one", PASSWORD);
            two.signIn("dr-two", PASSWORD);
            AnnotatorPage first = new AnnotatorPage(one);
            AnnotatorPage second = new AnnotatorPage(two);
            List<Long> seen = new ArrayList<>();
            CompletableFuture<Long> byOne = CompletableFuture.supplyAsync(first::takeNext);
            CompletableFuture<Long> byTwo = CompletableFuture.supplyAsync(second::takeNext);
            seen.add(byOne.get());
            seen.add(byTwo.get());
            // both submit at once and are led to their next tasks
            CompletableFuture<Long> nextOfOne = CompletableFuture.supplyAsync(first::submitAndWaitForTheNext);
            CompletableFuture<Long> nextOfTwo = CompletableFuture.supplyAsync(second::submitAndWaitForTheNext);
            seen.add(nextOfOne.get());
            seen.add(nextOfTwo.get());
            Set<Long> distinct = new HashSet<>(seen);
            assertThat(distinct).as("tasks claimed: %s", seen).hasSize(seen.size());
            assertThat(task(seen.get(2)).getAnnotatorId()).isEqualTo("dr-one");
            assertThat(task(seen.get(3)).getAnnotatorId()).isEqualTo("dr-two");
        }
    }

    private AnnotationTask task(long id) {
        return CurationGrpc.newBlockingStub(channel).getTask(GetTaskRequest.newBuilder().setTaskId(id).build());
    }

    private static TaskImage image(AnnotationTask task, String sop, int frame) {
        return task.getImagesList().stream().filter(i -> i.getSopInstanceUid().equals(sop) && i.getFrame() == frame)
                .findFirst().orElseThrow();
    }

    private static Box box(String label, double xmin, double ymin, double xmax, double ymax) {
        return Box.newBuilder().setLabel(label).setXmin(xmin).setYmin(ymin).setXmax(xmax).setYmax(ymax).build();
    }

    // A 12 × 9 place near a corner of the image that no box touches.
    private static double[] emptyCorner(List<AnnotatorPage.Box> boxes, int columns, int rows) {
        for (double[] corner : List.of(new double[] {4, 4}, new double[] {columns - 20, 4},
                new double[] {4, rows - 16}, new double[] {columns - 20, rows - 16})) {
            boolean free = boxes.stream().noneMatch(b -> corner[0] < b.xmax() + 2 && corner[0] + 14 > b.xmin()
                    && corner[1] < b.ymax() + 2 && corner[1] + 11 > b.ymin());
            if (free) {
                return corner;
            }
        }
        throw new AssertionError("every corner of the image has a box: " + boxes);
    }
}
