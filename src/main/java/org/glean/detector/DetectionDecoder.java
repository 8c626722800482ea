package org.glean.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
        requireShape(predictions.anchors(), predictions.classes());
        int count = predictions.anchors();
        double[][] offsets = new double[count][];
        double[][] probabilities = new double[count][];
        for (int a = 0; a < count; a++) {
            offsets[a] = predictions.meanOffsets(a);
            probabilities[a] = predictions.classProbabilities(a);
        }
        return select(offsets, probabilities, transform, predictions::mixture);
    }

    public List<Detection> decode(PlainPredictions predictions, LetterboxTransform transform) {
        requireShape(predictions.anchors(), predictions.classes());
        int count = predictions.anchors();
        double[][] offsets = new double[count][4];
        double[][] probabilities = new double[count][predictions.classes()];
        for (int a = 0; a < count; a++) {
            for (int b = 0; b < 4; b++) {
                offsets[a][b] = predictions.offsets()[a * 4 + b];
            }
            Softmax.of(predictions.logits(), a * predictions.classes(), predictions.classes(), probabilities[a]);
        }
        return select(offsets, probabilities, transform, a -> null);
    }

    private void requireShape(int anchorCount, int classes) {
        if (anchorCount != anchors.count() || classes != classNames.size() + 1) {
            throw new IllegalArgumentException("outputs for " + anchorCount + " anchors and " + classes
                    + " classes do not fit a model with " + anchors.count() + " anchors and "
                    + (classNames.size() + 1) + " classes");
        }
    }

    private List<Detection> select(double[][] offsets, double[][] probabilities, LetterboxTransform transform,
                                   java.util.function.IntFunction<MixtureParameters> mixtures) {
        List<Detection> detections = new ArrayList<>();
        for (int label = 1; label <= classNames.size(); label++) {
            List<Integer> candidates = new ArrayList<>();
            for (int a = 0; a < offsets.length; a++) {
                if (probabilities[a][label] >= settings.scoreThreshold()) {
                    candidates.add(a);
                }
            }
            final int cls = label;
            candidates.sort(Comparator.comparingDouble((Integer a) -> probabilities[a][cls]).reversed());
            if (candidates.size() > settings.maxDetections()) {
                candidates = candidates.subList(0, settings.maxDetections());
            }
            List<Box> boxes = new ArrayList<>(candidates.size());
            double[] scores = new double[candidates.size()];
            for (int i = 0; i < candidates.size(); i++) {
                int a = candidates.get(i);
                double[] r = offsets[a];
                boxes.add(BoxCoding.decode(r[0], r[1], r[2], r[3], anchors.get(a)).clippedToUnit());
                scores[i] = probabilities[a][label];
            }
            for (int kept : NonMaximumSuppression.select(boxes, scores, settings.nmsIou(), settings.maxDetections())) {
                int a = candidates.get(kept);
                Box box = boxes.get(kept);
                detections.add(new Detection(a, label, classNames.get(label - 1), scores[kept], box,
                        transform.toPixels(box), mixtures.apply(a)));
            }
        }
        detections.sort(Comparator.comparingDouble(Detection::score).reversed());
        return detections.size() > settings.maxDetections()
                ? List.copyOf(detections.subList(0, settings.maxDetections())) : List.copyOf(detections);
    }
}
