package org.glean.detector;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The convolutional trunk plus the extra layers (see {@link DetectorConfig}): takes
 * [batch, 1, size, size] and returns the feature maps the head reads, largest first.
 */
public final class Backbone extends AbstractBlock {

    private final List<Block> layers = new ArrayList<>();
    private final int firstFeatureMap;

    public Backbone(DetectorConfig config) {
        List<Integer> stages = config.backboneChannels();
        for (int s = 0; s < stages.size(); s++) {
            int width = stages.get(s);
            layers.add(addChildBlock("stage" + s, ConvLayers.convBnRelu(width, 3, 2, 1)
                    .addAll(ConvLayers.convBnRelu(width, 3, 1, 1))));
        }
        List<Integer> extras = config.extraChannels();
        for (int e = 0; e < extras.size(); e++) {
            int width = extras.get(e);
            int reduced = ceilToMultiple(width / 2, DetectorConfig.CHANNEL_MULTIPLE);
            layers.add(addChildBlock("extra" + e, ConvLayers.convBnRelu(reduced, 1, 1, 1)
                    .addAll(ConvLayers.convBnRelu(width, 3, 2, 1))));
        }
        firstFeatureMap = stages.size() - config.backboneFeatureMaps();
    }

    private static int ceilToMultiple(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** Channels of every feature map, largest map first. */
    static List<Integer> featureMapChannels(DetectorConfig config) {
        List<Integer> channels = new ArrayList<>();
        List<Integer> stages = config.backboneChannels();
        channels.addAll(stages.subList(stages.size() - config.backboneFeatureMaps(), stages.size()));
        channels.addAll(config.extraChannels());
        return channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList maps = new NDList();
        NDList x = inputs;
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(store, x, training, params);
            if (i >= firstFeatureMap) {
                maps.add(x.singletonOrThrow());
            }
        }
        return maps;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        List<Shape> maps = new ArrayList<>();
        Shape[] x = inputShapes;
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).getOutputShapes(x);
            if (i >= firstFeatureMap) {
                maps.add(x[0]);
            }
        }
        return maps.toArray(Shape[]::new);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] x = inputShapes;
        for (Block layer : layers) {
            layer.initialize(manager, dataType, x);
            x = layer.getOutputShapes(x);
        }
    }
}
