package org.glean.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorConfig;
import org.glean.detector.ForwardBenchmark;
import org.glean.detector.ForwardBenchmark.Stage;
import org.glean.detector.HeadType;
import org.glean.detector.Preprocessing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glean bench-model}: the seed paper's cost comparison in one run — the forward pass of
 * the MDN network, of the same network with a plain SSD head, and T MC-dropout passes of the
 * plain network, at batch 1 and 16, plus end-to-end detection of the MDN and plain networks.
 * Forward costs do not depend on the parameter values; detection costs do (how many anchors pass
 * the threshold and go through NMS), so with {@code --model} the MDN network is the trained model
 * itself. The plain and MC-dropout networks are fresh networks of the same shape, which detect
 * next to nothing — the comparison errs in the plain network's favour.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times forward passes (median of --measurements after --warmup) of the MDN network, the same "
                + "network with a plain head, and MC-dropout with T passes on the plain network, and end-to-end "
                + "detection (forward, scores, decoding, NMS, the detected objects' mixtures) of the MDN and plain "
                + "networks; prints a markdown table of ms/image and images/s per batch size and the ratios.")
public final class BenchModelCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Take the network shape from this model (default: the default network).")
    Path model;

    @Option(names = "--input-size", defaultValue = "256", description = "Input side when no --model is given (default ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,16", description = "Batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--mc-passes", defaultValue = "25", description = "T, MC-dropout passes (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout rate of the MC-dropout network (default ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed rounds first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--measurements", defaultValue = "10", description = "Timed rounds (default ${DEFAULT-VALUE}).")
    int measurements;

    @Mixin
    EngineThreadsOption engine;

    @Override
    public Integer call() throws IOException {
        engine.apply();
        DetectorConfig mdn;
        if (model != null) {
            mdn = DetectorCheckpoint.readManifest(model).network();
        } else {
            mdn = DetectorConfig.defaults(inputSize, DetectorConfig.DEFAULT_CLASSES);
        }
        DetectorConfig plain = mdn.withHead(HeadType.PLAIN);
        DetectorConfig dropoutNetwork = plain.withDropout(dropout);
        Preprocessing preprocessing = Preprocessing.defaults(mdn.inputSize());
        System.out.printf("network %s+%s, input %d², K=%d, %d anchors; median of %d after %d warm-up, %s threads%n%n",
                mdn.backboneChannels(), mdn.extraChannels(), mdn.inputSize(), mdn.components(),
                mdn.generateAnchors().count(), measurements, warmup, engine.threads == 0 ? "engine default" : engine.threads);
        System.out.println("| variant | batch | ms/image | images/s |");
        System.out.println("|---|---|---|---|");
        List<String> ratios = new ArrayList<>();
        for (int batch : batchSizes) {
            double mdnMs = time("MDN forward (one pass)", mdn, preprocessing, Stage.FORWARD, batch, 1);
            double plainMs = time("plain SSD forward", plain, preprocessing, Stage.FORWARD, batch, 1);
            double mcMs = time("MC-dropout forward, T=" + passes, dropoutNetwork, preprocessing, Stage.FORWARD, batch, passes);
            double mdnDetectMs = time("MDN detect (end to end)", mdn, preprocessing, Stage.DETECT, batch, 1);
            double plainDetectMs = time("plain SSD detect (end to end)", plain, preprocessing, Stage.DETECT, batch, 1);
            ratios.add(String.format("batch %d: forward MDN / plain = %.2f×; detect MDN / plain = %.2f×; "
                            + "MC-dropout T=%d / MDN forward = %.1f×, / MDN detect = %.1f×",
                    batch, mdnMs / plainMs, mdnDetectMs / plainDetectMs, passes, mcMs / mdnMs, mcMs / mdnDetectMs));
        }
        System.out.println();
        ratios.forEach(System.out::println);
        return 0;
    }

    /** Milliseconds per image of {@code passes} forward passes, or of one end-to-end detection. */
    private double time(String name, DetectorConfig config, Preprocessing preprocessing, Stage stage, int batch,
                        int passes) throws IOException {
        boolean trained = model != null && config.head() == HeadType.MDN;
        try (Detector detector = trained ? DetectorCheckpoint.load(model).detector() : Detector.create(config, preprocessing)) {
            ForwardBenchmark.Result r = ForwardBenchmark.measure(detector, stage, batch, passes, warmup, measurements);
            double perImage = r.medianMillis() / batch;
            System.out.printf("| %s | %d | %.2f | %.1f |%n", name, batch, perImage, 1000 / perImage);
            return perImage;
        }
    }
}
