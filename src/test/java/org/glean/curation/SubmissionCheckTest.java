package org.glean.curation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.glean.curation.AnnotationTask.AnnotatedBox;
import org.junit.jupiter.api.Test;

class SubmissionCheckTest {

    private static final AnnotationTask TASK = new AnnotationTask(7, "1.2.3", "model-1", 1.0, TaskState.CLAIMED,
            "annotator-a", Instant.EPOCH, Instant.EPOCH, null, null, List.of("nodule", "mass"),
            List.of(new AnnotationTask.Image("1.2.3.4", 1, 48, 64, 1.0, List.of(), null),
                    new AnnotationTask.Image("1.2.3.4", 2, 48, 64, 1.0, List.of(), null)),
            List.of());

    @Test
    void boxesTouchingTheFrameEdgesAreInside() {
        assertThat(SubmissionCheck.problems(TASK, List.of(new ImageAnnotation("1.2.3.4", 2,
                List.of(new AnnotatedBox("mass", 0, 0, 64, 48)))))).isEmpty();
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        List<String> problems = SubmissionCheck.problems(TASK, List.of(
                new ImageAnnotation("1.2.3.4", 1, List.of(
                        new AnnotatedBox("nodule", -0.5, 0, 4, 4),
                        new AnnotatedBox("cyst", 1, 1, 2, 49),
                        new AnnotatedBox("mass", 3, 3, 3, 5),
                        new AnnotatedBox("mass", Double.NaN, 3, 4, 5))),
                new ImageAnnotation("1.2.3.4", 1, List.of()),
                new ImageAnnotation("1.2.3.5", 1, List.of())));

        assertThat(problems).containsExactly(
                "box 0 of image 0 (SOPInstanceUID 1.2.3.4, frame 1): [xmin -0.5, ymin 0.0, xmax 4.0, ymax 4.0] lies "
                        + "outside the frame of 64 columns × 48 rows (0 ≤ x ≤ 64, 0 ≤ y ≤ 48)",
                "box 1 of image 0 (SOPInstanceUID 1.2.3.4, frame 1): label 'cyst' is not one of the task's classes "
                        + "[nodule, mass]",
                "box 1 of image 0 (SOPInstanceUID 1.2.3.4, frame 1): [xmin 1.0, ymin 1.0, xmax 2.0, ymax 49.0] lies "
                        + "outside the frame of 64 columns × 48 rows (0 ≤ x ≤ 64, 0 ≤ y ≤ 48)",
                "box 2 of image 0 (SOPInstanceUID 1.2.3.4, frame 1): [xmin 3.0, ymin 3.0, xmax 3.0, ymax 5.0] has no "
                        + "area (xmin < xmax and ymin < ymax are required)",
                "box 3 of image 0 (SOPInstanceUID 1.2.3.4, frame 1): [xmin NaN, ymin 3.0, xmax 4.0, ymax 5.0] are not "
                        + "all finite numbers",
                "image 1 (SOPInstanceUID 1.2.3.4, frame 1) is listed more than once",
                "image 2 (SOPInstanceUID 1.2.3.5, frame 1) is not a frame of task 7");
    }
}
