package org.glean.security;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.glean.ingest.DcmtkFiles;

/** Certificates for TLS tests: client certificates signed by a local CA's key with openssl, and a CA's server keys. */
public final class TestCertificates {

    private static final char[] PASSWORD = "test".toCharArray();

    /** A client's PKCS#8 key and certificate, PEM files. */
    public record ClientCertificate(Path key, Path certificate) {

        /** As gRPC clients take it. */
        public ClientChannels.ClientCertificate forChannels() {
            return new ClientChannels.ClientCertificate(certificate, key);
        }
    }

    private TestCertificates() {
    }

    /** A client certificate for {@code commonName} signed by the CA in {@code caFolder} (as LocalCertificateAuthority writes it). */
    public static ClientCertificate client(Path caFolder, Path out, String commonName) {
        Path key = out.resolve(commonName + "-key.pem");
        Path request = out.resolve(commonName + ".csr");
        Path certificate = out.resolve(commonName + ".pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + commonName, "-out", request.toString());
        openssl("x509", "-req", "-in", request.toString(), "-CA",
                caFolder.resolve(LocalCertificateAuthority.CA_CERTIFICATE).toString(), "-CAkey",
                caFolder.resolve(LocalCertificateAuthority.CA_KEY).toString(), "-set_serial", "1", "-days", "1",
                "-out", certificate.toString());
        return new ClientCertificate(key, certificate);
    }

    /** The server key and certificate chain in {@code caFolder}, as a key manager factory. */
    public static KeyManagerFactory serverKeys(Path caFolder) throws Exception {
        List<Certificate> chain;
        try (InputStream pem = Files.newInputStream(caFolder.resolve(LocalCertificateAuthority.SERVER_CERTIFICATE))) {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(pem));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", PemFiles.privateKey(caFolder.resolve(LocalCertificateAuthority.SERVER_KEY), "EC"),
                PASSWORD, chain.toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        return keys;
    }

    private static void openssl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        DcmtkFiles.Result result = DcmtkFiles.execute(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }
}
