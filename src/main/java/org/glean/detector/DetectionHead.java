package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Predicts every anchor's outputs from the feature maps. On each map an SSDLite-style predictor
 * — a depthwise 3×3 convolution with BatchNorm and ReLU, then a 1×1 projection to
 * {@code anchorsPerCell × outputsPerAnchor} values per cell — keeps the head's cost small next to
 * the backbone's. The outputs come in two layouts from the same parameters:
 * <ul>
 * <li>{@link #forward} (training, the loss): the projection is applied as a linear layer to the
 * channels-last feature map, so its output comes out laid out as [batch, anchor, output] in
 * {@link Anchors} order, and the maps' outputs are concatenated into one raw array.</li>
 * <li>{@link #predict} (inference): per map one array [batch, channel, cell] — the projection as a
 * matrix product over the feature map as it is, its output channels reordered by
 * {@link #planarOrder} so that what decoding needs lies in contiguous planes (see
 * {@link MdnHead}). Nothing is concatenated or transposed at full size: per map the MDN's
 * outputs are 10× the plain head's, and joining them into one array cost a third of the
 * convolutions' time at batch 16; decoding reduces each map to a few values per anchor first.</li>
 * </ul>
 * What the outputs mean, and how they are activated, the subclasses say. Activation is left to
 * the caller because inference needs only part of it: the loss takes every activated parameter of
 * every anchor, detection only the mixture means and weights of every anchor and the rest for the
 * few detected ones.
 *
 * <p>The background logits start from the prior that an anchor is background with probability
 * {@value #BACKGROUND_PRIOR} (RetinaNet's prior initialisation). Without it every anchor starts at
 * 1/(C+1) for each class, the 3:1 mined negatives lower only a few hundred of the thousands of
 * background anchors per step, and after hundreds of steps a model still scores ~0.25 for some
 * class on almost every anchor.
 */
public abstract class DetectionHead extends AbstractBlock {

    /** The probability of background that every anchor starts from. */
    public static final double BACKGROUND_PRIOR = 0.99;

    private final List<Block> dropouts = new ArrayList<>();
    private final List<SequentialBlock> predictors = new ArrayList<>();
    private final List<Linear> projections = new ArrayList<>();
    private final List<Integer> anchorsPerCell = new ArrayList<>();
    /** Layers of a predictor before its projection: the depthwise convolution, BatchNorm, ReLU. */
    private int featureLayers;
    private final int outputsPerAnchor;
    private final int classesWithBackground;

    protected DetectionHead(DetectorConfig config) {
        outputsPerAnchor = config.outputsPerAnchor();
        classesWithBackground = config.classesWithBackground();
        List<Integer> channels = Backbone.featureMapChannels(config);
        for (int m = 0; m < channels.size(); m++) {
            int width = channels.get(m);
            int perCell = config.anchors().get(m).anchorsPerCell();
            anchorsPerCell.add(perCell);
            if (config.dropout() > 0) {
                dropouts.add(addChildBlock("dropout" + m, new McDropout(config.dropout())));
            }
            Linear projection = Linear.builder().setUnits((long) perCell * outputsPerAnchor).build();
            projections.add(projection);
            SequentialBlock predictor = ConvLayers.convBnRelu(width, 3, 1, width);
            featureLayers = predictor.getChildren().size();
            predictors.add(addChildBlock("predict" + m, predictor
                    .addSingleton(x -> x.transpose(0, 2, 3, 1), "channelsLast")
                    .add(projection)));
        }
    }

    /** The head a configuration asks for. */
    public static DetectionHead create(DetectorConfig config) {
        return config.head() == HeadType.MDN ? new MdnHead(config) : new PlainHead(config);
    }

    protected int outputsPerAnchor() {
        return outputsPerAnchor;
    }

    /** Positions, within one anchor's raw outputs, of the background class's logits. */
    protected abstract int[] backgroundLogits();

    /**
     * The channel order of {@link #predict}'s outputs on a map with {@code anchorsPerCell} anchors
     * per cell: entry i is the projection unit (anchor slot × outputs per anchor + output) that
     * channel i holds.
     */
    protected abstract int[] planarOrder(int anchorsPerCell);

    /**
     * The inference outputs of the feature maps: per map [batch, anchorsPerCell · outputsPerAnchor,
     * rows · columns], channels in {@link #planarOrder}, cells row by row. With
     * {@link DetectorNetwork#MC_DROPOUT} in {@code params} the dropout stays on.
     */
    public NDList predict(ParameterStore store, NDList maps, PairList<String, Object> params) {
        NDList perMap = new NDList(predictors.size());
        for (int m = 0; m < predictors.size(); m++) {
            NDList x = new NDList(maps.get(m));
            if (!dropouts.isEmpty()) {
                x = dropouts.get(m).forward(store, x, false, params);
            }
            for (Block layer : predictors.get(m).getChildren().values().subList(0, featureLayers)) {
                x = layer.forward(store, x, false, params);
            }
            NDArray features = x.singletonOrThrow();
            Shape shape = features.getShape();
            NDManager manager = features.getManager();
            Linear projection = projections.get(m);
            try (NDArray order = manager.create(toLongs(planarOrder(anchorsPerCell.get(m))))) {
                // gathered from the parameters, the rows would belong to the model's manager and
                // pile up there pass after pass: they belong to this pass's
                NDArray weight = store.getValue(projection.getParameters().get("weight"), manager.getDevice(), false)
                        .get(new NDIndex("{}", order));
                weight.attach(manager);
                NDArray bias = store.getValue(projection.getParameters().get("bias"), manager.getDevice(), false)
                        .get(new NDIndex("{}", order));
                bias.attach(manager);
                // the bias in place: the product is new, and the MDN's is the largest array of the pass
                perMap.add(weight.matMul(features.reshape(shape.get(0), shape.get(1), shape.get(2) * shape.get(3)))
                        .addi(bias.expandDims(1)));
            }
        }
        return perMap;
    }

    /**
     * {@link #predict}'s outputs in {@link #forward}'s layout: one array [batch, anchor, output],
     * all maps' anchors in {@link Anchors} order.
     */
    public NDArray anchorOutputs(NDList planar) {
        NDList perMap = new NDList(planar.size());
        for (int m = 0; m < planar.size(); m++) {
            NDArray y = planar.get(m);
            long batch = y.getShape().get(0);
            int[] order = planarOrder(anchorsPerCell.get(m));
            long[] channelOfUnit = new long[order.length];
            boolean inUnitOrder = true;
            for (int channel = 0; channel < order.length; channel++) {
                channelOfUnit[order[channel]] = channel;
                inUnitOrder &= order[channel] == channel;
            }
            NDArray cellsFirst = y.transpose(0, 2, 1);
            if (inUnitOrder) {
                perMap.add(cellsFirst.reshape(batch, -1, outputsPerAnchor));
                continue;
            }
            try (NDArray index = y.getManager().create(channelOfUnit)) {
                perMap.add(cellsFirst.get(new NDIndex(":, :, {}", index)).reshape(batch, -1, outputsPerAnchor));
            }
        }
        return perMap.size() == 1 ? perMap.get(0) : NDArrays.concat(perMap, 1);
    }

    static long[] toLongs(int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return longs;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList maps, boolean training,
                                     PairList<String, Object> params) {
        NDList perMap = new NDList(predictors.size());
        for (int m = 0; m < predictors.size(); m++) {
            NDList x = new NDList(maps.get(m));
            if (!dropouts.isEmpty()) {
                x = dropouts.get(m).forward(store, x, training, params);
            }
            NDArray y = predictors.get(m).forward(store, x, training, params).singletonOrThrow();
            // [B, H, W, anchors·outputs] → [B, H·W·anchors, outputs]: row, column, anchor order
            perMap.add(y.reshape(y.getShape().get(0), -1, outputsPerAnchor));
        }
        return new NDList(perMap.size() == 1 ? perMap.get(0) : NDArrays.concat(perMap, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] mapShapes) {
        long anchors = 0;
        for (int m = 0; m < mapShapes.length; m++) {
            anchors += mapShapes[m].get(2) * mapShapes[m].get(3) * anchorsPerCell.get(m);
        }
        return new Shape[] {new Shape(mapShapes[0].get(0), anchors, outputsPerAnchor)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... mapShapes) {
        for (int m = 0; m < predictors.size(); m++) {
            predictors.get(m).initialize(manager, dataType, mapShapes[m]);
            setBackgroundPrior(projections.get(m));
        }
    }

    /** Background logit log((P/(1−P))·C) with the other logits at 0 gives P(background) = P. */
    private void setBackgroundPrior(Linear projection) {
        int classes = classesWithBackground;
        float logit = (float) Math.log(BACKGROUND_PRIOR / (1 - BACKGROUND_PRIOR) * (classes - 1));
        Parameter bias = projection.getParameters().get("bias");
        float[] values = bias.getArray().toFloatArray();
        for (int anchor = 0; anchor < values.length / outputsPerAnchor; anchor++) {
            for (int offset : backgroundLogits()) {
                values[anchor * outputsPerAnchor + offset] = logit;
            }
        }
        bias.getArray().set(FloatBuffer.wrap(values));
    }
}
