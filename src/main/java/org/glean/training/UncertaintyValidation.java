package org.glean.training;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glean.coco.CocoFile;
import org.glean.detector.Detection;
import org.glean.detector.DetectionUncertainty;
import org.glean.detector.Detector;
import org.glean.detector.GroundTruthBox;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.ImageInformativeness;
import org.glean.uncertainty.InformativenessScorer;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.RankStatistics;
import org.glean.uncertainty.StandardizedUncertainty;
import org.glean.uncertainty.UncertaintyKind;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * Evidence that the two uncertainties mean what they claim, on probe sets whose
 * COCO entries record each image's {@code noise} level and {@code shift} ({@code glean synth}
 * writes both): the aleatoric image score should rise with noise (Spearman's ρ) and the epistemic
 * one should separate shifted from in-distribution images (AUROC) — each compared with the other
 * uncertainty on the same images.
 *
 * <p>An image's aleatoric score is its two aleatoric per-kind maxima (localization and
 * classification, z-scored, method.md §5.2) combined as the image aggregation says (max or mean);
 * its epistemic score likewise. An image without objects scores lowest on both. Only images
 * that hold a finding (a ground-truth box) enter the statistics: on an image with nothing to find
 * there is no object whose uncertainty could track noise or shift, and a CT probe holds many such
 * slices (those outside every object's span). The same at the level of studies is {@link StudyValidation}.
 */
public final class UncertaintyValidation {

    private UncertaintyValidation() {
    }

    /**
     * One image's two scores and what the probe set says about it.
     *
     * @param findings the image's ground-truth boxes
     * @param objects  the objects the detector found on it
     */
    public record ImageScores(String imageId, int findings, int objects, double aleatoric, double epistemic,
                              Double noise, String shift) {
    }

    /**
     * @param images          images with a finding, a recorded noise level and no shift
     * @param withoutObjects  of them, images where the detector found no object
     * @param aleatoricRho    Spearman's ρ between aleatoric score and noise level (goal ≥ 0.8)
     * @param epistemicRho    the same for the epistemic score (expected lower)
     */
    public record NoiseResult(int images, int withoutObjects, double aleatoricRho, double epistemicRho) {
    }

    /**
     * @param inDistribution  images with a finding and without shift
     * @param shifted         images with a finding and a shift
     * @param withoutObjects  images where the detector found no object
     * @param epistemicAuroc  AUROC of the epistemic score, shifted vs in distribution (goal ≥ 0.85)
     * @param aleatoricAuroc  the same for the aleatoric score (expected lower)
     * @param epistemicAurocPerShift per shift kind, the epistemic AUROC of that kind's images against
     *                        all in-distribution images
     */
    public record ShiftResult(int inDistribution, int shifted, int withoutObjects, double epistemicAuroc,
                              double aleatoricAuroc, Map<String, Double> epistemicAurocPerShift) {
    }

    /** A probe folder's images and studies, scored from one detection pass. */
    public record ProbeScores(List<ImageScores> images, List<StudyValidation.StudyScores> studies) {
    }

    /**
     * Scores every image and study of {@code data} as the server does: objects and near misses at
     * {@code thresholds}, z-scored with {@code statistics}.
     */
    public static ProbeScores score(Detector detector, PreprocessedDataset data, UncertaintyStatistics statistics,
                                    ImageAggregation aggregation, ScoringThresholds thresholds) {
        List<List<Detection>> detections = DetectorEvaluation.detect(detector, data, thresholds.decoder());
        return new ProbeScores(score(data, detections, statistics, aggregation),
                StudyValidation.score(data.items(), detections, statistics, aggregation, thresholds));
    }

    /** Scores every image of {@code data} from its {@code detections} (in the data set's order). */
    public static List<ImageScores> score(PreprocessedDataset data, List<List<Detection>> detections,
                                          UncertaintyStatistics statistics, ImageAggregation aggregation) {
        InformativenessScorer scorer = new InformativenessScorer(statistics, aggregation);
        List<ImageScores> scores = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            PreprocessedDataset.Item item = data.items().get(i);
            List<ObjectUncertainty> objects = detections.get(i).stream().map(DetectionUncertainty::of).toList();
            ImageInformativeness image = scorer.scoreImage(objects);
            CocoFile.Image metadata = item.metadata();
            scores.add(new ImageScores(item.imageId(), item.pixelBoxes().size(), objects.size(),
                    aleatoric(image, aggregation), epistemic(image, aggregation),
                    metadata == null ? null : metadata.noise(), shift(metadata)));
        }
        return scores;
    }

    /** The image's aleatoric score: its two aleatoric kind maxima combined by {@code aggregation}. */
    static double aleatoric(ImageInformativeness image, ImageAggregation aggregation) {
        StandardizedUncertainty maxima = image.kindMaxima();
        return combine(aggregation, maxima.aleatoricLocalization(), maxima.aleatoricClassification());
    }

    /** The image's epistemic score: its two epistemic kind maxima combined by {@code aggregation}. */
    static double epistemic(ImageInformativeness image, ImageAggregation aggregation) {
        StandardizedUncertainty maxima = image.kindMaxima();
        return combine(aggregation, maxima.epistemicLocalization(), maxima.epistemicClassification());
    }

    /** The appearance shift the COCO entry records; "none" when it records none. */
    static String shift(CocoFile.Image metadata) {
        return metadata == null || metadata.shift() == null ? "none" : metadata.shift();
    }

    private static double combine(ImageAggregation aggregation, double localization, double classification) {
        if (localization == ImageInformativeness.NO_OBJECTS_SCORE) {
            return ImageInformativeness.NO_OBJECTS_SCORE;
        }
        return aggregation == ImageAggregation.MAX ? Math.max(localization, classification)
                : (localization + classification) / 2;
    }

    /**
     * One ground-truth object of a scene as the detector saw it in one rendering: the raw
     * uncertainties of the best-overlapping detection of its class (IoU ≥ 0.5).
     *
     * @param object the scene (the image's file name and frame) and the object's index in it
     */
    public record TrackedObject(String object, double noise, ObjectUncertainty uncertainty) {
    }

    /**
     * @param objects objects found in at least {@link #MIN_LEVELS} renderings of different noise
     * @param meanRho per kind, the mean over those objects of Spearman's ρ between the object's raw
     *                uncertainty and the noise level; an object whose value does not change counts 0
     */
    public record NoiseLevelsResult(int objects, Map<UncertaintyKind, Double> meanRho) {
    }

    /** Fewer renderings leave an object's ρ ±1 or undefined. */
    public static final int MIN_LEVELS = 3;

    private static final double MATCH_IOU = 0.5;

    /**
     * The ground-truth objects of {@code rendering} that the detector found, with their raw
     * uncertainties. Objects are named by scene, so that renderings of the same scenes at other
     * noise levels name them alike ({@link #requireSameScenes}).
     */
    public static List<TrackedObject> track(PreprocessedDataset rendering, List<List<Detection>> detections) {
        List<TrackedObject> found = new ArrayList<>();
        for (int i = 0; i < rendering.size(); i++) {
            PreprocessedDataset.Item item = rendering.items().get(i);
            if (item.metadata() == null || item.metadata().noise() == null) {
                continue;
            }
            for (int g = 0; g < item.truths().size(); g++) {
                GroundTruthBox truth = item.truths().get(g);
                Detection best = null;
                double bestIou = MATCH_IOU;
                for (Detection detection : detections.get(i)) {
                    double iou = truth.box().iou(detection.box());
                    if (detection.label() == truth.label() && iou >= bestIou) {
                        best = detection;
                        bestIou = iou;
                    }
                }
                if (best != null) {
                    found.add(new TrackedObject(scene(item) + " #" + g, item.metadata().noise(),
                            DetectionUncertainty.of(best)));
                }
            }
        }
        return found;
    }

    /**
     * Refuses renderings that are not of the same scenes: each must hold the same images (by file
     * name and frame) with the same ground-truth classes, as {@code glean synth} writes them for one
     * seed at different {@code --noise} levels.
     */
    public static void requireSameScenes(List<PreprocessedDataset> renderings) {
        Map<String, List<Integer>> first = scenes(renderings.get(0));
        for (PreprocessedDataset rendering : renderings.subList(1, renderings.size())) {
            if (!scenes(rendering).equals(first)) {
                throw new IllegalArgumentException(rendering.source() + " does not hold the same scenes as "
                        + renderings.get(0).source() + " (write each with glean synth, the same seed and options, "
                        + "and one --noise L:L level)");
            }
        }
    }

    private static Map<String, List<Integer>> scenes(PreprocessedDataset rendering) {
        Map<String, List<Integer>> scenes = new LinkedHashMap<>();
        for (PreprocessedDataset.Item item : rendering.items()) {
            scenes.put(scene(item), item.truths().stream().map(GroundTruthBox::label).toList());
        }
        return scenes;
    }

    private static String scene(PreprocessedDataset.Item item) {
        CocoFile.Image image = item.metadata();
        if (image == null || image.fileName() == null) {
            throw new IllegalArgumentException("image " + item.imageId() + " has no file_name to match it across renderings");
        }
        return image.fileName() + " frame " + image.frameNumber();
    }

    /**
     * @param images  the image scores' ρ over every rendering ({@link #noise})
     * @param objects each found object's own ρ ({@link #noiseLevels(List)})
     * @param pairs   how often the noisier of two renderings of an image scores higher
     * @param studies every rendering's studies
     */
    public record NoiseLevelsReport(NoiseResult images, NoiseLevelsResult objects, PairAgreement pairs,
                                    List<StudyValidation.StudyScores> studies) {
    }

    /**
     * Renderings of the same scenes at several noise levels, from one detection pass each: image
     * scores pooled and compared pairwise per image, each found object followed, studies scored.
     */
    public static NoiseLevelsReport noiseLevels(Detector detector, List<PreprocessedDataset> renderings,
                                                UncertaintyStatistics statistics, ImageAggregation aggregation,
                                                ScoringThresholds thresholds) {
        requireSameScenes(renderings);
        List<ImageScores> images = new ArrayList<>();
        Map<String, List<ImageScores>> renderingsPerImage = new LinkedHashMap<>();
        List<TrackedObject> objects = new ArrayList<>();
        List<StudyValidation.StudyScores> studies = new ArrayList<>();
        for (PreprocessedDataset rendering : renderings) {
            List<List<Detection>> detections = DetectorEvaluation.detect(detector, rendering, thresholds.decoder());
            List<ImageScores> scores = score(rendering, detections, statistics, aggregation);
            for (int i = 0; i < rendering.size(); i++) {
                renderingsPerImage.computeIfAbsent(scene(rendering.items().get(i)), k -> new ArrayList<>()).add(scores.get(i));
            }
            images.addAll(scores);
            objects.addAll(track(rendering, detections.stream().map(thresholds::objects).toList()));
            studies.addAll(StudyValidation.score(rendering.items(), detections, statistics, aggregation, thresholds));
        }
        return new NoiseLevelsReport(noise(images), noiseLevels(objects), PairAgreement.of(renderingsPerImage.values()),
                studies);
    }

    /**
     * Whether each found object's own uncertainties rise with noise: with the scene held fixed, what
     * varies is the noise alone — not which objects there are, which the image score cannot help
     * following (method.md §5.2: maxima over the objects found).
     */
    public static NoiseLevelsResult noiseLevels(List<TrackedObject> objects) {
        Map<String, List<TrackedObject>> byObject = new LinkedHashMap<>();
        objects.forEach(o -> byObject.computeIfAbsent(o.object(), k -> new ArrayList<>()).add(o));
        List<List<TrackedObject>> tracked = byObject.values().stream()
                .filter(renderings -> renderings.stream().mapToDouble(TrackedObject::noise).distinct().count() >= MIN_LEVELS)
                .toList();
        if (tracked.isEmpty()) {
            throw new IllegalArgumentException("no object was found at " + MIN_LEVELS + " or more noise levels; give at "
                    + "least " + MIN_LEVELS + " renderings of the same scenes at different levels");
        }
        Map<UncertaintyKind, Double> meanRho = new EnumMap<>(UncertaintyKind.class);
        for (UncertaintyKind kind : UncertaintyKind.values()) {
            meanRho.put(kind, tracked.stream().mapToDouble(renderings -> RankStatistics.spearman(
                            renderings.stream().mapToDouble(o -> o.uncertainty().get(kind)).toArray(),
                            renderings.stream().mapToDouble(TrackedObject::noise).toArray()))
                    .map(rho -> Double.isNaN(rho) ? 0 : rho).average().orElseThrow());
        }
        return new NoiseLevelsResult(tracked.size(), meanRho);
    }

    /** ρ of both scores against the noise level, over the unshifted images that record one. */
    public static NoiseResult noise(List<ImageScores> scores) {
        List<ImageScores> probe = scores.stream()
                .filter(s -> s.findings() > 0 && s.noise() != null && "none".equals(s.shift())).toList();
        if (probe.size() < 2) {
            throw new IllegalArgumentException("the noise probe needs at least 2 unshifted images with a finding and "
                    + "a recorded noise level, found " + probe.size() + " (glean synth records both in coco.json)");
        }
        double[] noise = probe.stream().mapToDouble(ImageScores::noise).toArray();
        return new NoiseResult(probe.size(), (int) probe.stream().filter(s -> s.objects() == 0).count(),
                RankStatistics.spearman(probe.stream().mapToDouble(ImageScores::aleatoric).toArray(), noise),
                RankStatistics.spearman(probe.stream().mapToDouble(ImageScores::epistemic).toArray(), noise));
    }

    /** AUROC of both scores for telling shifted images from in-distribution ones. */
    public static ShiftResult shift(List<ImageScores> scores) {
        List<ImageScores> withFindings = scores.stream().filter(s -> s.findings() > 0).toList();
        List<ImageScores> inDistribution = withFindings.stream().filter(s -> "none".equals(s.shift())).toList();
        List<ImageScores> shifted = withFindings.stream().filter(s -> !"none".equals(s.shift())).toList();
        if (inDistribution.isEmpty() || shifted.isEmpty()) {
            throw new IllegalArgumentException("the shift probe needs both shifted and unshifted images with a finding, found "
                    + shifted.size() + " and " + inDistribution.size() + " (glean synth --shift-probability)");
        }
        Map<String, Double> perShift = new LinkedHashMap<>();
        shifted.stream().map(ImageScores::shift).distinct().sorted().forEach(kind -> {
            List<ImageScores> group = new ArrayList<>(inDistribution);
            group.addAll(shifted.stream().filter(s -> s.shift().equals(kind)).toList());
            perShift.put(kind, auroc(group, true));
        });
        List<ImageScores> all = new ArrayList<>(inDistribution);
        all.addAll(shifted);
        return new ShiftResult(inDistribution.size(), shifted.size(),
                (int) all.stream().filter(s -> s.objects() == 0).count(),
                auroc(all, true), auroc(all, false), perShift);
    }

    private static double auroc(List<ImageScores> images, boolean epistemic) {
        double[] values = images.stream().mapToDouble(s -> epistemic ? s.epistemic() : s.aleatoric()).toArray();
        boolean[] shifted = new boolean[images.size()];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = !"none".equals(images.get(i).shift());
        }
        return RankStatistics.auroc(values, shifted);
    }
}
