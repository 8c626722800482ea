package org.glean.web.dicomweb;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import org.glean.security.Actor;

/** Who makes the DICOMweb request in progress, as the audit trail records it: the token's subject and the peer. */
@ApplicationScoped
class DicomWebCaller {

    private final SecurityIdentity identity;
    private final CurrentVertxRequest request;

    DicomWebCaller(SecurityIdentity identity, CurrentVertxRequest request) {
        this.identity = identity;
        this.request = request;
    }

    Actor actor() {
        SocketAddress remote = request.getCurrent().request().remoteAddress();
        String peer = remote == null ? null
                : Actor.address(InetSocketAddress.createUnresolved(remote.hostAddress(), remote.port()));
        return new Actor(identity.getPrincipal().getName(), peer);
    }
}
