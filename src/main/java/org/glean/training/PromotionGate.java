package org.glean.training;

import java.util.Locale;

/**
 * Whether a fine-tuned version replaces the current one: only when the held-out studies are
 * enough to judge by, and its mAP@0.5 on them is at least the current version's on the same
 * studies. A few held-out studies with a handful of objects let chance decide, so below the
 * minimum the candidate waits for more annotations.
 */
public final class PromotionGate {

    /** The gate's answer and its reason, in words for the job and the model list. */
    public record Verdict(boolean promote, String reason) {
    }

    /** Held-out studies and the objects annotated on them. */
    public record Evidence(int studies, int objects) {

        boolean atLeast(Evidence other) {
            return studies >= other.studies && objects >= other.objects;
        }

        @Override
        public String toString() {
            return studies + " stud" + (studies == 1 ? "y" : "ies") + " with " + objects + " object"
                    + (objects == 1 ? "" : "s");
        }
    }

    private PromotionGate() {
    }

    /**
     * @param heldOut  what the candidate and the current version were judged on
     * @param required the least the gate decides on (glean.training.gate.*)
     */
    public static Verdict judge(String candidate, double candidateMap, String current, double currentMap,
                                Evidence heldOut, Evidence required) {
        String figures = String.format(Locale.ROOT, "mAP@0.5 %.4f of %s against %.4f of the current version %s on %s "
                + "held out", candidateMap, candidate, currentMap, current, heldOut);
        if (!heldOut.atLeast(required)) {
            return new Verdict(false, "kept as a candidate until more annotations arrive: the gate decides on at least "
                    + required + " held out (glean.training.gate.*), " + figures);
        }
        return candidateMap >= currentMap
                ? new Verdict(true, "promoted: " + figures)
                : new Verdict(false, "kept as a candidate: it validates worse than the current version, " + figures);
    }
}
