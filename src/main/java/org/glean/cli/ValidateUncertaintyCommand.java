package org.glean.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.training.DetectorEvaluation;
import org.glean.training.PairAgreement;
import org.glean.training.PreprocessedDataset;
import org.glean.training.ScoringThresholds;
import org.glean.training.StudyValidation;
import org.glean.training.UncertaintyValidation;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.UncertaintyKind;
import org.glean.uncertainty.UncertaintyStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code glean validate-uncertainty}: does the aleatoric score track noise and the epistemic score
 * flag appearance shift, per image and per study, and does the served study score follow the
 * model's error? Loads the probes, calls {@link UncertaintyValidation} and {@link StudyValidation},
 * prints their figures as markdown tables.
 */
@Command(name = "validate-uncertainty", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Checks a model's uncertainties on probe sets made by 'glean synth' (whose coco.json records each image's "
                    + "noise level and shift): Spearman's rho between image score and noise level on --noise-probe "
                    + "(goal: aleatoric >= 0.8), AUROC of shifted vs unshifted images on --shift-probe (goal: "
                    + "epistemic >= 0.85), and of shifted vs unshifted studies (max over a study's images). Images are "
                    + "scored as the server scores them: objects at the object threshold, z-scored with the model's "
                    + "statistics (or --reference's), per-kind maxima, then the two aleatoric (epistemic) maxima combined "
                    + "by --aggregation; an image without objects scores lowest. Only images holding a ground-truth "
                    + "finding count in the image figures. --noise-levels holds the scenes fixed and varies the noise "
                    + "alone: each found object's own rho, and the share of pairs of renderings of an image in which the "
                    + "noisier one scores higher. For every folder, Spearman's rho over all its studies between the "
                    + "served study score and the model's error on the study (1 - F1 of the served detections, IoU 0.5)."})
