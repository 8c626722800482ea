package org.glean.inference;

/** Sets the PyTorch engine's thread count, which it reads once when it first loads. */
public final class EngineThreads {

    private EngineThreads() {
    }

    /** {@code threads} intra-op threads and one inter-op thread; 0 leaves the engine's defaults. */
    public static void apply(int threads) {
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
