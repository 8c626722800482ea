package org.glean.training;

import java.util.Collection;
import java.util.List;
import org.glean.training.UncertaintyValidation.ImageScores;

/**
 * Of two renderings of one image that differ only in noise, how often the noisier one has the higher
 * aleatoric image score. Unlike ρ over a pool of images it compares like with like: the same
 * findings, the same anatomy.
 *
 * <p>Only images with a finding count (as in {@link UncertaintyValidation#noise}). A tie counts as not
 * agreeing; so does a pair where neither rendering has an object (both score lowest, method.md
 * §5.4), and those pairs are also counted apart, since they say the detector found nothing rather
 * than that the score failed. Where only the less noisy rendering has objects, the pair disagrees.
 *
 * @param pairs              pairs of renderings of one image at different noise levels
 * @param agreeing           of them, pairs where the noisier rendering scores strictly higher
 * @param bothWithoutObjects of them, pairs where neither rendering has an object
 */
public record PairAgreement(int pairs, int agreeing, int bothWithoutObjects) {

    /** Every pair of levels of every image; each list holds one image's renderings. */
    public static PairAgreement of(Collection<List<ImageScores>> renderingsPerImage) {
        int pairs = 0;
        int agreeing = 0;
        int bothWithoutObjects = 0;
        for (List<ImageScores> renderings : renderingsPerImage) {
            for (int i = 0; i < renderings.size(); i++) {
                for (int j = i + 1; j < renderings.size(); j++) {
                    ImageScores a = renderings.get(i);
                    ImageScores b = renderings.get(j);
                    if (a.findings() == 0 || a.noise() == null || b.noise() == null || a.noise().equals(b.noise())) {
                        continue;
                    }
                    ImageScores lower = a.noise() < b.noise() ? a : b;
                    ImageScores higher = lower == a ? b : a;
                    pairs++;
                    if (lower.objects() == 0 && higher.objects() == 0) {
                        bothWithoutObjects++;
                    } else if (higher.aleatoric() > lower.aleatoric()) {
                        agreeing++;
                    }
                }
            }
        }
        return new PairAgreement(pairs, agreeing, bothWithoutObjects);
    }

    /** The share of agreeing pairs; NaN without pairs. */
    public double share() {
        return pairs == 0 ? Double.NaN : (double) agreeing / pairs;
    }
}
