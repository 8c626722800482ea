package org.glean.security;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A site's own certificate authority for embedded defaults: a CA and a server certificate signed
 * by it, as PEM files in one folder. Clients trust {@code ca.pem}; the server presents
 * {@code server.pem} (its certificate, then the CA's) with {@code server-key.pem}. EC P-256 keys.
 */
public final class LocalCertificateAuthority {

    public static final String CA_CERTIFICATE = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String SERVER_CERTIFICATE = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";

    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalCertificateAuthority() {
    }

    /** The folder's files, as a server and its clients use them. */
    public record TlsFiles(Path caCertificate, Path serverCertificate, Path serverKey) {
    }

    /** The folder's CA and server certificate, created when the folder has none. */
    public static TlsFiles ensure(Path folder) {
        TlsFiles files = new TlsFiles(folder.resolve(CA_CERTIFICATE), folder.resolve(SERVER_CERTIFICATE),
                folder.resolve(SERVER_KEY));
        if (!Files.exists(files.serverCertificate()) || !Files.exists(files.serverKey())) {
            create(folder, "Glean local CA", defaultServerNames());
        }
        return files;
    }

    /** localhost, 127.0.0.1, ::1 and this machine's host name. */
    public static Set<String> defaultServerNames() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // a machine without a resolvable name is reached by address
        }
        return names;
    }

    /** Writes a new CA (named caName) and a server certificate for the names (host names or IP addresses). */
    public static void create(Path folder, String caName, Set<String> serverNames) {
        try {
            KeyPair caKeys = keyPair();
            X500Name caSubject = new X500Name("CN=" + caName);
            Instant now = Instant.now();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caSubject, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(CA_VALIDITY)), caSubject, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCertificate = sign(ca, caKeys.getPrivate());

            KeyPair serverKeys = keyPair();
            List<GeneralName> alternativeNames = new ArrayList<>();
            for (String name : serverNames) {
                boolean address = name.matches("[0-9.]+") || name.contains(":");
                alternativeNames.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name));
            }
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(SERVER_VALIDITY)),
                    new X500Name("CN=" + serverNames.iterator().next()), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(alternativeNames.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(caCertificate));
            X509Certificate serverCertificate = sign(server, caKeys.getPrivate());

            PemFiles.write(folder.resolve(CA_KEY), true, List.of(caKeys.getPrivate()));
            PemFiles.write(folder.resolve(SERVER_KEY), true, List.of(serverKeys.getPrivate()));
            PemFiles.write(folder.resolve(SERVER_CERTIFICATE), false, List.of(serverCertificate, caCertificate));
            // last: a folder with ca.pem is complete
            PemFiles.write(folder.resolve(CA_CERTIFICATE), false, List.of(caCertificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create a certificate authority in " + folder, e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
