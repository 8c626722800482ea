package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The convolutional trunk plus the extra layers (see {@link DetectorConfig}): takes
 * [batch, 1, size, size] and returns the feature maps the head reads, largest first.
 *
 * <p>With a feature pyramid, each map but the coarsest adds a 1×1 projection of the next coarser
 * map (already merged, doubled in size by repeating its pixels), so the fine maps that find small
 * objects also hear the wider context that tells an object from anatomy. The projections start at
 * zero: a network that gains the pyramid computes exactly what it did until training moves them.
 */
public final class Backbone extends AbstractBlock {

    private static final String TOP_DOWN = "topdown";

    private final List<Block> layers = new ArrayList<>();
    private final int firstFeatureMap;
    // topDown.get(m) projects merged map m + 1 onto map m; empty without a pyramid
    private final List<Block> topDown = new ArrayList<>();

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
        if (config.featurePyramid()) {
            List<Integer> channels = featureMapChannels(config);
            for (int m = 0; m < channels.size() - 1; m++) {
                Block projection = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(channels.get(m))
                        .optBias(false).build();
                projection.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
                topDown.add(addChildBlock(TOP_DOWN + m, projection));
            }
        }
    }

    /** Whether a parameter name (as {@link DetectorNetwork#getParameters()} lists it) is one of the pyramid's. */
    static boolean isTopDownParameter(String name) {
        return name.contains(TOP_DOWN);
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
        for (int m = topDown.size() - 1; m >= 0; m--) {
            NDArray context = topDown.get(m).forward(store, new NDList(upsample(maps.get(m + 1))), training, params)
                    .singletonOrThrow();
            maps.set(m, maps.get(m).add(context));
        }
        return maps;
    }

    private static NDArray upsample(NDArray map) {
        return map.repeat(2, 2).repeat(3, 2);
    }

    private static Shape upsampled(Shape map) {
        return new Shape(map.get(0), map.get(1), map.get(2) * 2, map.get(3) * 2);
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
        Shape[] maps = getOutputShapes(inputShapes);
        for (int m = 0; m < topDown.size(); m++) {
            topDown.get(m).initialize(manager, dataType, upsampled(maps[m + 1]));
        }
    }
}
