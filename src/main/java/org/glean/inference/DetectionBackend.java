package org.glean.inference;

import java.util.List;
import org.glean.detector.ModalityFrame;

/** Runs the detector on decoded frames: in this process, or on a remote inference instance. */
public interface DetectionBackend {

    /**
     * The objects on each frame, all analysed by one model version.
     *
     * @throws NoModelException          when no model is installed
     * @throws BackendUnavailableException when a remote backend cannot be reached in time
     */
    DetectedFrames detect(List<ModalityFrame> frames) throws NoModelException, BackendUnavailableException;

    /**
     * Detect calls that belong together (one study): in this process they all run on the model
     * version current when the session opened, even if another is promoted meanwhile. A remote
     * backend cannot promise that; its answers name their version, and the caller compares.
     *
     * @throws NoModelException when no model is installed
     */
    default Session session() throws NoModelException {
        return new Session() {
            @Override
            public DetectedFrames detect(List<ModalityFrame> frames) throws NoModelException, BackendUnavailableException {
                return DetectionBackend.this.detect(frames);
            }

            @Override
            public void close() {
            }
        };
    }

    /** See {@link #session()}. */
    interface Session extends AutoCloseable {

        /** As {@link DetectionBackend#detect}. */
        DetectedFrames detect(List<ModalityFrame> frames) throws NoModelException, BackendUnavailableException;

        @Override
        void close();
    }
}
