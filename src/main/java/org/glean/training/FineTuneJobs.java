package org.glean.training;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.glean.curation.AnnotationSubmitted;
import org.glean.curation.CurationService;
import org.glean.detector.Detector;
import org.glean.dicom.DicomReader;
import org.glean.inference.InferenceConfig;
import org.glean.inference.ModelFiles;
import org.glean.inference.ModelRegistry;
import org.glean.inference.ModelsConfig;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyRepository;
import org.glean.security.Actor;
import org.jboss.logging.Logger;

/**
 * Fine-tuning jobs: started by hand or after glean.training.auto-fine-tune-after new annotations,
 * run one at a time on a background thread (the database refuses a second RUNNING job, across
 * replicas), recorded in PostgreSQL with their progress, and judged by the {@link PromotionGate}
 * at the end. A job that was running when its server stopped is marked FAILED by the next server
 * to start, or by a replica asked to start a job while it is recorded as running; a job that
 * another replica runs is left alone (it holds the job's advisory lock). A finished job is found
 * as it ended.
 */
@ApplicationScoped
public class FineTuneJobs {

    private static final Logger LOG = Logger.getLogger(FineTuneJobs.class);
    static final String INTERRUPTED = "interrupted: the server stopped while the job ran; start it again";
    static final String GONE = "interrupted: the server that ran the job is gone; start it again";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int MAX_EPOCHS = 1000;

