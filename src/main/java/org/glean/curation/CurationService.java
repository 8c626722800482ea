package org.glean.curation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.glean.curation.CurationDecision.Outcome;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.curation.ScoredStudy.ScoredImage;
import org.glean.inference.StudyDecider;
import org.glean.inference.StudyScores;
import org.glean.persistence.Jdbc;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.security.Caller;
import org.glean.security.Role;
import org.glean.security.SameTransaction;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * Curation: decides which scored studies are annotated, under the policy in force, and runs the
 * annotation tasks. All state lives in PostgreSQL, so that several server replicas share one
 * queue: decisions and policy changes take one advisory lock (they are rare, and the budget
 * count must not be raced), claims take the first waiting task that no other transaction holds
 * ({@code FOR UPDATE SKIP LOCKED}), and every other change locks its task's row. Times come from
 * the database's clock, which all replicas share. A lease that ran out is noticed at the start
 * of every call (no timer), and the task goes back to the queue as EXPIRED.
 */
@ApplicationScoped
public class CurationService implements StudyDecider {

    private static final Logger LOG = Logger.getLogger(CurationService.class);
    private static final int MAX_SKIP_REASON = 1000;
    /** The most tasks of each kind one read of the queue lists. */
    public static final int MAX_QUEUE_READ = 1000;

    private final DataSource dataSource;
    private final PolicyRepository policies;
    private final DecisionRepository decisions;
    private final TaskRepository tasks;
    private final TaskImageRepository images;
    private final CurationConfig config;
    private final AuditTrail trail;
    private final Event<AnnotationSubmitted> annotationSubmitted;

    CurationService(DataSource dataSource, PolicyRepository policies, DecisionRepository decisions,
            TaskRepository tasks, TaskImageRepository images, CurationConfig config, AuditTrail trail,
            Event<AnnotationSubmitted> annotationSubmitted) {
        this.dataSource = dataSource;
        this.policies = policies;
        this.decisions = decisions;
        this.tasks = tasks;
        this.images = images;
        this.config = config;
        this.trail = trail;
        this.annotationSubmitted = annotationSubmitted;
    }

    /** The database failed; nothing of the call was written. */
    static final class CurationStorageException extends RuntimeException {
        CurationStorageException(SQLException cause) {
            super("curation storage failed: " + cause.getMessage(), cause);
        }
    }

    // One transaction of the repositories' statements; commits when it returns, rolls back when it throws.
    private <T, E extends Exception> T inTransaction(Jdbc.Work<T, E> work) throws E {
        try {
            return Jdbc.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new CurationStorageException(e);
        }
    }

    /**
     * Decides whether a scored study is annotated, records the decision with the policy in
     * force and, when queued, creates its task with the model's objects as pre-annotations.
     * Deciding again for the same study and model version returns the recorded decision.
     *
     * @param classNames the scoring model's classes (its manifest's), kept with the task: the
     *     labels an annotator may use
     * @throws IllegalArgumentException when the study names no model version, has no image, no
     *     class is named, or a pre-annotation's label is not among {@code classNames}
     */
    public CurationDecision decide(ScoredStudy study, List<String> classNames) {
        return decide(study, classNames, connection -> { });
    }

    /** Decides on an analysis in the transaction that stores it, for inference: see {@link StudyDecider}. */
    @Override
    public CurationDecision decide(String studyInstanceUid, StudyScores scores, SameTransaction analysis) {
        return decide(ScoredStudy.of(studyInstanceUid, scores), scores.classes(), analysis);
    }

    /**
     * As {@link #decide(ScoredStudy, List)}, with {@code alongside} written first in the same
     * transaction — the analysis the decision is taken on — so that neither is stored without the
     * other and one commit pays for both.
     */
    public CurationDecision decide(ScoredStudy study, List<String> classNames, SameTransaction alongside) {
        checkScored(study, classNames);
        CurationDecision decision = inTransaction(connection -> {
            alongside.write(connection);
            decisions.lock(connection);
            Optional<CurationDecision> earlier = decisions.find(connection, study.studyInstanceUid(),
                    study.modelVersion());
            if (earlier.isPresent()) {
                return earlier.get();
            }
            Instant now = Jdbc.now(connection);
            CurationPolicy policy = policies.current(connection);
            Selection selection = select(connection, policy, study, now);
            Long taskId = selection.openTaskId();
            if (selection.outcome() == Outcome.QUEUED) {
                taskId = tasks.insertTask(connection, study, classNames, now, selection.reason());
                if (selection.displacedTaskId() != null) {
                    tasks.displace(connection, selection.displacedTaskId(), taskId, policy);
                }
            }
            CurationDecision made = new CurationDecision(study.studyInstanceUid(), study.modelVersion(),
                    study.informativeness(), selection.outcome(), selection.reason(), taskId, policy, now);
            decisions.insert(connection, made);
            return made;
        });
        LOG.infof("Study %s under model %s: %s (%s)", UidReference.of(study.studyInstanceUid()), study.modelVersion(),
                decision.outcome(), decision.reason());
        return decision;
    }

