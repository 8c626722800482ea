package org.glean.detector;

/**
 * How a frame of {@code rows × columns} pixels sits in the square network input of
 * {@code inputSize} pixels: scaled by the same factor on both axes so that its longer side fills
 * the input, rounded to whole pixels ({@code scaledColumns × scaledRows}), and centred with
 * padding ({@code padX} columns on the left, {@code padY} rows on top). Maps boxes both ways.
 */
public record LetterboxTransform(int inputSize, int rows, int columns, int scaledRows, int scaledColumns,
                                 int padX, int padY) {

    public static LetterboxTransform fit(int rows, int columns, int inputSize) {
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("frame must have at least one row and column, got "
                    + rows + " × " + columns);
        }
        double scale = (double) inputSize / Math.max(rows, columns);
        int scaledRows = Math.max(1, (int) Math.round(rows * scale));
        int scaledColumns = Math.max(1, (int) Math.round(columns * scale));
        return new LetterboxTransform(inputSize, rows, columns, scaledRows, scaledColumns,
                (inputSize - scaledColumns) / 2, (inputSize - scaledRows) / 2);
    }

    /** Input pixels per original pixel along x. */
    public double scaleX() {
        return (double) scaledColumns / columns;
    }

    /** Input pixels per original pixel along y. */
    public double scaleY() {
        return (double) scaledRows / rows;
    }

    /** A normalised input box in the original frame's pixel coordinates. */
    public PixelBox toPixels(Box box) {
        return new PixelBox(
                (box.xmin() * inputSize - padX) / scaleX(),
                (box.ymin() * inputSize - padY) / scaleY(),
                (box.xmax() * inputSize - padX) / scaleX(),
                (box.ymax() * inputSize - padY) / scaleY());
    }

    /** A box in the original frame's pixel coordinates as a normalised input box. */
    public Box toNormalised(PixelBox box) {
        return Box.fromCorners(
                (box.xmin() * scaleX() + padX) / inputSize,
                (box.ymin() * scaleY() + padY) / inputSize,
                (box.xmax() * scaleX() + padX) / inputSize,
                (box.ymax() * scaleY() + padY) / inputSize);
    }
}
