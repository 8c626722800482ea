package org.glean.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detection;
import org.glean.detector.DetectionUncertainty;
import org.glean.detector.Detector;
import org.glean.detector.PixelBox;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * Runs a detector over a {@link PreprocessedDataset}: mAP@0.5 against its ground truth (overall and per
 * modality), and the uncertainty statistics of its objects.
 */
public final class DetectorEvaluation {

    /**
     * Detections for AP are kept down to this score: AP integrates precision over every recall
     * level, so a threshold as high as the object threshold would cut the curve short.
     */
    public static final double AP_SCORE_THRESHOLD = 0.01;

    private static final int BATCH = 16;

    private DetectorEvaluation() {
    }

    /** Every image's detections at {@code settings}, in the data set's order. */
    public static List<List<Detection>> detect(Detector detector, PreprocessedDataset data, DecoderSettings settings) {
        List<List<Detection>> all = new ArrayList<>(data.size());
        for (int from = 0; from < data.size(); from += BATCH) {
            List<PreprocessedDataset.Item> batch = data.items().subList(from, Math.min(data.size(), from + BATCH));
            all.addAll(detector.detect(batch.stream().map(PreprocessedDataset.Item::input).toList(), settings));
        }
        return all;
    }

    /**
     * @param overall     over all images
     * @param perModality per modality of the images' COCO entries (CT, DX, …; {@link #UNRECORDED_MODALITY}
     *                    where an entry gives none), only modalities with ground truth
     */
    public record Evaluation(MeanAveragePrecision.Result overall, Map<String, MeanAveragePrecision.Result> perModality) {
    }

    public static final String UNRECORDED_MODALITY = "unrecorded";

    /** VOC all-point AP at IoU 0.5 per class and their mean, boxes compared in the frames' pixels. */
    public static MeanAveragePrecision.Result meanAveragePrecision(Detector detector, PreprocessedDataset data) {
        return evaluate(detector, data).overall();
    }

    /** mAP@0.5 overall and per modality, from one detection pass. */
    public static Evaluation evaluate(Detector detector, PreprocessedDataset data) {
        List<List<Detection>> detections = detect(detector, data,
                DecoderSettings.DEFAULT.withScoreThreshold(AP_SCORE_THRESHOLD));
        List<MeanAveragePrecision.GroundTruth> truths = new ArrayList<>();
        List<MeanAveragePrecision.Detection> found = new ArrayList<>();
        Map<String, String> modalityOfImage = new HashMap<>();
        for (int i = 0; i < data.size(); i++) {
            PreprocessedDataset.Item item = data.items().get(i);
            for (LabeledBox box : item.pixelBoxes()) {
                truths.add(new MeanAveragePrecision.GroundTruth(item.imageId(), data.classNames().get(box.classIndex()),
                        new MeanAveragePrecision.Box(box.x(), box.y(), box.x() + box.width(), box.y() + box.height())));
            }
            for (Detection d : detections.get(i)) {
                PixelBox p = d.pixelBox();
                found.add(new MeanAveragePrecision.Detection(item.imageId(), d.className(), d.score(),
                        new MeanAveragePrecision.Box(p.xmin(), p.ymin(), p.xmax(), p.ymax())));
            }
            String modality = item.metadata() == null ? null : item.metadata().modality();
            modalityOfImage.put(item.imageId(), modality == null ? UNRECORDED_MODALITY : modality);
        }
        return new Evaluation(MeanAveragePrecision.evaluate(truths, found),
                MeanAveragePrecision.evaluatePerGroup(truths, found, modalityOfImage::get));
    }

    /**
     * The z-score statistics (method.md §5.1) over every object the detector finds on
     * {@code pool} at {@code objectThreshold}; null when it finds none.
     */
    public static UncertaintyStatistics uncertaintyStatistics(Detector detector, PreprocessedDataset pool,
                                                              double objectThreshold) {
        List<ObjectUncertainty> objects = new ArrayList<>();
        for (List<Detection> image : detect(detector, pool, DecoderSettings.DEFAULT.withScoreThreshold(objectThreshold))) {
            for (Detection d : image) {
                objects.add(DetectionUncertainty.of(d));
            }
        }
        return objects.isEmpty() ? null : UncertaintyStatistics.fit(objects);
    }
}
