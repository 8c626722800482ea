package org.glean.training;

import java.time.Instant;

/**
 * A fine-tuning job as stored, with its latest progress.
 *
 * @param parentVersion     the version it trains from
 * @param trainingImages    frames trained on; null until the data is loaded
 * @param validationImages  held-out frames; null until the data is loaded
 * @param validationStudies held-out studies; null until the data is loaded
 * @param epoch             1-based epoch under way or just finished; 0 before the first step
 * @param step              updates so far
 * @param loss              loss of the latest step; NaN before the first
 * @param imagesPerSecond   throughput of the current epoch so far
 * @param validationMap     held-out mAP@0.5 after the latest finished epoch; null before
 * @param currentMap        held-out mAP@0.5 of the version current at the gate; null before
 * @param candidateVersion  the version it made; null until written
 * @param outcome           set when SUCCEEDED
 * @param reason            the gate's verdict when SUCCEEDED, what went wrong when FAILED
 * @param finishedAt        null while RUNNING
 */
public record FineTuneJob(long id, State state, Trigger trigger, String requestedBy, String parentVersion,
                          int epochs, double learningRate, Integer trainingImages, Integer validationImages,
                          Integer validationStudies, int epoch, long step, double loss, double imagesPerSecond,
                          Double validationMap, Double currentMap, String candidateVersion, Outcome outcome,
                          String reason, Instant createdAt, Instant finishedAt) {

    public enum State { RUNNING, SUCCEEDED, FAILED }

    public enum Trigger { MANUAL, AUTO }

    public enum Outcome { PROMOTED, KEPT_AS_CANDIDATE }

    public boolean finished() {
        return state != State.RUNNING;
    }

    FineTuneJob withData(int training, int validation, int studies) {
        return new FineTuneJob(id, state, trigger, requestedBy, parentVersion, epochs, learningRate, training,
                validation, studies, epoch, step, loss, imagesPerSecond, validationMap, currentMap, candidateVersion,
                outcome, reason, createdAt, finishedAt);
    }

    FineTuneJob withStep(int epoch, long step, double loss, double imagesPerSecond) {
        return new FineTuneJob(id, state, trigger, requestedBy, parentVersion, epochs, learningRate, trainingImages,
                validationImages, validationStudies, epoch, step, loss, imagesPerSecond, validationMap, currentMap,
                candidateVersion, outcome, reason, createdAt, finishedAt);
    }

    FineTuneJob withValidation(double map) {
        return new FineTuneJob(id, state, trigger, requestedBy, parentVersion, epochs, learningRate, trainingImages,
                validationImages, validationStudies, epoch, step, loss, imagesPerSecond, map, currentMap,
                candidateVersion, outcome, reason, createdAt, finishedAt);
    }

    /** Finished: the candidate written, judged against the current version's held-out mAP. */
    FineTuneJob succeeded(String candidate, double candidateMap, double current, Outcome result, String verdict,
                          Instant at) {
        return new FineTuneJob(id, State.SUCCEEDED, trigger, requestedBy, parentVersion, epochs, learningRate,
                trainingImages, validationImages, validationStudies, epoch, step, loss, imagesPerSecond, candidateMap,
                current, candidate, result, verdict, createdAt, at);
    }

    FineTuneJob failed(String why, Instant at) {
        return new FineTuneJob(id, State.FAILED, trigger, requestedBy, parentVersion, epochs, learningRate,
                trainingImages, validationImages, validationStudies, epoch, step, loss, imagesPerSecond, validationMap,
                currentMap, candidateVersion, null, why, createdAt, at);
    }
}
