package org.glean.security;

/** A bearer token that is missing, malformed, expired or not signed by a trusted key. */
public class InvalidTokenException extends Exception {

    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
