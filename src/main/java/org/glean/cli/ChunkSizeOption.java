package org.glean.cli;

import picocli.CommandLine.Option;

/** {@code --chunk-size} of the commands that stream studies to IngestStudy. */
final class ChunkSizeOption {

    private static final int MAX_BYTES = 8 << 20;

    @Option(names = "--chunk-size", defaultValue = "1048576",
            description = "bytes per IngestChunk, at most 8 MiB (default: ${DEFAULT-VALUE})")
    int bytes;

    /** The chunk size; IllegalArgumentException, saying the range, when it is outside it. */
    int bytes() {
        if (bytes < 1 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("--chunk-size must be between 1 and " + MAX_BYTES + " bytes");
        }
        return bytes;
    }
}
