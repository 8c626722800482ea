package org.glean.detector;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector ready to run: the network with its parameters (owned by a DJL {@link Model} on one
 * device), the preprocessing it was trained with and its anchors. Close it to free native memory.
 */
public final class Detector implements AutoCloseable {

    public static final String ENGINE = "PyTorch";

    private final Model model;
    private final DetectorNetwork network;
    private final Preprocessing preprocessing;
    private final Anchors anchors;

    private Detector(Model model, DetectorNetwork network, Preprocessing preprocessing) {
        this.model = model;
        this.network = network;
        this.preprocessing = preprocessing;
        this.anchors = network.config().generateAnchors();
    }

    /** A new network with freshly initialised parameters on the CPU. */
    public static Detector create(DetectorConfig config, Preprocessing preprocessing) {
        return create(config, preprocessing, Device.cpu());
    }

    public static Detector create(DetectorConfig config, Preprocessing preprocessing, Device device) {
        if (preprocessing.inputSize() != config.inputSize()) {
            throw new IllegalArgumentException("preprocessing produces " + preprocessing.inputSize()
                    + "² inputs but the network takes " + config.inputSize() + "²");
        }
        Model model = Model.newInstance("glean-detector", device, ENGINE);
        DetectorNetwork network = new DetectorNetwork(config);
        model.setBlock(network);
        network.initialize(model.getNDManager(), DataType.FLOAT32, network.inputShape(1));
        return new Detector(model, network, preprocessing);
    }

    public DetectorConfig config() {
        return network.config();
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public Anchors anchors() {
        return anchors;
    }

    public DetectorNetwork network() {
        return network;
    }

    public Model model() {
        return model;
    }

    /** The images as one [batch, 1, size, size] array on {@code manager}. */
    public NDArray batch(NDManager manager, List<PreprocessedImage> images) {
        int size = config().inputSize();
        FloatBuffer data = FloatBuffer.allocate(images.size() * size * size);
        for (PreprocessedImage image : images) {
            if (image.size() != size) {
                throw new IllegalArgumentException("image is " + image.size() + "² but the network takes " + size + "²");
            }
            data.put(image.pixels());
        }
        data.flip();
        return manager.create(data, network.inputShape(images.size()));
    }

    /**
     * One inference pass (BatchNorm on running statistics); with {@code monteCarloDropout} the
     * network's dropout stays on. Returns the head's raw outputs per feature map as
     * {@link DetectionHead#predict} lays them out, which belong to {@code manager}.
     */
    public NDList forward(NDManager manager, List<PreprocessedImage> images, boolean monteCarloDropout) {
        if (monteCarloDropout && config().dropout() == 0) {
            throw new IllegalStateException("this network has no dropout; MC-dropout needs a dropout rate above 0");
        }
        NDArray input = batch(manager, images);
        return network.predict(new ParameterStore(manager, false), new NDList(input),
                monteCarloDropout ? DetectorNetwork.monteCarloDropout() : null);
    }

    /**
     * Detections per image, in input order (method.md §3). Mixture heads: R and P are computed
     * on the engine map by map for all anchors, and only the detected anchors' outputs are copied
     * out and activated in full.
     */
    public List<List<Detection>> detect(List<PreprocessedImage> images, DecoderSettings settings) {
        DetectionDecoder decoder = new DetectionDecoder(anchors, config().classes(), settings);
        List<List<Detection>> detections = new ArrayList<>(images.size());
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList outputs = forward(manager, images, false);
            if (config().head() == HeadType.PLAIN) {
                List<PlainPredictions> predictions = PlainHead.toPredictions(network.head().anchorOutputs(outputs));
                for (int i = 0; i < images.size(); i++) {
                    detections.add(decoder.decode(predictions.get(i), images.get(i).transform()));
                }
                return detections;
            }
            int components = config().components();
            int classes = config().classesWithBackground();
            NDList scores = MdnHead.scores(outputs, components, classes);
            float[] offsets = scores.get(0).toFloatArray();
            float[] probabilities = scores.get(1).toFloatArray();
            int count = anchors.count();
            for (int i = 0; i < images.size(); i++) {
                AnchorScores image = new AnchorScores(count, classes,
                        MdnHead.slice(offsets, i, count * 4), MdnHead.slice(probabilities, i, count * classes));
                List<Detection> found = decoder.decode(image, anchor -> null, images.get(i).transform());
                if (found.isEmpty()) {
                    detections.add(found);
                    continue;
                }
                MdnPredictions mixtures = MdnHead.select(outputs, i,
                        found.stream().mapToInt(Detection::anchorIndex).toArray(), components, classes);
                List<Detection> withMixtures = new ArrayList<>(found.size());
                for (int d = 0; d < found.size(); d++) {
                    withMixtures.add(found.get(d).withMixture(mixtures.mixture(d)));
                }
                detections.add(withMixtures);
            }
        }
        return detections;
    }

    @Override
    public void close() {
        model.close();
    }
}
