package org.glean.cli;

import org.glean.training.ScoringThresholds;
import picocli.CommandLine.Option;

/** The {@code --object-threshold} and {@code --candidate-threshold} options: they must match the server's so that figures compare. */
final class ScoringThresholdOptions {

    @Option(names = "--object-threshold", defaultValue = "0.2",
            description = "Score from which a detection is an object; use the server's glean.inference.object-threshold "
                    + "(default ${DEFAULT-VALUE}).")
    double object;

    @Option(names = "--candidate-threshold", defaultValue = "0.1",
            description = "Score from which a detection below the object threshold is a near miss, which the "
                    + "informativeness hears too; use the server's glean.inference.candidate-threshold (default ${DEFAULT-VALUE}).")
    double candidate;

    ScoringThresholds thresholds() {
        return new ScoringThresholds(object, candidate);
    }

    /** The lowest score that is scored: uncertainty statistics are fitted over every detection from it. */
    double lowestScore() {
        return thresholds().lowest();
    }
}
