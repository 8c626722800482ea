package org.glean.server;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.glean.security.LocalCertificateAuthority;

/**
 * TLS as `glean serve` sets it up by default: a local CA and a server certificate (made by the
 * same code) in {@link #FOLDER}, new for every start; the HTTP server, and so gRPC, on TLS only;
 * client certificates of that CA required for the ingest role's calls (mutual TLS), and DICOM TLS
 * beside the plain SCP, trusting that CA for client certificates.
 */
public class LocalCaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final Path FOLDER = Path.of("target/test-tls");

    @Override
    public Map<String, String> start() {
        try {
            Path folder = Files.createDirectories(FOLDER).toAbsolutePath();
            LocalCertificateAuthority.create(folder, "Glean test CA", Set.of("localhost", "127.0.0.1"));
            return Map.of(
                    "glean.tls.enabled", "true",
                    LocalSecurityMaterial.CERTIFICATE_PROPERTY, folder.resolve(LocalCertificateAuthority.SERVER_CERTIFICATE)
                            .toString(),
                    LocalSecurityMaterial.KEY_PROPERTY, folder.resolve(LocalCertificateAuthority.SERVER_KEY).toString(),
                    "quarkus.http.insecure-requests", "disabled",
                    LocalSecurityMaterial.CLIENT_CA_PROPERTY, folder.resolve(LocalCertificateAuthority.CA_CERTIFICATE)
                            .toString(),
                    "glean.tls.client-certificate-roles", "ingest",
                    "glean.scp.tls.port", "0",
                    "glean.scp.tls.trusted-ca", folder.resolve(LocalCertificateAuthority.CA_CERTIFICATE).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
