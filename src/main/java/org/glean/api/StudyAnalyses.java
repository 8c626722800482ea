package org.glean.api;

import org.glean.api.v1.ImageAnalysis;
import org.glean.api.v1.InstanceStatus;
import org.glean.api.v1.ReceptionState;
import org.glean.api.v1.SeriesAnalysis;
import org.glean.api.v1.StudyAnalysis;
import org.glean.ingest.Instance;
import org.glean.ingest.Study;
import org.glean.ingest.StudyRecord;

/** Builds the StudyAnalysis message from a stored study. */
final class StudyAnalyses {

    private StudyAnalyses() {
    }

    static StudyAnalysis of(StudyRecord study) {
        StudyAnalysis.Builder analysis = StudyAnalysis.newBuilder()
                .setStudyInstanceUid(study.studyInstanceUid())
                .setInstanceCount(study.instanceCount())
                .setReception(study.reception() == Study.Reception.COMPLETE
                        ? ReceptionState.COMPLETE : ReceptionState.RECEIVING);
        for (StudyRecord.SeriesRecord series : study.series()) {
            SeriesAnalysis.Builder seriesAnalysis = SeriesAnalysis.newBuilder()
                    .setSeriesInstanceUid(series.seriesInstanceUid())
                    .setModality(series.modality())
                    .setSeriesNumber(series.seriesNumber());
            series.instances().forEach(instance -> addImages(seriesAnalysis, instance));
            analysis.addSeries(seriesAnalysis);
        }
        return analysis.build();
    }

    // An accepted instance is analysed frame by frame; a rejected one is reported once.
    private static void addImages(SeriesAnalysis.Builder series, StudyRecord.InstanceRecord instance) {
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
            series.addImages(ImageAnalysis.newBuilder()
                    .setSopInstanceUid(instance.sopInstanceUid())
                    .setInstanceNumber(instance.instanceNumber())
                    .setFrame(frame)
                    .setRows(instance.rows())
                    .setColumns(instance.columns())
                    .setStatus(accepted));
        }
    }
}
