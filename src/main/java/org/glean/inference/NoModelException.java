package org.glean.inference;

/** No model version is installed, so nothing can be analysed; ingest goes on regardless. */
public final class NoModelException extends Exception {

    public NoModelException(String message) {
        super(message);
    }
}
