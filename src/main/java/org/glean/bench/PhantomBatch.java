package org.glean.bench;

import java.util.ArrayList;
import java.util.List;
import org.glean.detector.ModalityFrame;
import org.glean.detector.PreprocessedImage;
import org.glean.detector.Preprocessing;
import org.glean.synth.PhantomGenerator;
import org.glean.synth.SynthOptions;
import org.glean.synth.SyntheticImage;
import org.glean.synth.SyntheticStudy;

/**
 * A batch of real inputs for timing and checking a detector: CT slices and DX projections of
 * {@code glean synth}'s default studies, preprocessed as the model records. Unlike noise, they hold
 * findings, so that detection does everything it does on a clinical image (objects selected, their
 * mixtures copied out, their uncertainties).
 */
public final class PhantomBatch {

    private PhantomBatch() {
    }

    /** The first {@code count} images of the default synthetic studies of {@code seed}. */
    public static List<PreprocessedImage> of(Preprocessing preprocessing, int count, long seed) {
        PhantomGenerator generator = new PhantomGenerator(SynthOptions.defaults(seed));
        List<PreprocessedImage> images = new ArrayList<>(count);
        for (int study = 0; images.size() < count; study++) {
            for (SyntheticStudy.Series series : generator.study(study).series()) {
                String modality = series.series().sopClass().modality();
                for (SyntheticImage image : series.images()) {
                    if (images.size() < count) {
                        images.add(preprocessing.apply(new ModalityFrame(image.pixels(), image.size(), image.size(),
                                modality, series.windowCenter(), series.windowWidth())));
                    }
                }
            }
        }
        return images;
    }
}