    /**
     * After a new model version has scored a study again: its task, if it still waits in the
     * queue (QUEUED or EXPIRED, not claimed), takes the new informativeness and pre-annotations,
     * so that the queue orders it under the new version. A claimed or finished task keeps what
     * its annotator saw.
     *
     * @return whether a waiting task was rescored
     */
    public boolean rescoreWaiting(ScoredStudy study, List<String> classNames) {
        checkScored(study, classNames);
        boolean rescored = inTransaction(connection -> {
            Optional<AnnotationTask> open = tasks.openTask(connection, study.studyInstanceUid());
            if (open.isEmpty()) {
                return false;
            }
            AnnotationTask task;
            try {
                task = tasks.lockTask(connection, open.get().id());
            } catch (TaskNotFoundException e) {
                throw new IllegalStateException("task " + open.get().id() + " vanished; tasks are never deleted", e);
            }
            // claimed between the look-up and the lock: its annotator keeps what they saw
            if (task.state() != TaskState.QUEUED && task.state() != TaskState.EXPIRED) {
                return false;
            }
            tasks.rescore(connection, task, study, classNames);
            return true;
        });
        if (rescored) {
            LOG.infof("Study %s rescored in the queue under model %s: informativeness %s",
                    UidReference.of(study.studyInstanceUid()),
                    study.modelVersion(), describeInformativeness(study.informativeness()));
        }
        return rescored;
    }

    /** The recorded decision for a study under a model version, if one was taken. */
    public Optional<CurationDecision> decision(String studyInstanceUid, String modelVersion) {
        return inTransaction(connection -> decisions.find(connection, studyInstanceUid, modelVersion));
    }

    /** The policy in force. */
    public CurationPolicy policy() {
        return inTransaction(policies::current);
    }

    /** Puts a new policy in force for every later decision, and records who did it. */
    public CurationPolicy setPolicy(CurationPolicy.Change change) {
        CurationPolicy policy = inTransaction(connection -> {
            decisions.lock(connection);
            return policies.insert(connection, change);
        });
        LOG.infof("Curation %s set by %s", policy.describe(), policy.changedBy());
        return policy;
    }

    /** A curator's look at the queue: the waiting tasks first in line, and how many wait. */
    public record Queue(List<AnnotationTask> tasks, long waiting) {

        public Queue {
            tasks = List.copyOf(tasks);
        }
    }

    /** A curator's look at the work under way: tasks held now, and the latest submitted. */
    public record TasksAtWork(List<AnnotationTask> claimed, List<AnnotationTask> latestSubmitted) {

        public TasksAtWork {
            claimed = List.copyOf(claimed);
            latestSubmitted = List.copyOf(latestSubmitted);
        }
    }

    /**
     * The waiting tasks as {@link #queue(int)} lists them, at most {@code limit}, and how many
     * wait; the read is recorded in the audit trail as the reader's QUEUE_READ.
     *
     * @throws IllegalArgumentException when {@code limit} is not 1 to {@value #MAX_QUEUE_READ}
     */
    public Queue readQueue(Actor reader, long limit) {
        List<AnnotationTask> first = queue(checkedLimit(limit));
        long waiting = waitingCount();
        trail.append(AuditEntry.of(reader, AuditAction.QUEUE_READ).detail(first.size() + " of " + waiting
                + " waiting tasks"));
        return new Queue(first, waiting);
    }

