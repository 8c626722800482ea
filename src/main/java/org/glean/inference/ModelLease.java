package org.glean.inference;

/**
 * A hold on a model version while frames run through it: the registry closes a version it has
 * swapped out only once every lease on it is closed, so that work in flight finishes on the model
 * it started with.
 */
public final class ModelLease implements AutoCloseable {

    private final ActiveModel model;
    private final Runnable release;
    private boolean closed;

    /** @param release run once, when the lease is closed */
    public ModelLease(ActiveModel model, Runnable release) {
        this.model = model;
        this.release = release;
    }

    public ActiveModel model() {
        return model;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
