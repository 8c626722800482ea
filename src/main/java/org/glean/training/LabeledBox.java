package org.glean.training;

/**
 * A ground-truth object on one frame: its class and its box in pixel coordinates of the frame
 * (column {@code c} covers {@code [c, c+1)}).
 *
 * @param classIndex 0-based index into the dataset's class names (background is not a class here)
 * @param x left edge
 * @param y top edge
 * @param width box width, positive
 * @param height box height, positive
 */
public record LabeledBox(int classIndex, double x, double y, double width, double height) {
}
