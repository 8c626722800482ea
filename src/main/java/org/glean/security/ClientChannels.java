package org.glean.security;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * gRPC channels to a Glean server: TLS, trusting the given CA (the server's local CA, say) or
 * else the JDK's trusted CAs; plaintext only to a loopback address, and only when asked for.
 */
public final class ClientChannels {

    private ClientChannels() {
    }

    /** A client's certificate chain and its PKCS#8 private key, PEM files, for mutual TLS. */
    public record ClientCertificate(Path certificate, Path key) {
    }

    /** TLS to host:port, trusting the CA in the PEM file, or the JDK's CAs when there is none. */
    public static NettyChannelBuilder tls(String host, int port, Optional<Path> trustedCa) {
        return tls(host, port, trustedCa, Optional.empty());
    }

    /** {@link #tls(String, int, Optional)}, presenting the client certificate when there is one (mutual TLS). */
    public static NettyChannelBuilder tls(String host, int port, Optional<Path> trustedCa,
                                          Optional<ClientCertificate> client) {
        SslContextBuilder tls = GrpcSslContexts.forClient();
        trustedCa.ifPresent(ca -> tls.trustManager(ca.toFile()));
        client.ifPresent(certificate -> tls.keyManager(certificate.certificate().toFile(), certificate.key().toFile()));
        try {
            return NettyChannelBuilder.forAddress(host, port).sslContext(tls.build());
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** An HTTPS client (HTTP/1.1) trusting only the CA in the PEM file, e.g. for the server's /q/metrics. */
    public static HttpClient https(Path trustedCa) {
        try (InputStream in = Files.newInputStream(trustedCa)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust the CA in " + trustedCa + ": " + e.getMessage(), e);
        }
    }

    /** Plaintext to a loopback host; refused for any other, whose traffic would cross a network in the clear. */
    public static NettyChannelBuilder plaintext(String host, int port) {
        requireLoopback(host, "plaintext gRPC");
        return NettyChannelBuilder.forAddress(host, port).usePlaintext();
    }

    public static ManagedChannel open(String host, int port, Optional<Path> trustedCa, boolean plaintext) {
        return (plaintext ? plaintext(host, port) : tls(host, port, trustedCa)).build();
    }

    /** Throws unless the host names this machine's loopback interface (localhost, 127.0.0.0/8, ::1). */
    public static void requireLoopback(String host, String what) {
        if (!isLoopback(host)) {
            throw new IllegalArgumentException(what + " is allowed on loopback only (localhost, 127.0.0.1), not on "
                    + host + "; use TLS");
        }
    }

    public static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        // literal addresses only: a name that resolves to loopback today may not tomorrow
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
