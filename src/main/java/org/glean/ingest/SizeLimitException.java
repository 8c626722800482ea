package org.glean.ingest;

/**
 * An instance or a study is larger than the configured limit. The message names the limit's
 * configuration key and value, so that an operator knows what to raise.
 */
public class SizeLimitException extends Exception {

    public SizeLimitException(String message) {
        super(message);
    }
}
