package org.glean.detector;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Dropout that can also stay on at inference, for Monte-Carlo dropout: active while training,
 * or when the forward call's parameters contain {@link DetectorNetwork#MC_DROPOUT}. Unlike
 * switching the whole network to training mode, BatchNorm keeps its running statistics.
 */
final class McDropout extends AbstractBlock {

    private final float rate;

    McDropout(double rate) {
        this.rate = (float) rate;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        boolean active = training || params != null && params.contains(DetectorNetwork.MC_DROPOUT);
        return active ? Dropout.dropout(inputs.singletonOrThrow(), rate, true) : inputs;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
