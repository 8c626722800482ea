package org.glean.training.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.glean.coco.CocoFile;
import org.glean.detector.Box;
import org.glean.detector.GroundTruthBox;
import org.glean.training.PreprocessedDataset.Item;
import org.junit.jupiter.api.Test;

class SelectionMixTest {

    private static Item image(boolean finding, Double noise, String shift) {
        List<GroundTruthBox> truths = finding ? List.of(new GroundTruthBox(new Box(0.5, 0.5, 0.1, 0.1), 1)) : List.of();
        CocoFile.Image metadata = new CocoFile.Image(1, "x.dcm", "1.2.3", 1, 64, 64, null, null, "DX", noise, 0.0, shift);
        return new Item("x", null, truths, List.of(), metadata);
    }

    @Test
    void countsImagesWithoutFindingsShiftedOnesAndTheirMeanNoise() {
        SelectionMix mix = SelectionMix.of(List.of(image(true, 10.0, "none"), image(false, 20.0, "none"),
                image(true, 60.0, "texture"), image(true, null, null)));

        assertThat(mix).isEqualTo(new SelectionMix(4, 1, 1, 30.0));
        assertThat(mix.toString()).isEqualTo("selected 4: 1 without findings, 1 shifted, mean noise 30.0");
    }
}
