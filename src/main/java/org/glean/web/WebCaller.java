package org.glean.web;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.RequestScoped;
import java.util.EnumSet;
import java.util.Set;
import org.glean.security.Actor;
import org.glean.security.Caller;
import org.glean.security.Role;

/**
 * Who makes the REST request in progress, as its verified token (cookie or bearer header) says,
 * and where it comes from: the acting identity of every resource, never a request field.
 */
@RequestScoped
public class WebCaller {

    private final SecurityIdentity identity;
    private final HttpServerRequest request;

    public WebCaller(SecurityIdentity identity, HttpServerRequest request) {
        this.identity = identity;
        this.request = request;
    }

    /** The signed-in caller with Glean's roles; admin's augmented ones included. */
    public Caller caller() {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        identity.getRoles().forEach(role -> Role.ofClaim(role).ifPresent(roles::add));
        return new Caller(identity.getPrincipal().getName(), roles);
    }

    /** The caller as the audit trail records them, with the address the request came from. */
    public Actor actor() {
        return new Actor(identity.getPrincipal().getName(), peer(request));
    }

    /** The request's peer as the audit trail writes it; null when the transport does not say. */
    static String peer(HttpServerRequest request) {
        SocketAddress address = request.remoteAddress();
        if (address == null || address.hostAddress() == null) {
            return null;
        }
        return Actor.address(address.hostAddress(), address.port());
    }
}
