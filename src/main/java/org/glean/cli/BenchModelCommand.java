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
import org.glean.detector.HeadType;
import org.glean.detector.Preprocessing;
import org.glean.inference.EngineThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glean bench-model}: the seed paper's cost comparison in one run — the forward pass of
 * the MDN network, of the same network with a plain SSD head, and T MC-dropout passes of the
 * plain network, at batch 1 and 16. Costs do not depend on the parameter values, so fresh
 * networks of the model's shape are timed.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times forward passes (median of --measurements after --warmup) of the MDN network, the same "
                + "network with a plain head, and MC-dropout with T passes on the plain network; prints ms/image and "
                + "images/s per batch size and the ratios MDN/plain and MC-dropout/MDN.")
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

    @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads of the engine; 0 = its default (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException {
        EngineThreads.apply(threads);
        DetectorConfig mdn;
        if (model != null) {
            mdn = DetectorCheckpoint.readManifest(model).network();
        } else {
            mdn = DetectorConfig.defaults(inputSize, DetectorConfig.DEFAULT_CLASSES);
        }
        DetectorConfig plain = mdn.withHead(HeadType.PLAIN);
        DetectorConfig dropoutNetwork = plain.withDropout(dropout);
        Preprocessing preprocessing = Preprocessing.defaults(mdn.inputSize());
        System.out.printf("network %s+%s, input %d², K=%d, %d anchors; median of %d after %d warm-up%n",
                mdn.backboneChannels(), mdn.extraChannels(), mdn.inputSize(), mdn.components(),
                mdn.generateAnchors().count(), measurements, warmup);
        System.out.printf("%-22s %6s %12s %10s%n", "variant", "batch", "ms/image", "images/s");
        List<String> ratios = new ArrayList<>();
        for (int batch : batchSizes) {
            double mdnMs = time("MDN (one pass)", mdn, preprocessing, batch, 1);
            double plainMs = time("plain SSD head", plain, preprocessing, batch, 1);
            double mcMs = time("MC-dropout T=" + passes, dropoutNetwork, preprocessing, batch, passes);
            ratios.add(String.format("batch %d: MDN / plain = %.2f×, MC-dropout T=%d / MDN = %.1f×",
                    batch, mdnMs / plainMs, passes, mcMs / mdnMs));
        }
        ratios.forEach(System.out::println);
        return 0;
    }

    /** Milliseconds per image of {@code passes} forward passes. */
    private double time(String name, DetectorConfig config, Preprocessing preprocessing, int batch, int passes) {
        try (Detector detector = Detector.create(config, preprocessing)) {
            ForwardBenchmark.Result r = ForwardBenchmark.measure(detector, ForwardBenchmark.Stage.FORWARD, batch, passes,
                    warmup, measurements);
            double perImage = r.medianMillis() / batch;
            System.out.printf("%-22s %6d %12.2f %10.1f%n", name, batch, perImage, 1000 / perImage);
            return perImage;
        }
    }
}
