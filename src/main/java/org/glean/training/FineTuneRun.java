package org.glean.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.ModelManifest;
import org.glean.detector.TrainingProgress;
import org.glean.detector.TrainingSettings;
import org.glean.inference.ModelFiles;
import org.jboss.logging.Logger;

/**
 * The training of one fine-tuning job: from the parent version's network, with its loss and
 * augmentation, on the annotated studies outside the held-out share, by a {@link FineTuneSchedule}
 * (updates scaled to the data, the backbone frozen at first) with the initial set's training part
 * replayed in every batch; the held-out studies are evaluated after every round and the round that
 * validates best becomes the new version, written with its parent, its training data and the
 * uncertainty statistics of its objects on the held-out studies. Not thread-safe: one run per job.
 */
final class FineTuneRun {

    /** Why a job that its stopping server cut off failed. */
    static final String STOPPED = "interrupted: the server is stopping; start the job again once it runs";

    private static final Logger LOG = Logger.getLogger(FineTuneRun.class);

    /** What the job hears while it runs. */
    interface Progress {
        void dataLoaded(int trainingImages, int validationImages, int validationStudies);

        void step(int epoch, long step, double loss, double imagesPerSecond);

        void epochDone(int epoch, double validationMap);
    }

    /**
     * A finished run.
     *
     * @param modelDirectory  the new version's directory, complete
     * @param candidateMap    its held-out mAP@0.5
     * @param parentMap       the parent's held-out mAP@0.5, before training
     * @param validation      the held-out frames, for judging another current version
     * @param heldOut         how many studies and objects they hold
     * @param annotations     the submitted annotations it trained and validated on
     */
    record Result(Path modelDirectory, double candidateMap, double parentMap, PreprocessedDataset validation,
                  PromotionGate.Evidence heldOut, int annotations) {
    }

    private final SubmittedAnnotations data;
    private final HeldOutSplit split;
    private final FineTuneConfig config;
    private final double objectThreshold;

    FineTuneRun(SubmittedAnnotations data, HeldOutSplit split, FineTuneConfig config, double objectThreshold) {
        this.data = data;
        this.split = split;
        this.config = config;
        this.objectThreshold = objectThreshold;
    }

    /**
     * Trains from {@code parent} and writes the new version to {@code modelDirectory}.
     *
     * @param workDir a private folder, for the best epoch so far
     * @throws FineTuneFailedException when the data cannot be trained on, training diverges, or the thread is interrupted
     */
    Result run(ModelFiles parent, int epochs, double learningRate, Path workDir, Path modelDirectory, Progress progress)
            throws FineTuneFailedException, IOException {
        ModelManifest parentManifest = parent.manifest();
        List<String> classes = parentManifest.network().classes();
        SubmittedAnnotations.Loaded loaded = data.load(parentManifest.preprocessing(), classes);
        HeldOutSplit.Split parts = split.split(loaded.all());
        // the initial set is replayed apart when there are annotations to learn, else it is the training data
        boolean replaying = config.replayShare() > 0 && loaded.annotated() != null && loaded.initial() != null;
        PreprocessedDataset training = replaying ? split.split(loaded.annotated()).training() : parts.training();
        PreprocessedDataset replay = replaying ? split.split(loaded.initial()).training() : null;
        check(parts, training);
        PreprocessedDataset validation = parts.validation();
        progress.dataLoaded(training.size(), validation.size(), parts.validationStudies().size());

        // the parent's loss and augmentation: a fine-tune varies its images as the model's training did
        TrainingSettings settings = (parentManifest.training() == null ? TrainingSettings.defaults()
                : parentManifest.training()).withLearningRate(learningRate).withWarmupSteps(config.warmupSteps());
        ModelManifest manifest = ModelManifest.describe(parentManifest.network(), parentManifest.preprocessing())
                .withTraining(training.summary(), settings)
                .withParentVersion(parent.versionId());
        FineTuneSchedule schedule = FineTuneSchedule.of(training.size(), config.batchSize(), epochs, config.minSteps(),
                config.maxSteps(), config.backboneFrozenShare());
        LOG.infof("Fine-tuning on %d annotated images (%d initial images replayed at %.0f %% of every batch of %d), "
                + "validated on %d: %d updates, the first %d with the backbone frozen, validation every %d",
                training.size(), replay == null ? 0 : replay.size(), replay == null ? 0.0 : 100 * config.replayShare(),
                config.batchSize(), validation.size(), schedule.steps(), schedule.frozenSteps(), schedule.stepsPerRound());
        TrainingRun run = TrainingRun.fineTune(settings, schedule, config.batchSize(), new Random(config.seed()))
                .replaying(replay, config.replayShare())
                .stoppedWhen(() -> Thread.currentThread().isInterrupted())
                .patience(config.patience())
                .validatedOn(validation, workDir.resolve("best"), manifest);
        double parentMap;
        TrainingRun.Outcome outcome;
        try (Detector detector = DetectorCheckpoint.load(parent.directory()).detector()) {
            parentMap = DetectorEvaluation.meanAveragePrecision(detector, validation).meanAveragePrecision();
            try {
                outcome = run.train(detector, training, new TrainingRun.Listener() {
                    @Override
                    public void step(int epoch, int step, int steps, TrainingProgress p, double imagesPerSecond) {
                        progress.step(epoch, p.step(), p.loss(), imagesPerSecond);
                    }

                    @Override
                    public void epochDone(TrainingRun.EpochSummary epoch, MeanAveragePrecision.Result result) {
                        progress.epochDone(epoch.epoch(), result.meanAveragePrecision());
                    }
                });
            } catch (IllegalStateException e) {
                throw new FineTuneFailedException(e.getMessage() + " (job's learning rate " + learningRate + ")", e);
            }
            if (outcome.end() == TrainingRun.End.STOPPED) {
                throw new FineTuneFailedException(STOPPED);
            }
            run.writeModel(outcome, detector, validation, manifest, objectThreshold, modelDirectory);
        }
        int objects = validation.items().stream().mapToInt(item -> item.truths().size()).sum();
        return new Result(modelDirectory, outcome.bestMap(), parentMap, validation,
                new PromotionGate.Evidence(parts.validationStudies().size(), objects), loaded.annotations());
    }

    // Training needs an object to learn from, validation a study to judge by.
    private void check(HeldOutSplit.Split parts, PreprocessedDataset training) throws FineTuneFailedException {
        int studies = parts.trainingStudies().size() + parts.validationStudies().size();
        String share = Math.round(split.share() * 100) + " %";
        if (parts.validation().size() == 0) {
            throw new FineTuneFailedException("no annotated study falls in the held-out share (" + share + " of " + studies
                    + " stud" + (studies == 1 ? "y" : "ies") + ", chosen by StudyInstanceUID), so the new version could "
                    + "not be validated; annotate more studies or raise glean.training.held-out-share");
        }
        if (training.items().stream().allMatch(item -> item.truths().isEmpty())) {
            throw new FineTuneFailedException("the " + parts.trainingStudies().size() + " annotated stud"
                    + (parts.trainingStudies().size() == 1 ? "y" : "ies") + " outside the held-out share carry no box, "
                    + "so there is nothing to learn; annotate studies with findings");
        }
    }
}