    /**
     * CLAIMED tasks, the lease that ends first first, and the latest SUBMITTED ones, at most
     * {@code limit} of each, without images or history; the read is recorded in the audit trail
     * as the reader's QUEUE_READ.
     *
     * @throws IllegalArgumentException when {@code limit} is not 1 to {@value #MAX_QUEUE_READ}
     */
    public TasksAtWork readTasksAtWork(Actor reader, long limit) {
        int most = checkedLimit(limit);
        expireLeases();
        TasksAtWork work = inTransaction(connection -> new TasksAtWork(tasks.claimedTasks(connection, most),
                tasks.latestSubmittedTasks(connection, most)));
        trail.append(AuditEntry.of(reader, AuditAction.QUEUE_READ).detail(work.claimed().size() + " claimed and "
                + work.latestSubmitted().size() + " latest submitted tasks"));
        return work;
    }

    private static int checkedLimit(long limit) {
        if (limit < 1 || limit > MAX_QUEUE_READ) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_QUEUE_READ + ", got " + limit);
        }
        return (int) limit;
    }

    /**
     * Waiting tasks (QUEUED, EXPIRED) in the order they are claimed, without images or history.
     *
     * @param limit at most this many
     */
    public List<AnnotationTask> queue(int limit) {
        expireLeases();
        return inTransaction(connection -> tasks.waitingTasks(connection, limit));
    }

    /** Number of waiting tasks. */
    public long waitingCount() {
        return inTransaction(tasks::waitingCount);
    }

    /**
     * Leases the most informative waiting task to an annotator.
     *
     * @param lease how long; null for glean.curation.lease-duration
     * @return the claimed task, or empty when none waits
     * @throws IllegalArgumentException for an empty annotator id or a lease out of range
     */
    public Optional<AnnotationTask> claimNext(Actor annotatorId, Duration lease) {
        Actor annotator = Actors.require("annotator_id", annotatorId);
        Duration leaseDuration = checkedLease(lease);
        expireLeases();
        return inTransaction(connection -> {
            Optional<Long> claimed = tasks.claimFirstWaiting(connection, annotator, leaseDuration);
            return claimed.isEmpty() ? Optional.empty() : tasks.findTask(connection, claimed.get());
        });
    }

    /** A task with its images and history. */
    public AnnotationTask task(long taskId) throws TaskNotFoundException {
        expireLeases();
        return inTransaction(connection -> tasks.findTask(connection, taskId))
                .orElseThrow(() -> new TaskNotFoundException(taskId));
    }

    /**
     * A task with its images and history, for a reader: annotators read the tasks they hold or
     * submitted; curators (and admins) every task.
     */
    public AnnotationTask taskReadBy(long taskId, Caller reader) throws TaskNotFoundException, TaskNotYoursException {
        AnnotationTask task = task(taskId);
        if (!reader.mayActAs(Set.of(Role.CURATOR)) && !reader.subject().equals(task.annotatorId())) {
            throw new TaskNotYoursException("task " + task.id() + " is not " + reader.subject()
                    + "'s: annotators read the tasks they hold or submitted");
        }
        return task;
    }

    /**
     * Records the annotator's boxes and completes the task. A frame of the task that is not
     * listed has no findings.
     */
    public AnnotationTask submit(long taskId, Actor annotatorId, List<ImageAnnotation> annotations)
            throws CurationException {
        Actor annotator = Actors.require("annotator_id", annotatorId);
        expireLeases();
        AnnotationTask submitted = inTransaction(connection -> {
            AnnotationTask task = heldBy(connection, taskId, annotator);
            List<String> problems = SubmissionCheck.problems(task, annotations);
            if (!problems.isEmpty()) {
                throw new InvalidAnnotationException(taskId, problems);
            }
            int boxes = annotations.stream().mapToInt(image -> image.boxes().size()).sum();
            images.recordAnnotation(connection, task, annotations);
            tasks.transition(connection, task, TaskState.SUBMITTED, annotator, AuditAction.SUBMITTED,
                    boxes + " box(es) on " + annotations.stream().filter(image -> !image.boxes().isEmpty()).count()
                            + " of " + task.images().size() + " frame(s)");
            return tasks.findTask(connection, taskId).orElseThrow();
        });
        annotationSubmitted.fire(new AnnotationSubmitted(submitted.id(), submitted.studyInstanceUid()));
        return submitted;
    }

    /**
     * Extends the annotator's lease on a task they hold to {@code lease} from now (null for
     * glean.curation.lease-duration); a lease that already ran out cannot be renewed.
     */
    public AnnotationTask renewLease(long taskId, Actor annotatorId, Duration lease) throws CurationException {
        Actor annotator = Actors.require("annotator_id", annotatorId);
        Duration leaseDuration = checkedLease(lease);
        expireLeases();
        return inTransaction(connection -> {
            AnnotationTask task = heldBy(connection, taskId, annotator);
            tasks.renewLease(connection, task, annotator, leaseDuration);
            return tasks.findTask(connection, taskId).orElseThrow();
        });
    }

    /** Gives a claimed task back to the queue. */
    public AnnotationTask release(long taskId, Actor annotatorId) throws CurationException {
        Actor annotator = Actors.require("annotator_id", annotatorId);
        expireLeases();
        return inTransaction(connection -> {
            AnnotationTask task = heldBy(connection, taskId, annotator);
            tasks.transition(connection, task, TaskState.QUEUED, annotator, AuditAction.RELEASED,
                    "given back to the queue");
            return tasks.findTask(connection, taskId).orElseThrow();
        });
    }

    /** Completes a claimed task without annotation, for a reason. */
    public AnnotationTask skip(long taskId, Actor annotatorId, String reason) throws CurationException {
        Actor annotator = Actors.require("annotator_id", annotatorId);
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_SKIP_REASON) {
            throw new IllegalArgumentException("reason is required to skip a task (at most " + MAX_SKIP_REASON
                    + " characters)");
        }
        expireLeases();
        return inTransaction(connection -> {
            AnnotationTask task = heldBy(connection, taskId, annotator);
            tasks.transition(connection, task, TaskState.SKIPPED, annotator, AuditAction.SKIPPED, why);
            return tasks.findTask(connection, taskId).orElseThrow();
        });
    }

    /** What deleting a study's tasks removed: every task, and of them the submitted ones. */
    public record DeletedTasks(int tasks, int submitted) {
    }

    /**
     * Deletes every task of a study, whatever its state, with its frames, annotations and
     * decisions, in the caller's transaction (the study's deletion). Their history stays in the
     * audit trail, which names the study only by a hash.
     */
    public DeletedTasks deleteTasksOf(Connection connection, String studyInstanceUid) throws SQLException {
        decisions.deleteOfStudy(connection, studyInstanceUid);
        return tasks.deleteOfStudy(connection, studyInstanceUid);
    }

    /** Number of SUBMITTED tasks. */
    public long submittedCount() {
        return inTransaction(tasks::submittedCount);
    }

    /** Hands every SUBMITTED task, oldest submission first, to {@code consumer}, one at a time. */
    public void forEachSubmitted(Consumer<AnnotationTask> consumer) {
        for (long taskId : inTransaction(tasks::submittedTaskIds)) {
            consumer.accept(inTransaction(connection -> tasks.findTask(connection, taskId)).orElseThrow());
        }
    }

    /** Whether a SUBMITTED task has a frame of this instance. */
    public boolean isInSubmittedTask(String sopInstanceUid) {
        return inTransaction(connection -> images.isInSubmittedTask(connection, sopInstanceUid));
    }

    /** Puts every task whose lease ran out back into the queue as EXPIRED; returns how many. */
    public int expireLeases() {
        int expired = inTransaction(tasks::expireLeases);
        if (expired > 0) {
            LOG.infof("%d annotation lease(s) ran out; the tasks wait in the queue again", expired);
        }
        return expired;
    }

    /** The outcome of the policy for one study, before anything is written. */
    private record Selection(Outcome outcome, String reason, Long openTaskId, Long displacedTaskId) {

        static Selection queued(String reason) {
            return new Selection(Outcome.QUEUED, reason, null, null);
        }

        static Selection notQueued(String reason) {
            return new Selection(Outcome.NOT_QUEUED, reason, null, null);
        }
    }

    // The policy's rules in order: one open task per study, a study annotated once, the
    // threshold, then the budget, within which a more informative study displaces the least
    // informative one still waiting.
    private Selection select(Connection connection, CurationPolicy policy, ScoredStudy study, Instant now)
            throws SQLException {
        String informativeness = describeInformativeness(study.informativeness());
        Optional<AnnotationTask> open = tasks.openTask(connection, study.studyInstanceUid());
        if (open.isPresent()) {
            return new Selection(Outcome.ALREADY_OPEN, "task " + open.get().id() + " (" + open.get().state()
                    + ") is already open for this study", open.get().id(), null);
        }
        Optional<Long> submitted = tasks.submittedTask(connection, study.studyInstanceUid());
        if (submitted.isPresent()) {
            return Selection.notQueued("the study was annotated already, in task " + submitted.get());
        }
        Double threshold = policy.informativenessThreshold();
        if (threshold != null && study.informativeness() < threshold) {
            return Selection.notQueued(informativeness + " is below the threshold " + threshold + " of "
                    + policy.describe());
        }
        if (!policy.hasBudget()) {
            return Selection.queued(informativeness + " selected under " + policy.describe());
        }
        Instant periodStart = policy.periodStart(now);
        Instant periodEnd = periodStart.plus(policy.budgetPeriod());
        long used = tasks.budgetUsed(connection, periodStart, periodEnd);
        String period = "the period from " + periodStart + " to " + periodEnd;
        if (used < policy.budgetPerPeriod()) {
            return Selection.queued(informativeness + " selected as task " + (used + 1) + " of "
                    + policy.budgetPerPeriod() + " in " + period + " under " + policy.describe());
        }
        Optional<AnnotationTask> weakest = tasks.leastInformativeWaiting(connection, periodStart, periodEnd);
        if (weakest.isPresent() && study.informativeness() > weakest.get().informativeness()) {
            return new Selection(Outcome.QUEUED, informativeness + " beats task " + weakest.get().id()
                    + " (informativeness " + weakest.get().informativeness() + "), which it displaces: the budget of "
                    + policy.budgetPerPeriod() + " tasks for " + period + " is spent under " + policy.describe(),
                    null, weakest.get().id());
        }
        return Selection.notQueued("the budget of " + policy.budgetPerPeriod() + " tasks for " + period
                + " is spent under " + policy.describe() + ", and " + (weakest.isPresent()
                        ? "the least informative waiting task " + weakest.get().id() + " has informativeness "
                                + weakest.get().informativeness() + " ≥ " + study.informativeness()
                        : "every task of the period is claimed or done"));
    }

    // The task, locked, when this annotator holds its lease; otherwise why not.
    private AnnotationTask heldBy(Connection connection, long taskId, Actor annotator)
            throws SQLException, CurationException {
        AnnotationTask task = tasks.lockTask(connection, taskId);
        String name = "task " + taskId;
        switch (task.state()) {
            case CLAIMED -> {
                if (!task.annotatorId().equals(annotator.name())) {
                    throw new TaskNotYoursException(name + " is claimed by another annotator, not by "
                            + annotator.name());
                }
                if (!task.leaseExpiresAt().isAfter(Jdbc.now(connection))) {
                    throw new LeaseExpiredException(name + ": the lease of " + annotator.name() + " ran out at "
                            + task.leaseExpiresAt() + "; claim a task again");
                }
                return task;
            }
            case QUEUED -> throw new TaskStateException(name + " is not claimed; claim it with ClaimNextTask first");
            case EXPIRED -> throw new LeaseExpiredException(name + ": its lease ran out and it waits in the queue again; "
                    + "claim it with ClaimNextTask to work on it");
            default -> throw new TaskStateException(name + " is " + task.state() + " already; it takes no more changes");
        }
    }

    // A lease asked for (null: the configured default), within glean.curation.max-lease-duration.
    private Duration checkedLease(Duration lease) {
        Duration leaseDuration = lease == null ? config.leaseDuration() : lease;
        if (leaseDuration.isNegative() || leaseDuration.isZero()
                || leaseDuration.compareTo(config.maxLeaseDuration()) > 0) {
            throw new IllegalArgumentException("lease must be positive and at most " + config.maxLeaseDuration()
                    + " (glean.curation.max-lease-duration), got " + leaseDuration);
        }
        return leaseDuration;
    }

    private static void checkScored(ScoredStudy study, List<String> classNames) {
        String name = "study " + UidReference.of(study.studyInstanceUid());
        if (study.modelVersion() == null || study.modelVersion().isBlank()) {
            throw new IllegalArgumentException(name + " names no model version");
        }
        if (study.images().isEmpty()) {
            throw new IllegalArgumentException(name + " has no scored image");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("the model that scored " + name + " names no classes");
        }
        Set<String> classes = Set.copyOf(classNames);
        Set<String> unknown = study.images().stream()
                .flatMap(image -> image.objects().stream())
                .map(PreAnnotation::label)
                .filter(label -> !classes.contains(label))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": objects labelled " + unknown
                    + " are not among the model's classes " + classNames);
        }
    }

    private static String describeInformativeness(double informativeness) {
        return informativeness == ScoredImage.NO_OBJECTS ? "no object found (lowest informativeness)"
                : "informativeness " + informativeness;
    }
}
