package org.glean.cli;

import picocli.CommandLine.Option;

/** The {@code --object-threshold} option: it must match the server's so that figures compare. */
final class ObjectThresholdOption {

    @Option(names = "--object-threshold", defaultValue = "0.2",
            description = "Score from which a detection is an object; use the server's glean.inference.object-threshold "
                    + "(default ${DEFAULT-VALUE}).")
    double value;
}
