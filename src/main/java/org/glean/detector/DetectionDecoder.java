package org.glean.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Turns one image's network outputs into detections (method.md §3): per anchor the box is the
 * mixture-mean offset R_b = Σ_k π_b^k μ_b^k decoded against the anchor and the class scores are
 * P_p = Σ_k π^k softmax(μ^k)_p; then, for every class p ≥ 1 separately, anchors scoring at least
 * the threshold go through non-maximum suppression. The image's detections are returned highest
 * score first. A plain head's outputs take the same path with one component.
 */
public final class DetectionDecoder {

    private final Anchors anchors;
    private final List<String> classNames;
    private final DecoderSettings settings;

    /** @param classNames names of classes 1 … C, in label order */
    public DetectionDecoder(Anchors anchors, List<String> classNames, DecoderSettings settings) {
        this.anchors = anchors;
        this.classNames = List.copyOf(classNames);
        this.settings = settings;
    }

    public List<Detection> decode(MdnPredictions predictions, LetterboxTransform transform) {
        return decode(predictions.scores(), predictions::mixture, transform);
    }

    public List<Detection> decode(PlainPredictions predictions, LetterboxTransform transform) {
        return decode(predictions.scores(), anchor -> null, transform);
    }

    /**
     * Detections from every anchor's scores; {@code mixtures} gives the mixture parameters of an
     * anchor that became a detection (or null).
     */
    public List<Detection> decode(AnchorScores scores, IntFunction<MixtureParameters> mixtures,
                                  LetterboxTransform transform) {
        requireShape(scores.anchors(), scores.classes());
        float[] offsets = scores.offsets();
        float[] probabilities = scores.probabilities();
        int classes = scores.classes();
        List<Detection> detections = new ArrayList<>();
        for (int label = 1; label < classes; label++) {
            final int cls = label;
            List<Integer> candidates = new ArrayList<>();
            for (int a = 0; a < scores.anchors(); a++) {
                if (probabilities[a * classes + label] >= settings.scoreThreshold()) {
                    candidates.add(a);
                }
            }
            candidates.sort(Comparator.comparingDouble((Integer a) -> probabilities[a * classes + cls]).reversed());
            if (candidates.size() > settings.maxDetections()) {
                candidates = candidates.subList(0, settings.maxDetections());
            }
            List<Box> boxes = new ArrayList<>(candidates.size());
            double[] candidateScores = new double[candidates.size()];
            for (int i = 0; i < candidates.size(); i++) {
                int a = candidates.get(i);
                boxes.add(BoxCoding.decode(offsets[a * 4], offsets[a * 4 + 1], offsets[a * 4 + 2], offsets[a * 4 + 3],
                        anchors.get(a)).clippedToUnit());
                candidateScores[i] = probabilities[a * classes + label];
            }
            for (int kept : NonMaximumSuppression.select(boxes, candidateScores, settings.nmsIou(), settings.maxDetections())) {
                int a = candidates.get(kept);
                Box box = boxes.get(kept);
                detections.add(new Detection(a, label, classNames.get(label - 1), candidateScores[kept], box,
                        transform.toPixels(box), mixtures.apply(a)));
            }
        }
        detections.sort(Comparator.comparingDouble(Detection::score).reversed());
        return detections.size() > settings.maxDetections()
                ? List.copyOf(detections.subList(0, settings.maxDetections())) : List.copyOf(detections);
    }

    private void requireShape(int anchorCount, int classes) {
        if (anchorCount != anchors.count() || classes != classNames.size() + 1) {
            throw new IllegalArgumentException("outputs for " + anchorCount + " anchors and " + classes
                    + " classes do not fit a model with " + anchors.count() + " anchors and "
                    + (classNames.size() + 1) + " classes");
        }
    }
}
