package org.glean.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context of the DICOM SCP's TLS listener. */
public final class DicomTls {

    private DicomTls() {
    }

    /**
     * A server context presenting {@code serverKeys}' certificate and trusting, for client
     * certificates, the CA certificates in the PEM file {@code trustedCa}.
     *
     * @throws IllegalArgumentException when {@code trustedCa} cannot be read or holds no certificate
     */
    public static SSLContext server(KeyManagerFactory serverKeys, Path trustedCa) throws GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            trusted.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an empty key store", e);
        }
        Collection<? extends Certificate> certificates;
        try (InputStream pem = Files.newInputStream(trustedCa)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(pem);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the trusted CA certificates " + trustedCa + ": "
                    + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(trustedCa + " holds no CA certificate");
        }
        int alias = 0;
        for (Certificate certificate : certificates) {
            trusted.setCertificateEntry("ca-" + alias++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(serverKeys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
