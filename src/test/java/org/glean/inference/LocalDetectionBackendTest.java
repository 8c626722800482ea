package org.glean.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.ModalityFrame;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.PixelMedDicomReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-process detector on phantom frames, with the tiny model trained by our own code. */
class LocalDetectionBackendTest {

    private static final double THRESHOLD = Double.parseDouble(TinyModel.OBJECT_THRESHOLD);

    static DetectorCheckpoint checkpoint;
    static ActiveModel model;
    static List<ModalityFrame> frames = new ArrayList<>();

    @BeforeAll
    static void loadModelAndFrames() throws Exception {
        checkpoint = DetectorCheckpoint.load(TinyModel.modelDirectory());
        model = new ActiveModel("tiny", checkpoint.detector(), null);
        PixelMedDicomReader reader = new PixelMedDicomReader();
        for (List<Path> study : TinyModel.studies().values()) {
            for (Path file : study) {
                DecodedImage image = reader.decode(file);
                frames.add(new ModalityFrame(image.frames().get(0), image.header().rows(), image.header().columns(),
                        image.header().modality(), image.header().windowCenter(), image.header().windowWidth()));
            }
        }
    }

    @AfterAll
    static void close() {
        checkpoint.close();
    }

    @Test
    void findsObjectsAboveTheThresholdInsideTheFrameHighestScoreFirst() throws Exception {
        DetectedFrames detected = new LocalDetectionBackend(ModelSupplier.fixed(model), 4, THRESHOLD).detect(frames);

        assertThat(detected.modelVersion()).isEqualTo("tiny");
        assertThat(detected.frames()).hasSize(frames.size());
        List<FoundObject> all = detected.frames().stream().flatMap(List::stream).toList();
        assertThat(all).isNotEmpty();
        for (int i = 0; i < frames.size(); i++) {
            ModalityFrame frame = frames.get(i);
            List<FoundObject> objects = detected.frames().get(i);
            assertThat(objects).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
            assertThat(objects).allSatisfy(o -> {
                assertThat(o.score()).isBetween(THRESHOLD, 1.0);
                assertThat(o.box().xmin()).isBetween(0.0, o.box().xmax());
                assertThat(o.box().xmax()).isLessThanOrEqualTo(frame.columns());
                assertThat(o.box().ymin()).isBetween(0.0, o.box().ymax());
                assertThat(o.box().ymax()).isLessThanOrEqualTo(frame.rows());
                assertThat(checkpoint.manifest().network().classes()).contains(o.label());
            });
        }
    }

    @Test
    void batchSizeDoesNotChangeWhatIsFound() throws Exception {
        DetectedFrames oneByOne = new LocalDetectionBackend(ModelSupplier.fixed(model), 1, THRESHOLD).detect(frames);
        DetectedFrames allAtOnce = new LocalDetectionBackend(ModelSupplier.fixed(model), frames.size(), THRESHOLD)
                .detect(frames);

        assertThat(allAtOnce.frames()).hasSameSizeAs(oneByOne.frames());
        for (int i = 0; i < frames.size(); i++) {
            List<FoundObject> a = oneByOne.frames().get(i);
            List<FoundObject> b = allAtOnce.frames().get(i);
            assertThat(b).extracting(FoundObject::label).isEqualTo(a.stream().map(FoundObject::label).toList());
            for (int j = 0; j < a.size(); j++) {
                assertThat(b.get(j).score()).isCloseTo(a.get(j).score(), org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void withoutAModelItSaysSo() {
        LocalDetectionBackend none = new LocalDetectionBackend(Optional::empty, 4, THRESHOLD);

        assertThatThrownBy(() -> none.detect(frames)).isInstanceOf(NoModelException.class)
                .hasMessageContaining("no model installed");
    }
}
