package org.glean.metrics;

/**
 * The steps a study takes through the server, each timed on its own (docs/benchmarks.md, the
 * scoring benchmark): what a step names is the work alone, never a wait for a lock or a thread.
 */
public enum PipelineStage {
    /** Reading, validating and decoding a received instance before it is stored. */
    RECEIVE_DECODE("receive-decode"),
    /** Storing a group of received instances: files flushed and moved, records committed. */
    INSTANCE_STORE("instance-store"),
    /** Decoding a stored instance's frames again for the detector. */
    INFERENCE_DECODE("inference-decode"),
    /** Windowing and letterboxing frames into the model's input. */
    PREPROCESS("preprocess"),
    /** The detector: the network's forward pass over a batch and the decoding of its detections. */
    INFERENCE("inference"),
    /** Each object's uncertainty from its mixtures, the z-scores and the informativeness. */
    UNCERTAINTY("uncertainty"),
    /** Persisting the study's analysis and curation's decision. */
    PERSISTENCE("persistence"),
    /** Reading the study, its analysis and decision back for the answer. */
    ANSWER("answer");

    private final String tag;

    PipelineStage(String tag) {
        this.tag = tag;
    }

    /** Its value of the {@value PipelineMetrics#STAGE_TAG} tag. */
    public String tag() {
        return tag;
    }
}
