package org.glean.inference;

/** The remote inference instance did not answer (down, unreachable, or past the deadline). */
public final class BackendUnavailableException extends Exception {

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
