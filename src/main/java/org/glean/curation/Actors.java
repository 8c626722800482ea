package org.glean.curation;

/** Checks the ids of people acting on curation: annotators and operators. */
final class Actors {

    /** The actor of the server's own acts (queuing, displacing by the budget). */
    static final String GLEAN = "glean";

    private static final int MAX_LENGTH = 128;

    private Actors() {
    }

    /**
     * The id, stripped.
     *
     * @throws IllegalArgumentException when it is empty, too long or holds control characters
     */
    static String require(String field, String id) {
        String stripped = id == null ? "" : id.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException(field + " is required: who acts");
        }
        if (stripped.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_LENGTH + " characters");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " holds control characters");
        }
        return stripped;
    }
}
