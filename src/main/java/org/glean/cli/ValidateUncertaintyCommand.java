package org.glean.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.training.DetectorEvaluation;
import org.glean.training.InvalidDatasetException;
import org.glean.training.PreprocessedDataset;
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
 * flag appearance shift? Prints Spearman's ρ with the noise level over a noise probe and the AUROC
 * for shifted vs in-distribution images over a shift probe, for both uncertainties side by side.
 */
@Command(name = "validate-uncertainty", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Checks a model's uncertainties on probe sets made by 'glean synth' (whose coco.json records each image's "
                    + "noise level and shift): Spearman's rho between image score and noise level on --noise-probe "
                    + "(goal: aleatoric >= 0.8), AUROC of shifted vs unshifted images on --shift-probe (goal: "
                    + "epistemic >= 0.85). Images are scored as the server scores them: objects at the object "
                    + "threshold, z-scored with the model's statistics (or --reference's), per-kind maxima, then the two aleatoric "
                    + "(epistemic) maxima combined by --aggregation; an image without objects scores lowest. Only images "
                    + "holding a ground-truth finding count. --noise-levels holds the scenes fixed and varies the noise "
                    + "alone, and also follows each found object across the levels."})
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

    @Option(names = "--aggregation", defaultValue = "MAX",
            description = "How an image's localization and classification maxima combine: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ImageAggregation aggregation;

    @Mixin
    ObjectThresholdOption objectThreshold;

    @Mixin
    EngineThreadsOption engine;

    @Override
    public Integer call() {
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
                                + " at object threshold " + objectThreshold.value + ", so it gives no statistics"
                        : "validate-uncertainty: the model has no normalisation statistics (it found no object on its "
                                + "reference set); train it further, or give --reference");
                return 2;
            }
            DecoderSettings settings = DecoderSettings.DEFAULT.withScoreThreshold(objectThreshold.value);
            System.out.printf("aggregation %s, object threshold %.2f%n", aggregation.name().toLowerCase(), objectThreshold.value);
            System.out.println("| probe | images with a finding | of them without objects found | aleatoric | epistemic |");
            System.out.println("|---|---|---|---|---|");
            if (noiseProbe != null) {
                UncertaintyValidation.NoiseResult noise = UncertaintyValidation.noise(
                        scores(checkpoint.detector(), noiseProbe, statistics, settings));
                System.out.printf("| noise: Spearman ρ with noise level | %d | %d | **%s** | %s |%n",
                        noise.images(), noise.withoutObjects(), value(noise.aleatoricRho()), value(noise.epistemicRho()));
            }
            if (shiftProbe != null) {
                UncertaintyValidation.ShiftResult shift = UncertaintyValidation.shift(
                        scores(checkpoint.detector(), shiftProbe, statistics, settings));
                System.out.printf("| shift: AUROC shifted vs not | %d + %d | %d | %.3f | **%.3f** |%n",
                        shift.shifted(), shift.inDistribution(), shift.withoutObjects(), shift.aleatoricAuroc(),
                        shift.epistemicAuroc());
                for (Map.Entry<String, Double> kind : shift.epistemicAurocPerShift().entrySet()) {
                    System.out.printf("| shift %s only: AUROC | | | | %.3f |%n", kind.getKey(), kind.getValue());
                }
            }
            if (noiseLevels != null) {
                printNoiseLevels(checkpoint.detector(), statistics, settings);
            }
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
                    objectThreshold.value);
        }
        JsonObject own = checkpoint.manifest().normalisationStatistics();
        return own == null ? null : UncertaintyStatistics.fromJson(own.toString());
    }

    /** ρ is undefined when every image scores the same, e.g. when no image has an object. */
    private static String value(double statistic) {
        return Double.isNaN(statistic) ? "n/a (all scores equal)" : String.format("%.3f", statistic);
    }

    private List<UncertaintyValidation.ImageScores> scores(Detector detector, Path folder, UncertaintyStatistics statistics,
                                                           DecoderSettings settings) throws IOException, InvalidDatasetException {
        return UncertaintyValidation.score(detector, load(detector, folder), statistics, aggregation, settings);
    }

    private static PreprocessedDataset load(Detector detector, Path folder) throws IOException, InvalidDatasetException {
        return LabelledFolder.load(folder, null, detector.preprocessing(), detector.config().classes(), loaded -> { });
    }

    /** A table row for the image scores over all renderings, then each found object's own ρ. */
    private void printNoiseLevels(Detector detector, UncertaintyStatistics statistics, DecoderSettings settings)
            throws IOException, InvalidDatasetException {
        List<PreprocessedDataset> renderings = new ArrayList<>();
        for (Path folder : noiseLevels) {
            renderings.add(load(detector, folder));
        }
        UncertaintyValidation.NoiseLevelsReport report = UncertaintyValidation.noiseLevels(detector, renderings, statistics,
                aggregation, settings);
        UncertaintyValidation.NoiseResult pooled = report.images();
        System.out.printf("| the same scenes at %d noise levels: Spearman ρ with noise level | %d | %d | **%s** | %s |%n",
                renderings.size(), pooled.images(), pooled.withoutObjects(), value(pooled.aleatoricRho()),
                value(pooled.epistemicRho()));
        UncertaintyValidation.NoiseLevelsResult perObject = report.objects();
        System.out.printf("%nEach found object across the same scenes' noise levels (%d objects found at %d or more levels): "
                + "mean Spearman ρ of its raw uncertainty with the noise level%n", perObject.objects(),
                UncertaintyValidation.MIN_LEVELS);
        System.out.println("| ep_loc | al_loc | ep_cls | al_cls |");
        System.out.println("|---|---|---|---|");
        Map<UncertaintyKind, Double> rho = perObject.meanRho();
        System.out.printf("| %s | %s | %s | %s |%n", value(rho.get(UncertaintyKind.EPISTEMIC_LOCALIZATION)),
                value(rho.get(UncertaintyKind.ALEATORIC_LOCALIZATION)), value(rho.get(UncertaintyKind.EPISTEMIC_CLASSIFICATION)),
                value(rho.get(UncertaintyKind.ALEATORIC_CLASSIFICATION)));
    }
}
