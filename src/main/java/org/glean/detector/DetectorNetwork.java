package org.glean.detector;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The whole detector: {@link Backbone} then a {@link DetectionHead}. Input [batch, 1, size, size]
 * of preprocessed intensities; output as the head defines ({@link MdnHead} or {@link PlainHead}).
 */
public final class DetectorNetwork extends AbstractBlock {

    /** Forward-call parameter that keeps dropout on at inference (MC-dropout). */
    public static final String MC_DROPOUT = "mc-dropout";

    private final DetectorConfig config;
    private final Backbone backbone;
    private final DetectionHead head;
    // The backbone's trainable parameters while it is frozen; empty while it trains.
    private List<Parameter> frozen = List.of();

    public DetectorNetwork(DetectorConfig config) {
        this.config = config;
        backbone = addChildBlock("backbone", new Backbone(config));
        head = addChildBlock("head", DetectionHead.create(config));
    }

    public DetectorConfig config() {
        return config;
    }

    /** Forward parameters for one Monte-Carlo dropout pass. */
    public static PairList<String, Object> monteCarloDropout() {
        PairList<String, Object> params = new PairList<>();
        params.add(MC_DROPOUT, Boolean.TRUE);
        return params;
    }

    /**
     * Freezes the backbone (its weights take no gradient and its BatchNorm layers keep their
     * running statistics, as at inference), or lets it train again: fine-tuning on a few
     * annotations first fits the head to features that stay as the first site's data made them.
     */
    public void freezeBackbone(boolean freeze) {
        if (freeze && frozen.isEmpty()) {
            frozen = backbone.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
            frozen.forEach(parameter -> parameter.freeze(true));
        } else if (!freeze) {
            frozen.forEach(parameter -> parameter.freeze(false));
            frozen = List.of();
        }
    }

    public boolean backboneFrozen() {
        return !frozen.isEmpty();
    }

    public DetectionHead head() {
        return head;
    }

    /**
     * The inference pass (BatchNorm on running statistics): the head's per-map outputs as
     * {@link DetectionHead#predict} lays them out.
     */
    public NDList predict(ParameterStore store, NDList inputs, PairList<String, Object> params) {
        return head.predict(store, backbone.forward(store, inputs, false, params), params);
    }

    public Shape inputShape(long batch) {
        return new Shape(batch, 1, config.inputSize(), config.inputSize());
    }

    /** Number of values the parameter file stores: weights plus BatchNorm running statistics. */
    public long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** Number of values training updates. */
    public long trainableParameterCount() {
        return getParameters().values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size()).sum();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return head.forward(store, backbone.forward(store, inputs, training && frozen.isEmpty(), params), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(backbone.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
    }
}
