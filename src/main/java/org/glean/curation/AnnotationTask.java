package org.glean.curation;

import java.time.Instant;
import java.util.List;
import org.glean.curation.ScoredStudy.PreAnnotation;

/**
 * One study to annotate, as stored.
 *
 * @param annotatorId    for CLAIMED: who holds the lease; otherwise null
 * @param leaseExpiresAt for CLAIMED: until when; otherwise null
 * @param submittedAt    for SUBMITTED: when; otherwise null
 * @param skipReason     for SKIPPED: why; otherwise null
 * @param classNames     the classes a box may carry: the scoring model's
 * @param images         every frame of the study (empty when only the summary was read)
 * @param history        every state change, oldest first (empty when only the summary was read)
 */
public record AnnotationTask(long id, String studyInstanceUid, String modelVersion, double informativeness,
                             TaskState state, String annotatorId, Instant leaseExpiresAt, Instant createdAt,
                             Instant submittedAt, String skipReason, List<String> classNames,
                             List<Image> images, List<TaskEvent> history) {

    public AnnotationTask {
        classNames = List.copyOf(classNames);
        images = List.copyOf(images);
        history = List.copyOf(history);
    }

    /**
     * One frame of the task.
     *
     * @param annotation the annotator's boxes once submitted (empty: no findings); null before
     */
    public record Image(String sopInstanceUid, int frame, int rows, int columns, double informativeness,
                        List<PreAnnotation> preAnnotations, List<AnnotatedBox> annotation) {
    }

    /** A box an annotator drew, in the frame's pixels (column c covers [c, c+1)). */
    public record AnnotatedBox(String label, double xmin, double ymin, double xmax, double ymax) {
    }

    /**
     * One recorded change of the task.
     *
     * @param actor     an annotator id, or "glean" for the server's own acts
     * @param fromState null when the task was created
     */
    public record TaskEvent(Instant occurredAt, String actor, String action, TaskState fromState,
                            TaskState toState, String detail) {
    }
}
