package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Draws the γ ~ N(0, 1) of the reparameterised classification samples; fixed in tests. */
@FunctionalInterface
public interface NoiseSource {

    NoiseSource STANDARD_NORMAL = (manager, shape) -> manager.randomNormal(shape);

    NDArray standardNormal(NDManager manager, Shape shape);
}
