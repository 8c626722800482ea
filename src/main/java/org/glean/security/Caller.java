package org.glean.security;

import java.util.Set;

/** Who makes a call, as its verified token says: the subject and the roles Glean knows. */
public record Caller(String subject, Set<Role> roles) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** Admin may do everything; anyone else needs one of the roles. */
    public boolean mayActAs(Set<Role> allowed) {
        return roles.contains(Role.ADMIN) || roles.stream().anyMatch(allowed::contains);
    }
}
