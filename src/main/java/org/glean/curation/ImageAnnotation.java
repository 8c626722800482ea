package org.glean.curation;

import java.util.List;
import org.glean.curation.AnnotationTask.AnnotatedBox;

/** An annotator's boxes on one frame of a task, as submitted. */
public record ImageAnnotation(String sopInstanceUid, int frame, List<AnnotatedBox> boxes) {

    public ImageAnnotation {
        boxes = List.copyOf(boxes);
    }
}
