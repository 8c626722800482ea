package org.glean.inference;

import java.util.List;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * What a detection backend found on a batch of frames.
 *
 * @param modelVersion the model version that analysed every frame
 * @param statistics   that version's normalisation statistics; null when it has none
 * @param classes      that version's class names, label 1 … C in order
 * @param frames       per frame, in the order given, its objects
 */
public record DetectedFrames(String modelVersion, UncertaintyStatistics statistics, List<String> classes,
                             List<List<FoundObject>> frames) {

    public DetectedFrames {
        classes = List.copyOf(classes);
        frames = List.copyOf(frames);
    }
}
