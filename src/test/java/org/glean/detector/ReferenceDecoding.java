package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Detection the long way, as a reference for {@link Detector#detect}: the network's training-layout
 * outputs (the linear projection over channels-last maps, all maps joined), every anchor activated
 * in plain Java ({@link MdnPredictions#fromRaw}) and decoded there.
 */
final class ReferenceDecoding {

    /** Differences allowed between the two paths: the same products summed in another order. */
    static final double TOLERANCE = 1e-5;

    private ReferenceDecoding() {
    }

    /** The network's outputs [batch, anchor, output] as the loss takes them, BatchNorm on running statistics. */
    static NDArray trainingLayout(Detector detector, NDManager manager, List<PreprocessedImage> images) {
        return detector.network().forward(new ParameterStore(manager, false),
                new NDList(detector.batch(manager, images)), false).singletonOrThrow();
    }

    static List<List<Detection>> detect(Detector detector, List<PreprocessedImage> images, DecoderSettings settings) {
        DetectionDecoder decoder = new DetectionDecoder(detector.anchors(), detector.config().classes(), settings);
        List<List<Detection>> detections = new ArrayList<>();
        try (NDManager manager = detector.model().getNDManager().newSubManager()) {
            List<MdnPredictions> all = MdnHead.toPredictions(trainingLayout(detector, manager, images),
                    detector.config().components(), detector.config().classesWithBackground());
            for (int i = 0; i < images.size(); i++) {
                detections.add(decoder.decode(all.get(i), images.get(i).transform()));
            }
        }
        return detections;
    }

    /** Same objects in the same order, with the same scores, boxes and mixtures within {@link #TOLERANCE}. */
    static void assertSameDetections(List<Detection> actual, List<Detection> expected) {
        assertThat(actual).extracting(Detection::anchorIndex)
                .containsExactlyElementsOf(expected.stream().map(Detection::anchorIndex).toList());
        assertThat(actual).extracting(Detection::label)
                .containsExactlyElementsOf(expected.stream().map(Detection::label).toList());
        for (int d = 0; d < actual.size(); d++) {
            Detection a = actual.get(d);
            Detection e = expected.get(d);
            assertThat(a.score()).isCloseTo(e.score(), within(TOLERANCE));
            assertClose(new double[] {a.box().cx(), a.box().cy(), a.box().w(), a.box().h()},
                    new double[] {e.box().cx(), e.box().cy(), e.box().w(), e.box().h()});
            assertSameMixture(a.mixture(), e.mixture());
        }
    }

    static void assertSameMixture(MixtureParameters actual, MixtureParameters expected) {
        assertClose(actual.locWeights(), expected.locWeights());
        assertClose(actual.locMeans(), expected.locMeans());
        assertClose(actual.locVariances(), expected.locVariances());
        assertClose(actual.clsWeights(), expected.clsWeights());
        assertClose(actual.clsLogits(), expected.clsLogits());
        assertClose(actual.clsVariances(), expected.clsVariances());
    }

    private static void assertClose(double[][] actual, double[][] expected) {
        assertThat(actual).hasNumberOfRows(expected.length);
        for (int i = 0; i < actual.length; i++) {
            assertClose(actual[i], expected[i]);
        }
    }

    static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("value %d", i).isCloseTo(expected[i], within(TOLERANCE));
        }
    }
}
