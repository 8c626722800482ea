package org.glean.detector;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a frame in modality units into the network input, recorded in the model so that training
 * and inference agree:
 * <ol>
 *   <li>resample the frame so that its longer side spans {@code inputSize} pixels, keeping its
 *       aspect ratio ({@link LetterboxTransform}); shrinking averages the covered source area
 *       (no aliasing of fine texture or tiny calcifications), enlarging interpolates bilinearly;</li>
 *   <li>window the resampled values to [0, 1] with the {@link Windowing} of the frame's Modality
 *       ({@code otherModalities} when the Modality is not listed);</li>
 *   <li>centre it in the square input, padding with 0 (the low end of the window).</li>
 * </ol>
 * Percentile windows read the resampled frame, not the padding.
 *
 * @param modalityWindows windowing by DICOM Modality code (upper case), e.g. "CT"
 */
public record Preprocessing(int inputSize, Map<String, Windowing> modalityWindows, Windowing otherModalities) {

    public Preprocessing {
        if (inputSize < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + inputSize);
        }
        modalityWindows = Map.copyOf(new TreeMap<>(modalityWindows));
    }

    /**
     * CT in a fixed window of −1000 … 1000 HU (air 0, water 0.5, dense calcification and bone
     * towards 1) so that densities mean the same in every study; every other modality from its
     * own 0.5th to 99.5th percentile.
     */
    public static Preprocessing defaults(int inputSize) {
        return new Preprocessing(inputSize, Map.of("CT", Windowing.fixed(0, 2000)), Windowing.percentile(0.5, 99.5));
    }

    public Windowing windowingFor(String modality) {
        return modalityWindows.getOrDefault(modality.toUpperCase(Locale.ROOT), otherModalities);
    }

    public PreprocessedImage apply(ModalityFrame frame) {
        for (float v : frame.pixels()) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("frame contains a non-finite pixel value; cannot preprocess it");
            }
        }
        LetterboxTransform transform = LetterboxTransform.fit(frame.rows(), frame.columns(), inputSize);
        // A frame of the input's size needs no resampling: its weights would be 1 and 0 (measured
        // with glean bench-scoring, resampling was most of the preprocessing of 256² CT slices).
        boolean inputSized = transform.scaledRows() == frame.rows() && transform.scaledColumns() == frame.columns();
        float[] resampled = inputSized ? frame.pixels() : resample(frame.pixels(), frame.rows(), frame.columns(),
                transform.scaledRows(), transform.scaledColumns());
        double[] range = windowingFor(frame.modality()).range(resampled, frame.windowCenter(), frame.windowWidth());
        double low = range[0];
        double span = range[1] - range[0];
        float[] input = new float[inputSize * inputSize];
        if (span > 0) {
            // row by row, clamped by comparisons: Math.min/max's care for NaN and −0 made this
            // loop most of the preprocessing (the values are finite, the results the same)
            int columns = transform.scaledColumns();
            for (int r = 0; r < transform.scaledRows(); r++) {
                int from = r * columns;
                int to = (r + transform.padY()) * inputSize + transform.padX();
                for (int c = 0; c < columns; c++) {
                    double v = (resampled[from + c] - low) / span;
                    input[to + c] = (float) (v > 0 ? (v < 1 ? v : 1) : 0);
                }
            }
        }
        return new PreprocessedImage(input, inputSize, transform);
    }

    /** Separable resampling of a {@code rows × columns} image to {@code outRows × outColumns}. */
    static float[] resample(float[] source, int rows, int columns, int outRows, int outColumns) {
        AxisWeights alongX = AxisWeights.of(columns, outColumns);
        AxisWeights alongY = AxisWeights.of(rows, outRows);
        float[] rowsResampled = new float[rows * outColumns];
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < outColumns; u++) {
                double sum = 0;
                for (int t = 0; t < alongX.indices[u].length; t++) {
                    sum += alongX.weights[u][t] * source[r * columns + alongX.indices[u][t]];
                }
                rowsResampled[r * outColumns + u] = (float) sum;
            }
        }
        float[] out = new float[outRows * outColumns];
        for (int v = 0; v < outRows; v++) {
            for (int u = 0; u < outColumns; u++) {
                double sum = 0;
                for (int t = 0; t < alongY.indices[v].length; t++) {
                    sum += alongY.weights[v][t] * rowsResampled[alongY.indices[v][t] * outColumns + u];
                }
                out[v * outColumns + u] = (float) sum;
            }
        }
        return out;
    }

    /** For every output position along one axis: the source positions it reads and their weights. */
    private record AxisWeights(int[][] indices, double[][] weights) {

        static AxisWeights of(int in, int out) {
            int[][] indices = new int[out][];
            double[][] weights = new double[out][];
            double step = (double) in / out;
            for (int u = 0; u < out; u++) {
                if (out < in) {
                    // area average over the source interval [u·step, (u+1)·step)
                    double lo = u * step;
                    double hi = (u + 1) * step;
                    int first = (int) Math.floor(lo);
                    int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
                    indices[u] = new int[last - first + 1];
                    weights[u] = new double[last - first + 1];
                    for (int i = first; i <= last; i++) {
                        indices[u][i - first] = i;
                        weights[u][i - first] = (Math.min(hi, i + 1) - Math.max(lo, i)) / step;
                    }
                } else {
                    // bilinear between the two nearest source centres, edges clamped
                    double x = (u + 0.5) * step - 0.5;
                    int left = (int) Math.floor(x);
                    double fraction = x - left;
                    indices[u] = new int[] {Math.max(0, left), Math.min(in - 1, left + 1)};
                    weights[u] = new double[] {1 - fraction, fraction};
                }
            }
            return new AxisWeights(indices, weights);
        }
    }
}
