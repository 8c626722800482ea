package org.glean.web;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import org.glean.security.Role;

/**
 * Admin may do everything (as {@link org.glean.security.Caller#mayActAs} says for gRPC): a REST
 * identity with the admin role holds every role, so that {@code @RolesAllowed} names only the
 * roles a request takes.
 */
@ApplicationScoped
public class AdminHoldsEveryRole implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !identity.hasRole(Role.ADMIN.claim())) {
            return Uni.createFrom().item(identity);
        }
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder(identity);
        Arrays.stream(Role.values()).map(Role::claim).forEach(builder::addRole);
        return Uni.createFrom().item(builder.build());
    }
}
