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
}
