package org.glean.web.console;

import java.time.Instant;
import java.util.List;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationPolicy;
import org.glean.curation.CurationService;
import org.glean.curation.ScoredStudy;
import org.glean.training.FineTuneJob;

/**
 * The JSON of the console's requests, where the domain's records need translating: tasks are
 * named by id, never by a study's UID; a number not measured yet is null; durations are seconds.
 * Model versions and the learning curve are their records as they are.
 */
final class ConsoleJson {

    private ConsoleJson() {
    }

    /**
     * The queue as a curator sees it.
     *
     * @param waiting         how many tasks wait, beyond {@code waitingTasks} too
     * @param waitingTasks    the waiting tasks first in line, the one claimed next first
     * @param claimed         the tasks annotators hold, the lease that ends first first
     * @param latestSubmitted the latest submitted tasks, the latest first
     */
    record Queue(long waiting, List<Task> waitingTasks, List<Task> claimed, List<Task> latestSubmitted) {

        static Queue of(CurationService.Queue queue, CurationService.TasksAtWork work) {
            return new Queue(queue.waiting(), tasks(queue.tasks()), tasks(work.claimed()),
                    tasks(work.latestSubmitted()));
        }

        private static List<Task> tasks(List<AnnotationTask> tasks) {
            return tasks.stream().map(Task::of).toList();
        }
    }

    /**
     * One annotation task.
     *
     * @param informativeness null when the model found no object in the study (the lowest there is)
     * @param annotator       who holds it (CLAIMED), held it last (EXPIRED) or submitted it; else null
     */
    record Task(long taskId, String state, Double informativeness, String modelVersion, String annotator,
                Instant leaseExpiresAt, Instant createdAt, Instant submittedAt) {

        static Task of(AnnotationTask task) {
            return new Task(task.id(), task.state().name(),
                    task.informativeness() == ScoredStudy.ScoredImage.NO_OBJECTS ? null : task.informativeness(),
                    task.modelVersion(), task.annotatorId(), task.leaseExpiresAt(), task.createdAt(),
                    task.submittedAt());
        }
    }

    /**
     * The curation policy in force.
     *
     * @param informativenessThreshold null: no threshold
     * @param budgetPerPeriod          0: no budget
     */
    record Policy(long version, Double informativenessThreshold, int budgetPerPeriod, long budgetPeriodSeconds,
                  String changedBy, Instant changedAt) {

        static Policy of(CurationPolicy policy) {
            return new Policy(policy.version(), policy.informativenessThreshold(), policy.budgetPerPeriod(),
                    policy.budgetPeriod().toSeconds(), policy.changedBy(), policy.changedAt());
        }
    }

    /** A new policy, as the console's form sends it; every field is required, the threshold may be null. */
    record PolicyChange(Double informativenessThreshold, Integer budgetPerPeriod, Long budgetPeriodSeconds) {
    }

    /** Why a version is promoted or rolled back to; required. */
    record Reason(String reason) {
    }

    /** A fine-tuning job to start; null for the server's setting. */
    record JobRequest(Integer epochs, Double learningRate) {
    }

    /**
     * A fine-tuning job with its latest progress, as {@link FineTuneJob} describes it.
     *
     * @param loss null before the first step
     */
    record Job(long jobId, String state, String trigger, String requestedBy, String parentVersion, int epochs,
               double learningRate, Integer trainingImages, Integer validationImages, Integer validationStudies,
               int epoch, long step, Double loss, double imagesPerSecond, Double validationMap, Double currentMap,
               String candidateVersion, String outcome, String reason, Instant createdAt, Instant finishedAt) {

        static Job of(FineTuneJob job) {
            return new Job(job.id(), job.state().name(), job.trigger().name(), job.requestedBy(), job.parentVersion(),
                    job.epochs(), job.learningRate(), job.trainingImages(), job.validationImages(),
                    job.validationStudies(), job.epoch(), job.step(), Double.isNaN(job.loss()) ? null : job.loss(),
                    job.imagesPerSecond(), job.validationMap(), job.currentMap(), job.candidateVersion(),
                    job.outcome() == null ? null : job.outcome().name(), job.reason(), job.createdAt(),
                    job.finishedAt());
        }
    }
}
