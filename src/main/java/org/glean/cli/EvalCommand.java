package org.glean.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.Callable;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.DetectorCheckpoint;
import org.glean.training.DetectorEvaluation;
import org.glean.training.MeanAveragePrecision;
import org.glean.training.PreprocessedDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code glean eval}: mAP@0.5 (VOC all-point AP) of a saved model on a labelled folder, per class, overall and per modality. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluates a model directory on DICOM files + COCO boxes: VOC all-point AP at IoU 0.5 per class "
                + "and their mean, then that mean within each modality (the COCO images' 'modality': CT, DX, ...), "
                + "printed as a table. Detections down to score "
                + DetectorEvaluation.AP_SCORE_THRESHOLD + " count towards the precision-recall curve.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by 'glean train'.")
    Path model;

    @Mixin
    LabelledFolder data;

    @Mixin
    EngineThreadsOption engine;

    @Override
    public Integer call() {
        engine.apply();
        long start = System.nanoTime();
        try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(model)) {
            PreprocessedDataset dataset = data.load(checkpoint.detector().preprocessing(),
                    checkpoint.detector().config().classes());
            DetectorEvaluation.Evaluation evaluation = DetectorEvaluation.evaluate(checkpoint.detector(), dataset);
            MeanAveragePrecision.Result result = evaluation.overall();
            System.out.printf("%-16s %8s %10s %6s %8s%n", "class", "objects", "detections", "TP", "AP@0.5");
            for (MeanAveragePrecision.ClassResult c : result.perClass().values()) {
                System.out.printf("%-16s %8d %10d %6d %8.4f%n", c.label(), c.groundTruthCount(), c.detectionCount(),
                        c.truePositives(), c.averagePrecision());
            }
            System.out.printf("%-16s %8s %10s %6s %8.4f%n", "mAP@0.5", "", "", "", result.meanAveragePrecision());
            System.out.printf("%n%-16s %8s %10s %6s %8s%n", "modality", "objects", "detections", "TP", "mAP@0.5");
            evaluation.perModality().forEach(EvalCommand::printModality);
            System.err.printf("eval: %d images in %.1f s%n", dataset.size(), (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (InvalidDatasetException e) {
            System.err.println("eval: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("eval: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("eval: cannot evaluate: " + e.getMessage());
            return 2;
        }
    }

    /** The modality's mAP, with its objects, detections and true positives summed over its classes. */
    private static void printModality(String modality, MeanAveragePrecision.Result result) {
        Collection<MeanAveragePrecision.ClassResult> classes = result.perClass().values();
        System.out.printf("%-16s %8d %10d %6d %8.4f%n", modality,
                classes.stream().mapToInt(MeanAveragePrecision.ClassResult::groundTruthCount).sum(),
                classes.stream().mapToInt(MeanAveragePrecision.ClassResult::detectionCount).sum(),
                classes.stream().mapToInt(MeanAveragePrecision.ClassResult::truePositives).sum(),
                result.meanAveragePrecision());
    }
}
