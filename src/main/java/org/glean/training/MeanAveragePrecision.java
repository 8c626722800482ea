package org.glean.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Detection accuracy as mAP at IoU 0.5 with PASCAL VOC's all-point average precision (VOC 2010+).
 *
 * <p>Per class, over all images together:
 * <ol>
 *   <li>sort the class's detections by descending score (equal scores keep their input order);</li>
 *   <li>for each, find the same image's ground-truth box of that class with the largest IoU; the
 *       detection is a true positive when that IoU is <em>strictly greater</em> than the threshold
 *       (VOC's {@code ovmax > 0.5}) and that box is not matched yet, which then becomes matched;
 *       otherwise it is a false positive — so a second detection of an already found object (a
 *       duplicate) is a false positive, and each ground-truth box is matched at most once;</li>
 *   <li>after the i-th detection: recall_i = TP_i / #GT, precision_i = TP_i / i;</li>
 *   <li>AP = area under the precision envelope p̂(r) = max_{r' ≥ r} precision(r'):
 *       Σ_i (r_i − r_{i−1}) · p̂(r_i) with r_0 = 0 over the recall points where recall changes.</li>
 * </ol>
 * mAP = mean of AP over the classes that have at least one ground-truth box; detections of a class
 * with no ground truth do not enter it (its AP is undefined). A class with ground truth but no
 * detections has AP 0. Coordinates are continuous (area = (xMax − xMin)(yMax − yMin), without
 * VOC's +1 for integer pixel indices); there are no "difficult" boxes.
 */
public final class MeanAveragePrecision {

    /** The IoU a detection must exceed to match a ground-truth box for mAP@0.5. */
    public static final double IOU_THRESHOLD = 0.5;

    private MeanAveragePrecision() {
    }

    /** An axis-aligned box in continuous image coordinates, corners inclusive of zero-size boxes. */
    public record Box(double xMin, double yMin, double xMax, double yMax) {

        public Box {
            if (!Double.isFinite(xMin) || !Double.isFinite(yMin) || !Double.isFinite(xMax) || !Double.isFinite(yMax)
                    || xMax < xMin || yMax < yMin) {
                throw new IllegalArgumentException("box [" + xMin + ", " + yMin + ", " + xMax + ", " + yMax
                        + "] needs finite corners with xMin ≤ xMax and yMin ≤ yMax");
            }
        }

        public double area() {
            return (xMax - xMin) * (yMax - yMin);
        }

        /** Intersection over union; 0 when both boxes have zero area. */
        public double iou(Box other) {
            double width = Math.min(xMax, other.xMax) - Math.max(xMin, other.xMin);
            double height = Math.min(yMax, other.yMax) - Math.max(yMin, other.yMin);
            if (width <= 0 || height <= 0) {
                return 0;
            }
            double intersection = width * height;
            return intersection / (area() + other.area() - intersection);
        }
    }

    /** A ground-truth object: which image, which class, where. */
    public record GroundTruth(String imageId, String label, Box box) {

        public GroundTruth {
            Objects.requireNonNull(imageId, "imageId");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(box, "box");
        }
    }

    /** A detection: which image, which class, how confident, where. */
    public record Detection(String imageId, String label, double score, Box box) {

        public Detection {
            Objects.requireNonNull(imageId, "imageId");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(box, "box");
            if (!Double.isFinite(score)) {
                throw new IllegalArgumentException("detection score " + score + " is not finite");
            }
        }
    }

    /** One class's outcome. */
    public record ClassResult(String label, int groundTruthCount, int detectionCount, int truePositives,
                              double averagePrecision) {
    }

    /**
     * @param perClass             one entry per class with ground truth, by label
     * @param meanAveragePrecision mean of their average precisions
     */
    public record Result(Map<String, ClassResult> perClass, double meanAveragePrecision) {

        public Result {
            perClass = Collections.unmodifiableMap(new TreeMap<>(perClass));
        }
    }

    /** mAP@0.5. */
    public static Result evaluate(List<GroundTruth> groundTruth, List<Detection> detections) {
        return evaluate(groundTruth, detections, IOU_THRESHOLD);
    }

    /**
     * mAP with matches at IoU &gt; {@code iouThreshold}.
     *
     * @throws IllegalArgumentException when there is no ground truth at all (mAP is undefined)
     */
    public static Result evaluate(List<GroundTruth> groundTruth, List<Detection> detections, double iouThreshold) {
        if (groundTruth.isEmpty()) {
            throw new IllegalArgumentException("no ground-truth boxes: mAP is undefined");
        }
        Map<String, List<GroundTruth>> truthByLabel = groupBy(groundTruth, GroundTruth::label);
        Map<String, List<Detection>> detectionsByLabel = groupBy(detections, Detection::label);
        Map<String, ClassResult> perClass = new TreeMap<>();
        double sum = 0;
        for (Map.Entry<String, List<GroundTruth>> entry : truthByLabel.entrySet()) {
            ClassResult result = evaluateClass(entry.getKey(), entry.getValue(),
                    detectionsByLabel.getOrDefault(entry.getKey(), List.of()), iouThreshold);
            perClass.put(entry.getKey(), result);
            sum += result.averagePrecision();
        }
        return new Result(perClass, sum / perClass.size());
    }

    /**
     * mAP@0.5 within each group of images (e.g. per modality): each group on its own images' ground
     * truth and detections alone. A group without ground truth is left out, its mAP being undefined.
     *
     * @param groupOfImage the group of every image id that the boxes and detections name
     */
    public static Map<String, Result> evaluatePerGroup(List<GroundTruth> groundTruth, List<Detection> detections,
                                                       Function<String, String> groupOfImage) {
        Map<String, List<Detection>> detectionsByGroup = groupBy(detections, d -> groupOfImage.apply(d.imageId()));
        Map<String, Result> perGroup = new TreeMap<>();
        groupBy(groundTruth, t -> groupOfImage.apply(t.imageId())).forEach((group, truth) ->
                perGroup.put(group, evaluate(truth, detectionsByGroup.getOrDefault(group, List.of()))));
        return perGroup;
    }

    private static ClassResult evaluateClass(String label, List<GroundTruth> truth, List<Detection> detections,
                                             double iouThreshold) {
        Map<String, List<Box>> truthByImage = new HashMap<>();
        for (GroundTruth box : truth) {
            truthByImage.computeIfAbsent(box.imageId(), image -> new ArrayList<>()).add(box.box());
        }
        Map<String, boolean[]> matchedByImage = new HashMap<>();
        truthByImage.forEach((image, boxes) -> matchedByImage.put(image, new boolean[boxes.size()]));

        List<Detection> ranked = new ArrayList<>(detections);
        ranked.sort(Comparator.comparingDouble(Detection::score).reversed());
        boolean[] truePositive = new boolean[ranked.size()];
        for (int i = 0; i < ranked.size(); i++) {
            Detection detection = ranked.get(i);
            List<Box> boxes = truthByImage.getOrDefault(detection.imageId(), List.of());
            int best = -1;
            double bestIou = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < boxes.size(); j++) {
                double iou = detection.box().iou(boxes.get(j));
                if (iou > bestIou) {
                    bestIou = iou;
                    best = j;
                }
            }
            if (best >= 0 && bestIou > iouThreshold) {
                boolean[] matched = matchedByImage.get(detection.imageId());
                truePositive[i] = !matched[best];
                matched[best] = true;
            }
        }

        double[] recall = new double[ranked.size()];
        double[] precision = new double[ranked.size()];
        int truePositives = 0;
        for (int i = 0; i < ranked.size(); i++) {
            if (truePositive[i]) {
                truePositives++;
            }
            recall[i] = (double) truePositives / truth.size();
            precision[i] = (double) truePositives / (i + 1);
        }
        return new ClassResult(label, truth.size(), ranked.size(), truePositives, averagePrecision(recall, precision));
    }

    /**
     * VOC all-point AP from the precision/recall curve of detections ranked by score: append
     * sentinels (recall 0 and 1, precision 0), make precision monotone from the right
     * (p̂_i = max(p_i, p̂_{i+1})), and sum (r_{i+1} − r_i) · p̂_{i+1} where recall increases.
     */
    static double averagePrecision(double[] recall, double[] precision) {
        int n = recall.length;
        double[] r = new double[n + 2];
        double[] p = new double[n + 2];
        System.arraycopy(recall, 0, r, 1, n);
        System.arraycopy(precision, 0, p, 1, n);
        r[n + 1] = 1;
        for (int i = n; i >= 0; i--) {
            p[i] = Math.max(p[i], p[i + 1]);
        }
        double area = 0;
        for (int i = 0; i <= n; i++) {
            if (r[i + 1] != r[i]) {
                area += (r[i + 1] - r[i]) * p[i + 1];
            }
        }
        return area;
    }

    private static <T> Map<String, List<T>> groupBy(List<T> items, Function<T, String> key) {
        Map<String, List<T>> groups = new TreeMap<>();
        for (T item : items) {
            groups.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item);
        }
        return groups;
    }
}
