package org.glean.metrics;

/** Where the time of a pipeline stage goes; {@link #NONE} for code that runs outside the server. */
@FunctionalInterface
public interface StageTimer {

    StageTimer NONE = (stage, nanos) -> {
    };

    void record(PipelineStage stage, long nanos);

    /** Time a batch waited for the detector, which another study's batch held; a wait, so no stage. */
    default void recordDetectorWait(long nanos) {
    }

    /** Records the time from {@code startNanos} (a {@link System#nanoTime()}) to now. */
    default void recordSince(PipelineStage stage, long startNanos) {
        record(stage, System.nanoTime() - startNanos);
    }
}
