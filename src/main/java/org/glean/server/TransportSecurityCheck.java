package org.glean.server;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.ClientChannels;

/**
 * Refuses to start serving plaintext anywhere but on loopback, and refuses TLS that is on
 * without a certificate (Quarkus would then serve plaintext).
 */
@ApplicationScoped
public class TransportSecurityCheck {

    void onStart(@Observes StartupEvent start,
                 @ConfigProperty(name = "glean.tls.enabled") boolean tls,
                 @ConfigProperty(name = "quarkus.http.host") String host,
                 @ConfigProperty(name = LocalSecurityMaterial.CERTIFICATE_PROPERTY) Optional<String> certificate) {
        check(tls, host, certificate.isPresent());
    }

    static void check(boolean tls, String host, boolean certificateConfigured) {
        if (!tls) {
            ClientChannels.requireLoopback(host, "plaintext gRPC (glean.tls.enabled=false)");
        } else if (!certificateConfigured) {
            throw new IllegalStateException("glean.tls.enabled is true but no certificate is configured ("
                    + LocalSecurityMaterial.CERTIFICATE_PROPERTY + "); `glean serve` creates one under the data folder");
        }
    }
}
