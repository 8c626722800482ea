package org.glean.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.IssueTokenRequest;
import org.glean.security.Role;
import org.glean.security.TokenIssuer;
import org.glean.security.TokenSigningKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean token}: prints a bearer token. For a user, the server issues it after the password
 * (Identity.IssueToken). For a service account, it is signed here with the server's own signing
 * key under the data folder: whoever can read that folder holds the server's database and files
 * already, so minting needs no further right, and a token never outlives --ttl.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Prints a bearer token for a user (asks the password) or a service account.",
                "Use it as GLEAN_TOKEN=$(glean token --user NAME) or with --token-file. Exit status: 0 on success, "
                        + "1 when refused, 2 for bad arguments."})
public final class TokenCommand implements Callable<Integer> {

    private static final Pattern SHORTHAND = Pattern.compile("(\\d+)([smhd])");

    static final class Who {
        @Option(names = "--user", paramLabel = "NAME", description = "a user of the server's user store")
        String user;

        @Option(names = "--service", paramLabel = "NAME", description = "a service account: signed locally with "
                + "the key of `glean serve` under the data folder, with --role and --ttl")
        String service;
    }

    @ArgGroup(multiplicity = "1")
    Who who;

    @Option(names = "--role", split = ",", paramLabel = "ROLE", description = "with --service: ingest, annotator, "
            + "curator, admin, inference (comma-separated)")
    List<String> roles = List.of();

    @Option(names = "--ttl", defaultValue = "24h", description = "with --service: lifetime, e.g. 30m, 24h, 7d "
            + "(default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "with --service: the server's data folder "
            + "(default: $GLEAN_DATA_DIR, else data)")
    Path dataDir;

    @Mixin
    ServerConnection server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            out.println(who.user != null ? forUser(who.user) : forService(who.service));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("glean token: " + e.getMessage());
            return 2;
        } catch (StatusRuntimeException e) {
            err.println("glean token: " + server.answered(e));
            return 1;
        }
    }

    private String forUser(String user) throws IOException, InterruptedException {
        char[] password = Passwords.read("Password for " + user + ": ");
        ManagedChannel channel = server.openAnonymous();
        try {
            return IdentityGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .issueToken(IssueTokenRequest.newBuilder().setUser(user).setPassword(new String(password)).build())
                    .getToken();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private String forService(String name) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("--service needs --role");
        }
        Set<Role> granted = EnumSet.noneOf(Role.class);
        for (String role : roles) {
            granted.add(Role.ofClaim(role).orElseThrow(() -> new IllegalArgumentException("unknown role " + role)));
        }
        Path folder = (dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault("GLEAN_DATA_DIR", "data")))
                .resolve("security");
        Path key = folder.resolve(TokenSigningKey.PRIVATE_KEY);
        if (!Files.isReadable(key)) {
            throw new IllegalArgumentException("no signing key at " + key + "; start `glean serve` once with this "
                    + "data folder, or give --data-dir");
        }
        String issuer = System.getenv().getOrDefault("GLEAN_TOKEN_ISSUER", "glean");
        return new TokenIssuer(issuer, TokenSigningKey.read(key)).issue(name, granted, lifetime(ttl));
    }

    /** 30s, 30m, 24h, 7d, or an ISO-8601 duration. */
    static Duration lifetime(String text) {
        Matcher shorthand = SHORTHAND.matcher(text.strip());
        if (shorthand.matches()) {
            long amount = Long.parseLong(shorthand.group(1));
            return switch (shorthand.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--ttl " + text + " is not a duration like 30m, 24h or 7d");
        }
    }
}