    private final FineTuneJobRepository jobs;
    private final FineTuneConfig config;
    private final Path modelsDir;
    private final ModelRegistry registry;
    private final ModelPromotion promotion;
    private final FineTuneRun training;
    // Its own thread, not @Scheduled: it runs each job when it is started, one at a time.
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "glean-fine-tune");
        thread.setDaemon(true);
        return thread;
    });
    // The latest state of the jobs this process runs, and who watches them.
    private final Map<Long, FineTuneJob> running = new ConcurrentHashMap<>();
    private final Map<Long, List<Consumer<FineTuneJob>>> watchers = new ConcurrentHashMap<>();
    // Set once the server stops: whatever a job fails of then, it failed for the stop.
    private volatile boolean stopping;

    FineTuneJobs(FineTuneJobRepository jobs, FineTuneConfig config, ModelsConfig models, ModelRegistry registry,
                 ModelPromotion promotion, CurationService curation, StudyRepository studies,
                 InstanceStore store, DicomReader reader, InferenceConfig inference) {
        this.jobs = jobs;
        this.config = config;
        this.modelsDir = models.dir();
        this.registry = registry;
        this.promotion = promotion;
        this.training = new FineTuneRun(new SubmittedAnnotations(curation, studies, store, reader, config),
                new HeldOutSplit(config.heldOutShare()), config, inference.objectThreshold());
    }

    void onStart(@Observes StartupEvent event) {
        failInterruptedJobs();
    }

    /**
     * Marks FAILED every job recorded as RUNNING whose server is gone: at start-up, such a job was
     * running when its server stopped, and nothing runs it any more. Jobs running on other
     * replicas stay.
     */
    public void failInterruptedJobs() {
        int interrupted = jobs.failRunning(INTERRUPTED);
        if (interrupted > 0) {
            LOG.warnf("%d fine-tuning job(s) were running when the server stopped; marked FAILED", interrupted);
        }
    }

    /**
     * Starts a job from the current version; it runs in the background. The start is recorded in
     * the audit trail with the job.
     *
     * @param epochs       null for glean.training.epochs
     * @param learningRate null for glean.training.learning-rate
     * @throws TrainingRefusedException when a job runs already or no model is current
     * @throws IllegalArgumentException for an empty requester or settings out of range
     */
    public FineTuneJob start(FineTuneJob.Trigger trigger, Actor requestedBy, Integer epochs, Double learningRate)
            throws TrainingRefusedException {
        int passes = epochs == null ? config.epochs() : epochs;
        double rate = learningRate == null ? config.learningRate() : learningRate;
        if (passes < 1 || passes > MAX_EPOCHS || !(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("epochs must be 1 to " + MAX_EPOCHS + " and learning_rate above 0 and at "
                    + "most 1, got " + passes + " and " + rate);
        }
        promotion.refuseRemoteMode();
        String parent = registry.currentVersionId();
        if (parent == null) {
            throw new TrainingRefusedException("no model is current, so there is nothing to fine-tune; install one "
                    + "under glean.models.dir");
        }
        ModelFiles parentFiles = registry.files(parent).orElseThrow(() -> new IllegalStateException(
                "the current model version " + parent + " is not installed here"));
        Optional<FineTuneJobRepository.StartedJob> started = jobs.insertRunning(trigger, requestedBy, parent, passes,
                rate);
        if (started.isEmpty() && jobs.failRunning(GONE) > 0) {
            // the running job's replica was killed while the others stayed up; none of them restarted to notice
            LOG.warn("A fine-tuning job whose server is gone was still recorded as running; marked FAILED");
            started = jobs.insertRunning(trigger, requestedBy, parent, passes, rate);
        }
        FineTuneJob job = started.map(FineTuneJobRepository.StartedJob::job)
                .orElseThrow(() -> new TrainingRefusedException(jobs.running()
                        .map(other -> "fine-tuning job " + other.id() + " is running; watch it (Models.WatchJob) and "
                                + "start again once it has ended")
                        .orElse("another fine-tuning job was running; try again")));
        FineTuneJobRepository.RunningLock alive = started.get().lock();
        running.put(job.id(), job);
        LOG.infof("Fine-tuning job %d started (%s, by %s) from model version %s: %d epochs, learning rate %s",
                job.id(), trigger, job.requestedBy(), parent, passes, rate);
        worker.execute(() -> {
            try (alive) {
                run(job, parentFiles);
            }
        });
        return job;
    }

    /**
     * Removes the given UIDs (a deleted study's) from the jobs' recorded reasons, in the
     * caller's transaction; returns how many jobs named one. The jobs' versions stay.
     */
    public int forget(Connection connection, Collection<String> uids) throws SQLException {
        return jobs.forget(connection, uids);
    }

    /**
     * Starts a job if glean.training.auto-fine-tune-after annotations have arrived since the last
     * one. Never throws: the submission that fired the event has succeeded whatever happens here.
     */
    void onAnnotationSubmitted(@Observes AnnotationSubmitted submitted) {
        int threshold = config.autoFineTuneAfter();
        if (threshold <= 0) {
            return;
        }
        try {
            long fresh = jobs.annotationsSinceLastJob();
            if (fresh >= threshold) {
                start(FineTuneJob.Trigger.AUTO, Actor.GLEAN, null, null);
            }
        } catch (TrainingRefusedException e) {
            LOG.infof("Enough new annotations, but no automatic fine-tuning now: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "The automatic fine-tuning could not start");
        }
    }

    /** A handle that stops a watcher from hearing more. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Hands {@code listener} the job now and then every change until it ends. A job that has
     * ended, or runs on another replica, is handed over once, as stored.
     *
     * @throws JobNotFoundException when there is no such job
     */
    public Watch watch(long jobId, Consumer<FineTuneJob> listener) throws JobNotFoundException {
        synchronized (watchers) {
            FineTuneJob now = running.get(jobId);
            if (now == null) {
                listener.accept(jobs.find(jobId).orElseThrow(() -> new JobNotFoundException(
                        "there is no fine-tuning job " + jobId)));
                return () -> { };
            }
            listener.accept(now);
            watchers.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(listener);
        }
        return () -> {
            List<Consumer<FineTuneJob>> list = watchers.get(jobId);
            if (list != null) {
                list.remove(listener);
            }
        };
    }

    /**
     * The job started last, running or ended, with its latest progress; empty before the first.
     * Only one job runs at a time, so a running job is always the last one started.
     */
    public Optional<FineTuneJob> latest() {
        return jobs.latest().map(job -> running.getOrDefault(job.id(), job));
    }

    /** The job as stored. */
    public FineTuneJob job(long jobId) throws JobNotFoundException {
        FineTuneJob now = running.get(jobId);
        if (now != null) {
            return now;
        }
        return jobs.find(jobId).orElseThrow(() -> new JobNotFoundException("there is no fine-tuning job " + jobId));
    }

    private void run(FineTuneJob started, ModelFiles parent) {
        long id = started.id();
        Path workDir = modelsDir.resolve(".fine-tune-job-" + id);
        Path modelDirectory = modelsDir.resolve("fine-tuned-" + STAMP.format(started.createdAt()) + "-job-" + id);
        try {
            Files.createDirectories(workDir);
            FineTuneRun.Result result = training.run(parent, started.epochs(), started.learningRate(), workDir,
                    modelDirectory, new FineTuneRun.Progress() {
                        @Override
                        public void dataLoaded(int trainingImages, int validationImages, int validationStudies) {
                            publish(running.get(id).withData(trainingImages, validationImages, validationStudies));
                        }

                        @Override
                        public void step(int epoch, long step, double loss, double imagesPerSecond) {
                            publish(running.get(id).withStep(epoch, step, loss, imagesPerSecond));
                        }

                        @Override
                        public void epochDone(int epoch, double validationMap) {
                            publish(running.get(id).withValidation(validationMap));
                        }
                    });
            judge(id, parent, result);
        } catch (FineTuneFailedException e) {
            fail(id, stopping ? FineTuneRun.STOPPED : e.getMessage());
        } catch (IOException e) {
            fail(id, stopping ? FineTuneRun.STOPPED : "cannot write under glean.models.dir (" + modelsDir + "): "
                    + e.getMessage() + "; check the folder's permissions and free space");
        } catch (RuntimeException e) {
            if (stopping) {
                fail(id, FineTuneRun.STOPPED);
            } else {
                LOG.errorf(e, "Fine-tuning job %d failed", id);
                fail(id, "the job failed unexpectedly: " + e.getMessage() + "; the server log has the details");
            }
        } finally {
            deleteTree(workDir);
        }
    }

    // The gate: the new version against whichever is current now, on the same held-out frames.
    private void judge(long id, ModelFiles parent, FineTuneRun.Result result) throws IOException {
        ModelFiles candidate = registry.install(result.modelDirectory());
        String current = registry.currentVersionId();
        double currentMap;
        if (current.equals(parent.versionId())) {
            currentMap = result.parentMap();
        } else {
            try (Detector detector = registry.load(current)) {
                currentMap = DetectorEvaluation.meanAveragePrecision(detector, result.validation()).meanAveragePrecision();
            }
        }
        PromotionGate.Verdict verdict = PromotionGate.judge(candidate.versionId(), result.candidateMap(), current,
                currentMap, result.heldOut(), new PromotionGate.Evidence(config.gate().minHeldOutStudies(),
                        config.gate().minHeldOutObjects()));
        promotion.recordOrigin(candidate.versionId(), parent.versionId(), result.candidateMap(), result.annotations(),
                verdict.promote() ? null : verdict.reason());
        if (verdict.promote()) {
            promotion.promoteByGate(candidate.versionId(), verdict.reason());
        }
        LOG.infof("Fine-tuning job %d made model version %s: %s", id, candidate.versionId(), verdict.reason());
        publish(running.get(id).succeeded(candidate.versionId(), result.candidateMap(), currentMap,
                verdict.promote() ? FineTuneJob.Outcome.PROMOTED : FineTuneJob.Outcome.KEPT_AS_CANDIDATE,
                verdict.reason(), finishedNow()));
    }

    private void fail(long id, String reason) {
        LOG.warnf("Fine-tuning job %d failed: %s", id, reason);
        publish(running.get(id).failed(reason, finishedNow()));
    }

    // PostgreSQL keeps microseconds: the job its watchers are told of equals the one read back later.
    private static Instant finishedNow() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // Stores the job's new state and tells its watchers; a finished job leaves the running set.
    private void publish(FineTuneJob job) {
        jobs.save(job);
        synchronized (watchers) {
            if (job.finished()) {
                running.remove(job.id());
            } else {
                running.put(job.id(), job);
            }
            List<Consumer<FineTuneJob>> listeners = job.finished() ? watchers.remove(job.id()) : watchers.get(job.id());
            if (listeners != null) {
                for (Consumer<FineTuneJob> listener : listeners) {
                    try {
                        listener.accept(job);
                    } catch (RuntimeException e) {
                        listeners.remove(listener);
                        LOG.debugf("A watcher of fine-tuning job %d went away: %s", job.id(), e.getMessage());
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warnf("Could not remove the work folder %s: %s", root, e.getMessage());
        }
    }

    /**
     * Asks the job running here, if any, to stop, and returns at once: a stopping server records it
     * FAILED while its database is still there ({@link #awaitStopped}), so that another replica
     * that stays up can start the next job.
     */
    public void stopRunning() {
        stopping = true;
        worker.shutdownNow();
    }

    /**
     * Waits until the job asked to stop has recorded its end, or the deadline passes; true when
     * none runs here any more.
     */
    public boolean awaitStopped(Instant deadline) throws InterruptedException {
        return worker.awaitTermination(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
                TimeUnit.MILLISECONDS);
    }

    // Without a graceful stop's drain (tests' restarts); a job still running here is marked FAILED
    // by the next server to start.
    @PreDestroy
    void stop() {
        stopRunning();
        try {
            if (!awaitStopped(Instant.now().plusSeconds(30))) {
                LOG.warn("The fine-tuning job did not stop within 30 s; it is marked FAILED at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
