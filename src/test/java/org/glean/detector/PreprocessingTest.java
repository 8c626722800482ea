package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    @Test
    void windowsCtInFixedHounsfieldRange() {
        float[] hu = {-1024, -1000, 0, 500, 1000, 3000, -500, 250, 0, 0, 0, 0, 0, 0, 0, 0};
        PreprocessedImage image = Preprocessing.defaults(4).apply(ModalityFrame.of(hu, 4, 4, "CT"));
        // window −1000 … 1000 HU
        assertThat(image.pixels()).startsWith(0f, 0f, 0.5f, 0.75f, 1f, 1f, 0.25f, 0.625f);
    }

    @Test
    void windowsOtherModalitiesBetweenTheirOwnPercentiles() {
        float[] raw = new float[100];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = i;
        }
        PreprocessedImage image = Preprocessing.defaults(10).apply(ModalityFrame.of(raw, 10, 10, "DX"));
        // 0.5th percentile at rank 0.495, 99.5th at rank 98.505 (linear between ranks)
        double low = 0.495;
        double high = 98.505;
        assertThat(image.pixels()[0]).isZero();
        assertThat((double) image.pixels()[50]).isCloseTo((50 - low) / (high - low), within(1e-6));
        assertThat(image.pixels()[99]).isEqualTo(1f);
    }

    @Test
    void instanceWindowWinsWhenPresent() {
        Preprocessing preprocessing = new Preprocessing(2, Map.of("MG", Windowing.instance(0, 100)),
                Windowing.percentile(0.5, 99.5));
        float[] raw = {100, 200, 300, 400};
        PreprocessedImage windowed = preprocessing.apply(new ModalityFrame(raw, 2, 2, "MG", 200, 200));
        assertThat(windowed.pixels()).containsExactly(0f, 0.5f, 1f, 1f);
        PreprocessedImage fallback = preprocessing.apply(ModalityFrame.of(raw, 2, 2, "mg"));
        assertThat(fallback.pixels()).containsExactly(0f, 1f / 3, 2f / 3, 1f);
    }

    @Test
    void lettersboxesAWideFrameAndMapsBoxesBothWays() {
        float[] raw = {1, 1, 1, 1, 1, 1, 1, 1};
        PreprocessedImage image = new Preprocessing(8, Map.of(), Windowing.fixed(0.5, 1))
                .apply(ModalityFrame.of(raw, 2, 4, "OT"));
        LetterboxTransform t = image.transform();
        assertThat(t.scaledColumns()).isEqualTo(8);
        assertThat(t.scaledRows()).isEqualTo(4);
        assertThat(t.padX()).isZero();
        assertThat(t.padY()).isEqualTo(2);
        for (int r = 0; r < 8; r++) {
            float expected = r >= 2 && r < 6 ? 1f : 0f;
            for (int c = 0; c < 8; c++) {
                assertThat(image.pixels()[r * 8 + c]).as("row %d column %d", r, c).isEqualTo(expected);
            }
        }
        // pixels 1…2 × 0…1 → input (2, 2)–(6, 6) → normalised 0.25 … 0.75
        Box box = t.toNormalised(new PixelBox(1, 0, 3, 2));
        assertThat(box.xmin()).isCloseTo(0.25, within(1e-12));
        assertThat(box.ymin()).isCloseTo(0.25, within(1e-12));
        assertThat(box.xmax()).isCloseTo(0.75, within(1e-12));
        assertThat(box.ymax()).isCloseTo(0.75, within(1e-12));
        assertThat(t.toPixels(box)).isEqualTo(new PixelBox(1, 0, 3, 2));
    }

    @Test
    void shrinkingAveragesTheCoveredArea() {
        float[] values = {
            0, 4, 8, 8,
            4, 0, 8, 8,
            1, 1, 2, 2,
            1, 1, 2, 6};
        assertThat(Preprocessing.resample(values, 4, 4, 2, 2)).containsExactly(2f, 8f, 1f, 3f);
        // 3 → 2: output 0 covers source [0, 1.5): (1·v0 + 0.5·v1) / 1.5
        assertThat(Preprocessing.resample(new float[] {3, 6, 9}, 1, 3, 1, 2)).containsExactly(4f, 8f);
    }

    @Test
    void enlargingInterpolatesBilinearly() {
        // 2 → 4: output centres at source 0.5·(u + 0.5) − 0.5 = −0.25, 0.25, 0.75, 1.25 (edges clamped)
        assertThat(Preprocessing.resample(new float[] {0, 8}, 1, 2, 1, 4)).containsExactly(0f, 2f, 6f, 8f);
    }

    @Test
    void aFrameOfTheInputSizeIsWindowedAsResamplingWouldLeaveIt() {
        SplittableRandom random = new SplittableRandom(7);
        float[] hu = new float[32 * 32];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = (float) random.nextDouble(-1200, 1500);
        }

        PreprocessedImage image = Preprocessing.defaults(32).apply(ModalityFrame.of(hu, 32, 32, "CT"));

        // the resampling apply skips for such a frame is exactly the identity
        assertThat(Preprocessing.resample(hu, 32, 32, 32, 32)).containsExactly(hu);
        for (int i = 0; i < hu.length; i++) {
            float expected = (float) Math.max(0, Math.min(1, (hu[i] + 1000.0) / 2000));
            assertThat(image.pixels()[i]).as("pixel %d", i).isEqualTo(expected);
        }
    }

    @Test
    void rejectsNonFinitePixels() {
        float[] raw = {0, Float.NaN, 0, 0};
        assertThatThrownBy(() -> Preprocessing.defaults(2).apply(ModalityFrame.of(raw, 2, 2, "CT")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
    }

    @Test
    void rejectsAFrameWhoseSizeDoesNotMatchItsPixels() {
        assertThatThrownBy(() -> ModalityFrame.of(new float[5], 2, 2, "CT"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 × 2");
    }

    @Test
    void survivesJson() {
        Preprocessing original = Preprocessing.defaults(256);
        Gson gson = new Gson();
        Preprocessing back = gson.fromJson(gson.toJson(original), Preprocessing.class);
        assertThat(back).isEqualTo(original);
        assertThat(back.windowingFor("ct")).isEqualTo(Windowing.fixed(0, 2000));
    }
}
