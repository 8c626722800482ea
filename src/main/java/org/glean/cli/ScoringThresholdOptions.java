package org.glean.cli;

import org.glean.training.ScoringThresholds;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The two thresholds; a usage error when either lies outside [0, 1]. */
    ScoringThresholds thresholds() {
        try {
            return new ScoringThresholds(object, candidate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }

    /** The lowest score that is scored: uncertainty statistics are fitted over every detection from it. */
    double lowestScore() {
        return thresholds().lowest();
    }
}
