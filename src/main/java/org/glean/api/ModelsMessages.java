package org.glean.api;

import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.ModelVersion;
import org.glean.training.ModelVersionInfo;

/** Fine-tuning jobs and model versions as the Models service's messages. */
final class ModelsMessages {

    private ModelsMessages() {
    }

    static FineTuneJob of(org.glean.training.FineTuneJob job) {
        FineTuneJob.Builder message = FineTuneJob.newBuilder()
                .setJobId(job.id())
                .setState(FineTuneJob.State.valueOf(job.state().name()))
                .setTrigger(FineTuneJob.Trigger.valueOf(job.trigger().name()))
                .setRequestedBy(job.requestedBy())
                .setParentVersion(job.parentVersion() == null ? "" : job.parentVersion())
                .setEpochs(job.epochs())
                .setLearningRate(job.learningRate())
                .setEpoch(job.epoch())
                .setStep(job.step())
                .setLoss(Double.isNaN(job.loss()) ? 0 : job.loss())
                .setImagesPerSecond(job.imagesPerSecond())
                .setCreatedAt(CurationMessages.timestamp(job.createdAt()));
        if (job.trainingImages() != null) {
            message.setTrainingImages(job.trainingImages())
                    .setValidationImages(job.validationImages())
                    .setValidationStudies(job.validationStudies());
        }
        if (job.validationMap() != null) {
            message.setValidationMap(job.validationMap());
        }
        if (job.currentMap() != null) {
            message.setCurrentMap(job.currentMap());
        }
        if (job.candidateVersion() != null) {
            message.setCandidateVersion(job.candidateVersion());
        }
        if (job.outcome() != null) {
            message.setOutcome(FineTuneJob.Outcome.valueOf(job.outcome().name()));
        }
        if (job.reason() != null) {
            message.setReason(job.reason());
        }
        if (job.finishedAt() != null) {
            message.setFinishedAt(CurationMessages.timestamp(job.finishedAt()));
        }
        return message.build();
    }

    static ModelVersion of(ModelVersionInfo version) {
        ModelVersion.Builder message = ModelVersion.newBuilder()
                .setVersionId(version.versionId())
                .setState(ModelVersion.State.valueOf(version.state().name()))
                .setSource(version.source())
                .setParentVersion(version.parentVersion() == null ? "" : version.parentVersion())
                .setRolledBack(version.rolledBack())
                .addAllClasses(version.classes())
                .setRegisteredAt(CurationMessages.timestamp(version.registeredAt()));
        if (version.validationMap() != null) {
            message.setValidationMap(version.validationMap());
        }
        if (version.trainingAnnotations() != null) {
            message.setTrainingAnnotations(version.trainingAnnotations());
        }
        if (version.candidateReason() != null) {
            message.setCandidateReason(version.candidateReason());
        }
        if (version.retiredAt() != null) {
            message.setRetiredAt(CurationMessages.timestamp(version.retiredAt()));
        }
        return message.build();
    }
}
