package org.glean.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorConfig;
import org.glean.bench.PhantomBatch;
import org.glean.detector.ForwardBenchmark;
import org.glean.detector.ForwardBenchmark.Stage;
import org.glean.detector.ForwardBenchmark.Trial;
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
 * next to nothing — the comparison errs in the plain network's favour. Every variant runs on the
 * same batch of synthetic CT and DX images with findings ({@link PhantomBatch}), so that the
 * trained model's detection selects objects and copies out their mixtures as it does in service.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times, round-robin so that the machine's drift falls on every variant alike, forward passes "
                + "(median of --measurements rounds after --warmup) of the MDN network, the same "
                + "network with a plain head, and MC-dropout with T passes on the plain network, and end-to-end "
                + "detection (forward, scores, decoding, NMS, the detected objects' mixtures) of the MDN and plain "
                + "networks, all on the same synthetic CT and DX images with findings; prints a markdown table of "
                + "ms/image and images/s per batch size and the ratios.")
public final class BenchModelCommand implements Callable<Integer> {

    private static final long PHANTOM_SEED = 11;

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
        try (Detector mdnDetector = model != null ? DetectorCheckpoint.load(model).detector() : Detector.create(mdn, preprocessing);
             Detector plainDetector = Detector.create(plain, preprocessing);
             Detector dropoutDetector = Detector.create(dropoutNetwork, preprocessing)) {
            List<String> names = List.of("MDN forward (one pass)", "plain SSD forward", "MC-dropout forward, T=" + passes,
                    "MDN detect (end to end)", "plain SSD detect (end to end)");
            List<Trial> trials = List.of(new Trial(mdnDetector, Stage.FORWARD, 1), new Trial(plainDetector, Stage.FORWARD, 1),
                    new Trial(dropoutDetector, Stage.FORWARD, passes), new Trial(mdnDetector, Stage.DETECT, 1),
                    new Trial(plainDetector, Stage.DETECT, 1));
            for (int batch : batchSizes) {
                List<ForwardBenchmark.Result> results = ForwardBenchmark.interleaved(trials,
                        PhantomBatch.of(mdnDetector.preprocessing(), batch, PHANTOM_SEED), warmup, measurements);
                double[] perImage = new double[results.size()];
                for (int t = 0; t < results.size(); t++) {
                    perImage[t] = results.get(t).medianMillis() / batch;
                    System.out.printf("| %s | %d | %.2f | %.1f |%n", names.get(t), batch, perImage[t], 1000 / perImage[t]);
                }
                ratios.add(String.format("batch %d: forward MDN / plain = %.2f×; detect MDN / plain = %.2f×; "
                                + "MC-dropout T=%d / MDN forward = %.1f×, / MDN detect = %.1f×",
                        batch, perImage[0] / perImage[1], perImage[3] / perImage[4], passes, perImage[2] / perImage[0],
                        perImage[2] / perImage[3]));
            }
        }
        System.out.println();
        ratios.forEach(System.out::println);
        return 0;
    }
}
