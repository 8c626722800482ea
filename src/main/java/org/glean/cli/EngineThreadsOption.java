package org.glean.cli;

import org.glean.inference.EngineThreads;
import picocli.CommandLine.Option;

/** The {@code --threads} option of the commands that run the detector. */
final class EngineThreadsOption {

    @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads of the engine; 0 = its default (default ${DEFAULT-VALUE}).")
    int threads;

    /** Sets the engine's threads; call before the engine first loads. */
    void apply() {
        EngineThreads.apply(threads);
    }
}
