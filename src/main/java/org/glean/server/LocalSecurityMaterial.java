package org.glean.server;

import java.nio.file.Path;
import java.util.Locale;
import org.glean.security.LocalCertificateAuthority;
import org.glean.security.TokenSigningKey;

/**
 * What {@code glean serve} needs before Quarkus reads its configuration: the key that signs
 * Glean's own tokens (data/security), and unless TLS is off or a certificate is configured, a
 * local CA and server certificate (data/tls) that the HTTP server, and so gRPC, presents.
 */
final class LocalSecurityMaterial {

    static final String CERTIFICATE_PROPERTY = "quarkus.tls.key-store.pem.0.cert";
    static final String KEY_PROPERTY = "quarkus.tls.key-store.pem.0.key";
    static final String CLIENT_CA_PROPERTY = "quarkus.tls.trust-store.pem.certs";

    private LocalSecurityMaterial() {
    }

    static void prepare() {
        Path dataDir = Path.of(System.getenv().getOrDefault("GLEAN_DATA_DIR", "data"));
        TokenSigningKey.ensure(dataDir.resolve("security"));
        if (!Boolean.parseBoolean(setting("glean.tls.enabled", "true"))) {
            return;
        }
        // plaintext requests on the TLS port would be redirected, not served: no plaintext at all
        System.setProperty("quarkus.http.insecure-requests", "disabled");
        String certificate = setting(CERTIFICATE_PROPERTY, null);
        if (certificate != null) {
            // Quarkus does not map QUARKUS_TLS_KEY_STORE_PEM_0_* onto the map key "0" of
            // quarkus.tls.key-store.pem (the server would start without TLS and refuse to), so a
            // certificate given as environment variables is handed on as system properties.
            System.setProperty(CERTIFICATE_PROPERTY, certificate);
            String key = setting(KEY_PROPERTY, null);
            if (key != null) {
                System.setProperty(KEY_PROPERTY, key);
            }
            trustClientCertificatesOf(setting("glean.tls.client-ca", null));
            return;
        }
        LocalCertificateAuthority.TlsFiles tls = LocalCertificateAuthority.ensure(dataDir.resolve("tls"));
        System.setProperty(CERTIFICATE_PROPERTY, tls.serverCertificate().toAbsolutePath().toString());
        System.setProperty(KEY_PROPERTY, tls.serverKey().toAbsolutePath().toString());
        trustClientCertificatesOf(setting("glean.tls.client-ca", tls.caCertificate().toAbsolutePath().toString()));
        System.out.println("TLS with the local CA " + tls.caCertificate().toAbsolutePath()
                + ": clients trust it, e.g. glean send --ca " + tls.caCertificate() + " ...");
    }

    // Client certificates (mutual TLS) are checked against these CAs; without any, none is accepted.
    private static void trustClientCertificatesOf(String caFile) {
        if (caFile != null) {
            System.setProperty(CLIENT_CA_PROPERTY, caFile);
        }
    }

    // A setting from a system property or its environment variable (Quarkus' naming), before Quarkus reads them.
    private static String setting(String property, String otherwise) {
        String environment = property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return System.getProperty(property, System.getenv().getOrDefault(environment, otherwise));
    }
}
