package org.glean.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.glean.proto.v1.DetectedObject;
import org.glean.proto.v1.DrivingObject;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.InstanceStatus;
import org.glean.proto.v1.ReceptionState;
import org.glean.proto.v1.SeriesAnalysis;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.curation.CurationDecision;
import org.glean.inference.InferenceMessages;
import org.glean.inference.StudyScores;
import org.glean.ingest.Instance;
import org.glean.ingest.Study;
import org.glean.ingest.StudyRecord;

/** Builds the StudyAnalysis message from a stored study and its stored scores. */
final class StudyAnalyses {

    private StudyAnalyses() {
    }

    /**
     * @param scores          the study's persisted analysis, if it has one
     * @param notScoredReason why it has none; ignored when it has
     * @param decision        curation's decision for the study under the analysis's model version
     */
    static StudyAnalysis of(StudyRecord study, Optional<StudyScores> scores, String notScoredReason,
                            Optional<CurationDecision> decision) {
        StudyAnalysis.Builder analysis = StudyAnalysis.newBuilder()
                .setStudyInstanceUid(study.studyInstanceUid())
                .setInstanceCount(study.instanceCount())
                .setReception(study.reception() == Study.Reception.COMPLETE
                        ? ReceptionState.COMPLETE : ReceptionState.RECEIVING);
        Map<String, StudyScores.ImageScores> images = new HashMap<>();
        if (scores.isPresent()) {
            StudyScores s = scores.get();
            s.images().forEach(image -> images.put(image.sopInstanceUid() + "/" + image.frame(), image));
            analysis.setModelVersion(s.modelVersion()).setInformativeness(s.informativeness());
            if (s.drivenBy() != null) {
                analysis.setDrivenBy(DrivingObject.newBuilder()
                        .setSopInstanceUid(s.drivenBy().sopInstanceUid())
                        .setFrame(s.drivenBy().frame())
                        .setObjectIndex(s.drivenBy().objectIndex())
                        .setUncertainty(s.drivenBy().kind().name().toLowerCase(Locale.ROOT))
                        .setNearMiss(s.drivenBy().nearMiss()));
            }
        } else {
            analysis.setNotScoredReason(notScoredReason);
        }
        decision.ifPresent(d -> analysis.setDecision(CurationMessages.of(d)));
        for (StudyRecord.SeriesRecord series : study.series()) {
            SeriesAnalysis.Builder seriesAnalysis = SeriesAnalysis.newBuilder()
                    .setSeriesInstanceUid(series.seriesInstanceUid())
                    .setModality(series.modality())
                    .setSeriesNumber(series.seriesNumber());
            series.instances().forEach(instance -> addImages(seriesAnalysis, instance, images));
            analysis.addSeries(seriesAnalysis);
        }
        return analysis.build();
    }

    // An accepted instance is analysed frame by frame; a rejected one is reported once.
    private static void addImages(SeriesAnalysis.Builder series, StudyRecord.InstanceRecord instance,
            Map<String, StudyScores.ImageScores> scores) {
        if (instance.status() == Instance.Status.REJECTED) {
            series.addImages(ImageAnalysis.newBuilder()
                    .setSopInstanceUid(instance.sopInstanceUid())
                    .setInstanceNumber(instance.instanceNumber())
                    .setStatus(InstanceStatus.newBuilder()
                            .setCode(InstanceStatus.Code.REJECTED)
                            .setReason(instance.rejectionReason())));
            return;
        }
        InstanceStatus accepted = InstanceStatus.newBuilder().setCode(InstanceStatus.Code.ACCEPTED).build();
        for (int frame = 1; frame <= instance.numberOfFrames(); frame++) {
            ImageAnalysis.Builder image = ImageAnalysis.newBuilder()
                    .setSopInstanceUid(instance.sopInstanceUid())
                    .setInstanceNumber(instance.instanceNumber())
                    .setFrame(frame)
                    .setRows(instance.rows())
                    .setColumns(instance.columns())
                    .setStatus(accepted);
            StudyScores.ImageScores scored = scores.get(instance.sopInstanceUid() + "/" + frame);
            if (scored != null) {
                image.setInformativeness(scored.informativeness());
                if (scored.analysisError() != null) {
                    image.setAnalysisError(scored.analysisError());
                }
                scored.objects().forEach(object -> image.addObjects(detectedObject(object)));
                scored.nearMisses().forEach(nearMiss -> image.addNearMisses(detectedObject(nearMiss)));
            }
            series.addImages(image);
        }
    }

    private static DetectedObject detectedObject(StudyScores.ScoredObject object) {
        return DetectedObject.newBuilder()
                .setBox(InferenceMessages.box(object.box()))
                .setLabel(object.label())
                .setScore(object.score())
                .setRaw(InferenceMessages.uncertainty(object.raw()))
                .setNormalized(InferenceMessages.uncertainty(object.normalized()))
                .build();
    }
}
