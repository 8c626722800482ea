package org.glean.api;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.List;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.CurationDecision;
import org.glean.proto.v1.CurationPolicy;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.TaskEvent;
import org.glean.proto.v1.TaskImage;
import org.glean.proto.v1.TaskState;
import org.glean.curation.AnnotationTask.AnnotatedBox;
import org.glean.curation.ScoredStudy.PreAnnotation;

/** Curation's records as glean.v1 messages and back. */
public final class CurationMessages {

    private CurationMessages() {
    }

    public static CurationPolicy of(org.glean.curation.CurationPolicy policy) {
        CurationPolicy.Builder message = CurationPolicy.newBuilder()
                .setVersion(policy.version())
                .setBudgetPerPeriod(policy.budgetPerPeriod())
                .setBudgetPeriod(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(policy.budgetPeriod().toSeconds()))
                .setChangedBy(policy.changedBy())
                .setChangedAt(timestamp(policy.changedAt()));
        if (policy.informativenessThreshold() != null) {
            message.setInformativenessThreshold(policy.informativenessThreshold());
        }
        return message.build();
    }

    /** The decision as StudyAnalysis carries it. */
    public static CurationDecision of(org.glean.curation.CurationDecision decision) {
        return CurationDecision.newBuilder()
                .setOutcome(CurationDecision.Outcome.valueOf(decision.outcome().name()))
                .setReason(decision.reason())
                .setTaskId(decision.taskId() == null ? 0 : decision.taskId())
                .setStudyInstanceUid(decision.studyInstanceUid())
                .setModelVersion(decision.modelVersion())
                .setInformativeness(decision.informativeness())
                .setPolicy(of(decision.policy()))
                .setDecidedAt(timestamp(decision.decidedAt()))
                .build();
    }

    public static AnnotationTask of(org.glean.curation.AnnotationTask task) {
        AnnotationTask.Builder message = AnnotationTask.newBuilder()
                .setTaskId(task.id())
                .setStudyInstanceUid(task.studyInstanceUid())
                .setModelVersion(task.modelVersion())
                .setInformativeness(task.informativeness())
                .setState(state(task.state()))
                .setCreatedAt(timestamp(task.createdAt()))
                .addAllClasses(task.classNames());
        if (task.annotatorId() != null) {
            message.setAnnotatorId(task.annotatorId());
        }
        if (task.leaseExpiresAt() != null) {
            message.setLeaseExpiresAt(timestamp(task.leaseExpiresAt()));
        }
        if (task.submittedAt() != null) {
            message.setSubmittedAt(timestamp(task.submittedAt()));
        }
        if (task.skipReason() != null) {
            message.setSkipReason(task.skipReason());
        }
        for (org.glean.curation.AnnotationTask.Image image : task.images()) {
            TaskImage.Builder frame = TaskImage.newBuilder()
                    .setSopInstanceUid(image.sopInstanceUid())
                    .setFrame(image.frame())
                    .setRows(image.rows())
                    .setColumns(image.columns())
                    .setInformativeness(image.informativeness());
            image.preAnnotations().forEach(object -> frame.addPreAnnotations(box(object)));
            if (image.annotation() != null) {
                image.annotation().forEach(box -> frame.addAnnotation(box(box)));
            }
            message.addImages(frame);
        }
        for (org.glean.curation.AnnotationTask.TaskEvent event : task.history()) {
            TaskEvent.Builder entry = TaskEvent.newBuilder()
                    .setOccurredAt(timestamp(event.occurredAt()))
                    .setActor(event.actor())
                    .setAction(event.action())
                    .setToState(state(event.toState()))
                    .setDetail(event.detail());
            if (event.fromState() != null) {
                entry.setFromState(state(event.fromState()));
            }
            message.addHistory(entry);
        }
        return message.build();
    }

    public static Box box(AnnotatedBox box) {
        return Box.newBuilder().setLabel(box.label())
                .setXmin(box.xmin()).setYmin(box.ymin()).setXmax(box.xmax()).setYmax(box.ymax()).build();
    }

    static Box box(PreAnnotation object) {
        return Box.newBuilder().setLabel(object.label()).setScore(object.score())
                .setXmin(object.xmin()).setYmin(object.ymin()).setXmax(object.xmax()).setYmax(object.ymax()).build();
    }

    static List<org.glean.curation.ImageAnnotation> annotations(List<ImageAnnotation> images) {
        return images.stream().map(image -> new org.glean.curation.ImageAnnotation(image.getSopInstanceUid(),
                image.getFrame(), image.getBoxesList().stream()
                        .map(box -> new AnnotatedBox(box.getLabel(), box.getXmin(), box.getYmin(), box.getXmax(),
                                box.getYmax()))
                        .toList()))
                .toList();
    }

    static TaskState state(org.glean.curation.TaskState state) {
        return TaskState.valueOf(state.name());
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
