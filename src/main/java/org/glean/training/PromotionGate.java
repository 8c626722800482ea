package org.glean.training;

import java.util.Locale;

/**
 * Whether a fine-tuned version replaces the current one: only when its mAP@0.5 on the held-out
 * studies is at least the current version's on the same studies.
 */
public final class PromotionGate {

    /** The gate's answer and its reason, in words for the job and the model list. */
    public record Verdict(boolean promote, String reason) {
    }

    private PromotionGate() {
    }

    public static Verdict judge(String candidate, double candidateMap, String current, double currentMap, int studies) {
        String figures = String.format(Locale.ROOT, "mAP@0.5 %.4f of %s against %.4f of the current version %s on %d "
                + "held-out stud%s", candidateMap, candidate, currentMap, current, studies, studies == 1 ? "y" : "ies");
        return candidateMap >= currentMap
                ? new Verdict(true, "promoted: " + figures)
                : new Verdict(false, "kept as a candidate: it validates worse than the current version, " + figures);
    }
}
