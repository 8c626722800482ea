package org.glean.training;

/** A fine-tuning job cannot go on; the message says why and what to do, without patient data. */
public class FineTuneFailedException extends Exception {

    public FineTuneFailedException(String reason) {
        super(reason);
    }

    public FineTuneFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
