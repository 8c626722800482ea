package org.glean.inference;

import java.util.List;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * What a detection backend found on a batch of frames.
 *
 * @param modelVersion the model version that analysed every frame
 * @param statistics   that version's normalisation statistics; null when it has none
 * @param frames       per frame, in the order given, its objects
 */
public record DetectedFrames(String modelVersion, UncertaintyStatistics statistics, List<List<FoundObject>> frames) {

    public DetectedFrames {
        frames = List.copyOf(frames);
    }
}
