package org.glean.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.glean.security.BearerToken;
import org.glean.security.ClientChannels;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How a command reaches a Glean server: address, TLS trust, and the bearer token its calls carry. */
public final class ServerConnection {

    static final String TOKEN_VARIABLE = "GLEAN_TOKEN";

    @Option(names = "--host", defaultValue = "localhost", description = "server host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "9090", description = "server gRPC port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--ca", paramLabel = "FILE", description = "CA certificate (PEM) to trust for the server's TLS "
            + "certificate (default: the local CA of `glean serve`, $GLEAN_DATA_DIR/tls/ca.pem, when it exists, "
            + "else the JDK's trusted CAs)")
    Path ca;

    @Option(names = "--client-certificate", paramLabel = "FILE", description = "certificate (PEM) to present "
            + "for mutual TLS, with --client-key; the server asks for one for the roles of "
            + "glean.tls.client-certificate-roles")
    Path clientCertificate;

    @Option(names = "--client-key", paramLabel = "FILE", description = "the PKCS#8 private key (PEM) of "
            + "--client-certificate")
    Path clientKey;

    @Option(names = "--plaintext", description = "no TLS; only to a loopback host (localhost, 127.0.0.1) whose "
            + "server runs with glean.tls.enabled=false")
    boolean plaintext;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the bearer token "
            + "(default: the GLEAN_TOKEN environment variable; get one with `glean token`)")
    Path tokenFile;

    String target() {
        return host + ":" + port;
    }

    /** What the server answered to a failed call, for the command's error message. */
    String answered(StatusRuntimeException e) {
        return "the server at " + target() + " answered " + e.getStatus().getCode()
                + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
    }

    /** A channel without a token, for the password sign-in. */
    ManagedChannel openAnonymous() {
        return builder().build();
    }

    /** What a command does over its channel, answering the command's exit status. */
    @FunctionalInterface
    interface ChannelWork {
        int on(ManagedChannel channel) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code work} over a channel whose calls carry the bearer token, and shuts the channel down
     * after it. Exit status 2, with the reason, when there is no token or the TLS options do not go
     * together; 1, with the server's answer, for a failed call that {@code work} does not handle.
     */
    int call(CommandSpec spec, ChannelWork work) throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ManagedChannel channel;
        try {
            channel = builder().intercept(new BearerToken(token()).onEveryCall()).build();
        } catch (IllegalArgumentException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 2;
        }
        try {
            return work.on(channel);
        } catch (StatusRuntimeException e) {
            err.println(spec.qualifiedName() + ": " + answered(e));
            return 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private NettyChannelBuilder builder() {
        if (plaintext) {
            return ClientChannels.plaintext(host, port);
        }
        Path localCa = Path.of(System.getenv().getOrDefault("GLEAN_DATA_DIR", "data"), "tls", "ca.pem");
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException("--client-certificate and --client-key go together");
        }
        Optional<ClientChannels.ClientCertificate> client = Optional.ofNullable(clientCertificate)
                .map(certificate -> new ClientChannels.ClientCertificate(certificate, clientKey));
        return ClientChannels.tls(host, port, Optional.ofNullable(ca).or(() -> Optional.of(localCa).filter(Files::exists)),
                client);
    }

    private String token() throws IOException {
        String token = tokenFile != null ? Files.readString(tokenFile) : System.getenv(TOKEN_VARIABLE);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no bearer token: set " + TOKEN_VARIABLE + " or --token-file "
                    + "(get one with `glean token --user NAME`)");
        }
        return token.strip();
    }
}
