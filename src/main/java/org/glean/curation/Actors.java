package org.glean.curation;

import org.glean.security.Actor;

/** Checks the ids of people acting on curation: annotators and operators. */
final class Actors {

    private static final int MAX_LENGTH = 128;

    private Actors() {
    }

    /**
     * The actor, its name stripped.
     *
     * @throws IllegalArgumentException when the name is empty, too long or holds control characters
     */
    static Actor require(String field, Actor actor) {
        String stripped = actor == null ? "" : actor.name().strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException(field + " is required: who acts");
        }
        if (stripped.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_LENGTH + " characters");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " holds control characters");
        }
        return new Actor(stripped, actor.peer());
    }
}
