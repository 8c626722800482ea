package org.glean.detector;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** The convolution units the network is built from. */
final class ConvLayers {

    private ConvLayers() {
    }

    /** Square convolution ("same" padding, no bias since BatchNorm follows), BatchNorm, ReLU. */
    static SequentialBlock convBnRelu(int filters, int kernel, int stride, int groups) {
        return new SequentialBlock()
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(kernel, kernel))
                        .optStride(new Shape(stride, stride))
                        .optPadding(new Shape(kernel / 2, kernel / 2))
                        .setFilters(filters)
                        .optGroups(groups)
                        .optBias(false)
                        .build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock());
    }
}
