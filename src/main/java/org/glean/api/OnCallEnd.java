package org.glean.api;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ServerCall;
import java.util.concurrent.atomic.AtomicBoolean;

/** A call's listener that runs {@code ended} once when the call ends, completed or cancelled. */
final class OnCallEnd<Q> extends SimpleForwardingServerCallListener<Q> {

    // gRPC ends every call with exactly one of onComplete and onCancel; run once regardless.
    private final AtomicBoolean done = new AtomicBoolean();
    private final Runnable ended;

    OnCallEnd(ServerCall.Listener<Q> listener, Runnable ended) {
        super(listener);
        this.ended = ended;
    }

    @Override
    public void onComplete() {
        try {
            super.onComplete();
        } finally {
            end();
        }
    }

    @Override
    public void onCancel() {
        try {
            super.onCancel();
        } finally {
            end();
        }
    }

    private void end() {
        if (done.compareAndSet(false, true)) {
            ended.run();
        }
    }
}
