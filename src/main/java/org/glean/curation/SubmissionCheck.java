package org.glean.curation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.glean.curation.AnnotationTask.AnnotatedBox;

/**
 * What is wrong with a submission for a task: frames that are not the task's or are listed
 * twice, boxes outside their frame or without area, labels that are not the task's classes.
 * Every problem names its image (position in the submission, SOPInstanceUID, frame) and box
 * (position within the image), so that the annotator's tool can point at it.
 */
final class SubmissionCheck {

    private SubmissionCheck() {
    }

    static List<String> problems(AnnotationTask task, List<ImageAnnotation> submitted) {
        Map<String, AnnotationTask.Image> frames = new HashMap<>();
        task.images().forEach(image -> frames.put(key(image.sopInstanceUid(), image.frame()), image));
        Set<String> classes = Set.copyOf(task.classNames());
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < submitted.size(); i++) {
            ImageAnnotation annotation = submitted.get(i);
            String image = "image " + i + " (SOPInstanceUID " + annotation.sopInstanceUid() + ", frame "
                    + annotation.frame() + ")";
            String key = key(annotation.sopInstanceUid(), annotation.frame());
            AnnotationTask.Image frame = frames.get(key);
            if (frame == null) {
                problems.add(image + " is not a frame of task " + task.id());
                continue;
            }
            if (!seen.add(key)) {
                problems.add(image + " is listed more than once");
            }
            for (int b = 0; b < annotation.boxes().size(); b++) {
                AnnotatedBox box = annotation.boxes().get(b);
                String name = "box " + b + " of " + image;
                if (!classes.contains(box.label())) {
                    problems.add(name + ": label '" + box.label() + "' is not one of the task's classes "
                            + task.classNames());
                }
                boxProblem(box, frame).ifPresent(problem -> problems.add(name + ": " + problem));
            }
        }
        return problems;
    }

    private static Optional<String> boxProblem(AnnotatedBox box, AnnotationTask.Image frame) {
        String corners = "[xmin " + box.xmin() + ", ymin " + box.ymin() + ", xmax " + box.xmax() + ", ymax "
                + box.ymax() + "]";
        if (!(Double.isFinite(box.xmin()) && Double.isFinite(box.ymin()) && Double.isFinite(box.xmax())
                && Double.isFinite(box.ymax()))) {
            return Optional.of(corners + " are not all finite numbers");
        }
        if (box.xmin() >= box.xmax() || box.ymin() >= box.ymax()) {
            return Optional.of(corners + " has no area (xmin < xmax and ymin < ymax are required)");
        }
        if (box.xmin() < 0 || box.ymin() < 0 || box.xmax() > frame.columns() || box.ymax() > frame.rows()) {
            return Optional.of(corners + " lies outside the frame of " + frame.columns() + " columns × "
                    + frame.rows() + " rows (0 ≤ x ≤ " + frame.columns() + ", 0 ≤ y ≤ " + frame.rows() + ")");
        }
        return Optional.empty();
    }

    static String key(String sopInstanceUid, int frame) {
        return sopInstanceUid + "#" + frame;
    }
}