public final class ValidateUncertaintyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by 'glean train'.")
    Path model;

    @Option(names = "--noise-probe", paramLabel = "DIR", description = "Unshifted images over a range of noise levels.")
    Path noiseProbe;

    @Option(names = "--shift-probe", paramLabel = "DIR", description = "Shifted and unshifted images.")
    Path shiftProbe;

    @Option(names = "--noise-levels", split = ",", paramLabel = "DIR",
            description = "The same scenes rendered at fixed noise levels, at least " + UncertaintyValidation.MIN_LEVELS
                    + " folders, each written by 'glean synth' with the same seed and options and one --noise L:L. "
                    + "Gives the image scores' rho over them and each found object's own rho with the noise.")
    List<Path> noiseLevels;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "Labelled folder whose found objects give the z-score statistics (method.md §5.1: the "
                    + "reference pool), instead of the model's own; for a model saved without them, e.g. by "
                    + "'glean simulate', or to score on another population's scale.")
    Path reference;

    @Option(names = "--aggregation", defaultValue = "MEAN",
            description = "How an image's localization and classification maxima combine: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ImageAggregation aggregation;

    @Mixin
    ScoringThresholdOptions thresholds;

    @Mixin
    EngineThreadsOption engine;

    @Override
    public Integer call() {
        ScoringThresholds settings = thresholds.thresholds();
        if (noiseProbe == null && shiftProbe == null && noiseLevels == null) {
            throw new ParameterException(spec.commandLine(), "give --noise-probe, --shift-probe, --noise-levels or several");
        }
        if (noiseLevels != null && noiseLevels.size() < UncertaintyValidation.MIN_LEVELS) {
            throw new ParameterException(spec.commandLine(), "--noise-levels needs at least " + UncertaintyValidation.MIN_LEVELS
                    + " folders, got " + noiseLevels.size());
        }
        engine.apply();
        try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(model)) {
            UncertaintyStatistics statistics = statistics(checkpoint);
            if (statistics == null) {
                System.err.println(reference != null
                        ? "validate-uncertainty: the model finds no object on --reference " + reference
                                + " at candidate threshold " + thresholds.lowestScore() + ", so it gives no statistics"
                        : "validate-uncertainty: the model has no normalisation statistics (it found no object on its "
                                + "reference set); train it further, or give --reference");
                return 2;
            }
            Detector detector = checkpoint.detector();
            System.out.printf("aggregation %s, object threshold %.2f, candidate threshold %.2f%n",
                    aggregation.name().toLowerCase(), settings.object(), settings.candidate());
            System.out.println("| probe | images with a finding | of them without objects found | aleatoric | epistemic |");
            System.out.println("|---|---|---|---|---|");
            Map<String, StudyValidation.ErrorResult> errors = new LinkedHashMap<>();
            if (noiseProbe != null) {
                UncertaintyValidation.ProbeScores probe = scores(detector, noiseProbe, statistics, settings);
                UncertaintyValidation.NoiseResult noise = UncertaintyValidation.noise(probe.images());
                System.out.printf("| noise: Spearman ρ with noise level | %d | %d | **%s** | %s |%n",
                        noise.images(), noise.withoutObjects(), value(noise.aleatoricRho()), value(noise.epistemicRho()));
                errors.put("--noise-probe " + noiseProbe, StudyValidation.error(probe.studies()));
            }
            if (shiftProbe != null) {
                UncertaintyValidation.ProbeScores probe = scores(detector, shiftProbe, statistics, settings);
                UncertaintyValidation.ShiftResult shift = UncertaintyValidation.shift(probe.images());
                System.out.printf("| shift: AUROC shifted vs not | %d + %d | %d | %.3f | **%.3f** |%n",
                        shift.shifted(), shift.inDistribution(), shift.withoutObjects(), shift.aleatoricAuroc(),
                        shift.epistemicAuroc());
                for (Map.Entry<String, Double> kind : shift.epistemicAurocPerShift().entrySet()) {
                    System.out.printf("| shift %s only: AUROC | | | | %.3f |%n", kind.getKey(), kind.getValue());
                }
                StudyValidation.ShiftResult studies = StudyValidation.shift(probe.studies());
                System.out.printf("| shift per study (max over its images; shifted if any image is): AUROC shifted vs not "
                        + "(goal as per image: epistemic ≥ 0.85) | %d + %d studies | %d studies | %s | **%s** |%n",
                        studies.shifted(), studies.inDistribution(), studies.withoutObjects(), value(studies.aleatoricAuroc()),
                        value(studies.epistemicAuroc()));
                errors.put("--shift-probe " + shiftProbe, StudyValidation.error(probe.studies()));
            }
            UncertaintyValidation.NoiseLevelsResult perObject = null;
            if (noiseLevels != null) {
                UncertaintyValidation.NoiseLevelsReport report = noiseLevels(detector, statistics, settings);
                UncertaintyValidation.NoiseResult pooled = report.images();
                System.out.printf("| the same scenes at %d noise levels: Spearman ρ with noise level | %d | %d | **%s** | %s |%n",
                        noiseLevels.size(), pooled.images(), pooled.withoutObjects(), value(pooled.aleatoricRho()),
                        value(pooled.epistemicRho()));
                PairAgreement pairs = report.pairs();
                System.out.printf("| the same scenes, two noise levels: share of pairs where the noisier rendering has the "
                        + "higher aleatoric image score (ties and pairs without objects count as not; 1 = always) | %d pairs | "
                        + "%d pairs with no object in either | **%s** | |%n",
                        pairs.pairs(), pairs.bothWithoutObjects(), value(pairs.share()));
                perObject = report.objects();
                errors.put("--noise-levels, all renderings", StudyValidation.error(report.studies()));
            }
            if (perObject != null) {
                printPerObject(perObject);
            }
            printErrors(errors);
            return 0;
        } catch (InvalidDatasetException | IOException e) {
            System.err.println("validate-uncertainty: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("validate-uncertainty: cannot validate: " + e.getMessage());
            return 2;
        }
    }

    /** From --reference when given, else the model's own; null when there are none. */
    private UncertaintyStatistics statistics(DetectorCheckpoint checkpoint) throws IOException, InvalidDatasetException {
        if (reference != null) {
            return DetectorEvaluation.uncertaintyStatistics(checkpoint.detector(), load(checkpoint.detector(), reference),
                    thresholds.lowestScore());
        }
        JsonObject own = checkpoint.manifest().normalisationStatistics();
        return own == null ? null : UncertaintyStatistics.fromJson(own.toString());
    }

    /**
     * ρ is undefined when every image scores the same (e.g. when no image has an object) or over fewer
     * than 2 items, an AUROC when a group is empty, a share without pairs.
     */
    private static String value(double statistic) {
        return Double.isNaN(statistic) ? "n/a" : String.format("%.3f", statistic);
    }

    private UncertaintyValidation.ProbeScores scores(Detector detector, Path folder, UncertaintyStatistics statistics,
                                                     ScoringThresholds settings) throws IOException, InvalidDatasetException {
        return UncertaintyValidation.score(detector, load(detector, folder), statistics, aggregation, settings);
    }

    private static PreprocessedDataset load(Detector detector, Path folder) throws IOException, InvalidDatasetException {
        return LabelledFolder.load(folder, null, detector.preprocessing(), detector.config().classes(), loaded -> { });
    }

    private UncertaintyValidation.NoiseLevelsReport noiseLevels(Detector detector, UncertaintyStatistics statistics,
                                                                ScoringThresholds settings)
            throws IOException, InvalidDatasetException {
        List<PreprocessedDataset> renderings = new ArrayList<>();
        for (Path folder : noiseLevels) {
            renderings.add(load(detector, folder));
        }
        return UncertaintyValidation.noiseLevels(detector, renderings, statistics, aggregation, settings);
    }

    /** Each found object's own ρ with the noise, per kind: the aleatoric ones should rise with it. */
    private static void printPerObject(UncertaintyValidation.NoiseLevelsResult perObject) {
        System.out.printf("%nEach found object across the same scenes' noise levels (%d objects found at %d or more levels): "
                + "mean Spearman ρ of its raw uncertainty with the noise level (expected: aleatoric positive, near 1)%n",
                perObject.objects(), UncertaintyValidation.MIN_LEVELS);
        System.out.println("| ep_loc | al_loc | ep_cls | al_cls |");
        System.out.println("|---|---|---|---|");
        Map<UncertaintyKind, Double> rho = perObject.meanRho();
        System.out.printf("| %s | %s | %s | %s |%n", value(rho.get(UncertaintyKind.EPISTEMIC_LOCALIZATION)),
                value(rho.get(UncertaintyKind.ALEATORIC_LOCALIZATION)), value(rho.get(UncertaintyKind.EPISTEMIC_CLASSIFICATION)),
                value(rho.get(UncertaintyKind.ALEATORIC_CLASSIFICATION)));
    }

    /** Whether the served study score ranks the studies the model gets wrong first. */
    private static void printErrors(Map<String, StudyValidation.ErrorResult> errors) {
        System.out.printf("%nStudy informativeness (the served study score) vs the model's error on the study, 1 − F1 of "
                + "the served detections at IoU 0.5: Spearman ρ over all studies (expected: positive)%n");
        System.out.println("| studies of | studies | ρ |");
        System.out.println("|---|---|---|");
        errors.forEach((folder, error) -> System.out.printf("| %s | %d | **%s** |%n", folder, error.studies(),
                value(error.rho())));
    }
}
