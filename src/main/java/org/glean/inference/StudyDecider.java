package org.glean.inference;

import org.glean.security.SameTransaction;

/**
 * Decides what becomes of a scored study in the transaction that stores its analysis, so that
 * neither is stored without the other. Curation implements it: it sits above inference, so
 * inference calls it through this interface and never names it.
 */
public interface StudyDecider {

    /**
     * Writes {@code analysis} first, then decides, in one transaction; deciding again for the same
     * study and model version returns the recorded decision.
     *
     * @param scores the analysis {@code analysis} writes, with at least one image
     */
    StudyDecision decide(String studyInstanceUid, StudyScores scores, SameTransaction analysis);
}
