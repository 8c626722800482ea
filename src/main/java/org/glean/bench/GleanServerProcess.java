package org.glean.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.glean.metrics.PipelineTimes;
import org.glean.security.BearerToken;
import org.glean.security.ClientChannels;
import org.glean.security.LocalCertificateAuthority;
import org.glean.security.Role;
import org.glean.security.TokenIssuer;
import org.glean.security.TokenSigningKey;
import org.glean.server.PostmasterPidFile;

/**
 * A Glean server ({@code glean serve} from the packaged jar) as a child process on loopback, on
 * embedded defaults in a data folder of its own: embedded PostgreSQL, gRPC, and the C-STORE SCP,
 * each on a free port. Settings given as environment variables override the defaults; an external
 * database among them ({@code QUARKUS_DATASOURCE_JDBC_URL}) lets several servers share one data
 * folder, as replicas do.
 */
public final class GleanServerProcess implements AutoCloseable {

    public static final String AE_TITLE = "GLEAN";
    private static final String HOST = "127.0.0.1";

    private final ChildProcess process;
    private final ServerLaunch.Transport transport;
    private final int grpcPort;
    private final int dicomPort;
    private final Path dataDir;
    private final Path gcLog;

    private GleanServerProcess(ChildProcess process, ServerLaunch.Transport transport, int grpcPort, int dicomPort,
            Path dataDir, Path gcLog) {
        this.process = process;
        this.transport = transport;
        this.grpcPort = grpcPort;
        this.dicomPort = dicomPort;
        this.dataDir = dataDir;
        this.gcLog = gcLog;
    }

    /**
     * Starts {@code java JAVA_OPTIONS -jar JAR serve} with its data in {@code dataDir}, its
     * output in {@code log} and its GC log beside it; returns once it started the process, see
     * {@link #awaitReady}.
     */
    public static GleanServerProcess start(ServerLaunch launch, Path dataDir, Path log) throws IOException {
        return start(launch, dataDir, log, Map.of());
    }

    /**
     * {@link #start}, with {@code settings} (environment variables, e.g. GLEAN_MODELS_BUNDLED)
     * on top of the defaults; the GC log is named after {@code log}, e.g. glean-server-gc.log.
     */
    public static GleanServerProcess start(ServerLaunch launch, Path dataDir, Path log, Map<String, String> settings)
            throws IOException {
        String logName = log.getFileName().toString();
        Path gcLog = log.resolveSibling((logName.endsWith(".log") ? logName.substring(0, logName.length() - 4)
                : logName) + "-gc.log");
        int grpcPort = ChildProcess.freePort();
        int dicomPort = ChildProcess.freePort();
        Map<String, String> environment = new HashMap<>();
        environment.put("GLEAN_DATA_DIR", dataDir.toAbsolutePath().toString());
        environment.put("GLEAN_HOST", HOST);
        environment.put("GLEAN_PORT", Integer.toString(grpcPort));
        environment.put("GLEAN_DICOM_PORT", Integer.toString(dicomPort));
        environment.put("GLEAN_AE_TITLE", AE_TITLE);
        environment.put("GLEAN_EMBEDDED_DB_PORT", Integer.toString(ChildProcess.freePort()));
        environment.put("GLEAN_TLS_ENABLED", Boolean.toString(launch.transport() == ServerLaunch.Transport.TLS));
        environment.putAll(settings);
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(launch.javaOptions());
        command.addAll(List.of(GcLogHeap.jvmOption(gcLog), "-Dai.djl.offline=true", "-jar",
                launch.jar().toAbsolutePath().toString(), "serve"));
        ChildProcess process = ChildProcess.start("the Glean server", command, environment, log,
                name -> name.startsWith("QUARKUS_DATASOURCE_"));
        return new GleanServerProcess(process, launch.transport(), grpcPort, dicomPort, dataDir, gcLog);
    }

    /** {@link #start}, then {@link #awaitReady}; a server that does not become ready is stopped. */
    public static GleanServerProcess startReady(ServerLaunch launch, Path dataDir, Path log, Duration timeout)
            throws IOException, InterruptedException {
        return startReady(launch, dataDir, log, Map.of(), timeout);
    }

    /** {@link #start(ServerLaunch, Path, Path, Map)}, then {@link #awaitReady}. */
    public static GleanServerProcess startReady(ServerLaunch launch, Path dataDir, Path log,
            Map<String, String> settings, Duration timeout) throws IOException, InterruptedException {
        GleanServerProcess server = start(launch, dataDir, log, settings);
        try {
            server.awaitReady(timeout);
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Waits until gRPC health (over TLS with the server's new CA, or plaintext) says SERVING and the
     * SCP accepts connections.
     */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        ManagedChannel channel = null;
        try {
            while (true) {
                process.requireAlive();
                // the server writes its CA and token key before it listens
                if (channel == null && Files.exists(signingKey())
                        && (transport == ServerLaunch.Transport.PLAINTEXT || Files.exists(caCertificate()))) {
                    channel = channelBuilder().build();
                }
                if (channel != null && serving(HealthGrpc.newBlockingStub(channel)) && accepts(dicomPort)) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("the Glean server was not ready after " + timeout.toSeconds()
                            + " s; the end of its log:\n" + process.logTail());
                }
                Thread.sleep(250);
            }
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A channel as a site's pipeline has one: TLS trusting the server's local CA (or plaintext when
     * the server was started so), every call with an admin service token signed with the server's key.
     */
    public ManagedChannel channel() {
        return channel("glean-bench", Role.ADMIN);
    }

    /** A channel whose calls carry a token of the subject with the roles. */
    public ManagedChannel channel(String subject, Role... roles) {
        return channelBuilder().intercept(new BearerToken(token(subject, roles)).onEveryCall()).build();
    }

    private NettyChannelBuilder channelBuilder() {
        return transport == ServerLaunch.Transport.TLS
                ? ClientChannels.tls(HOST, grpcPort, Optional.of(caCertificate()))
                : ClientChannels.plaintext(HOST, grpcPort);
    }

    /** The server's pipeline timers, from its /q/metrics (over TLS trusting its local CA when TLS is on). */
    public PipelineTimes pipelineTimes() throws IOException, InterruptedException {
        return transport == ServerLaunch.Transport.TLS
                ? PipelineTimes.scrape(ClientChannels.https(caCertificate()), URI.create("https://" + HOST + ":" + grpcPort))
                : PipelineTimes.scrape(HttpClient.newHttpClient(), URI.create("http://" + HOST + ":" + grpcPort));
    }

    /** A token for the subject with the roles, as `glean token --service` signs it from the data folder. */
    public String token(String subject, Role... roles) {
        return new TokenIssuer("glean", TokenSigningKey.read(signingKey())).issue(subject,
                EnumSet.copyOf(List.of(roles)), Duration.ofHours(12));
    }

    /** What verifying one bearer token costs, measured in this JVM with the server's key: 2000 calls after 500. */
    public Duration tokenVerificationCost() {
        return TokenVerificationCost.perCall(signingKey().getParent(), 500, 2000);
    }

    private Path signingKey() {
        return dataDir.resolve("security").resolve(TokenSigningKey.PRIVATE_KEY);
    }

    private Path caCertificate() {
        return dataDir.resolve("tls").resolve(LocalCertificateAuthority.CA_CERTIFICATE);
    }

    public String host() {
        return HOST;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int dicomPort() {
        return dicomPort;
    }

    /** Asks the server to stop (SIGTERM), as an orchestrator does, and returns at once. */
    public void terminate() {
        process.terminate();
    }

    /**
     * Kills the server's JVM at once ({@code kill -9}); with {@code andItsChildren}, the processes
     * it started too (as killing its whole process group does), but not its embedded PostgreSQL,
     * which runs detached.
     */
    public void kill(boolean andItsChildren) throws InterruptedException {
        // the children first: they would notice the JVM's end before their own
        List<ProcessHandle> children = andItsChildren ? process.children() : List.of();
        children.forEach(ProcessHandle::destroyForcibly);
        process.kill();
        children.forEach(child -> child.onExit().join());
    }

    /** Waits for the server to exit; its exit status, or empty when it still runs after {@code timeout}. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** The end of its log. */
    public String logTail() {
        return process.logTail();
    }

    /** Its whole log so far. */
    public String log() throws IOException {
        return process.log();
    }

    /** The process id of its JVM. */
    public long pid() {
        return process.pid();
    }

    /** Its embedded PostgreSQL's postmaster, while one runs in its data folder. */
    public Optional<ProcessHandle> postmaster() {
        return PostmasterPidFile.read(dataDir.resolve("postgres")).flatMap(PostmasterPidFile::runningPostmaster);
    }

    /** Its heap so far, from its GC log. */
    public GcLogHeap heap() throws IOException {
        return GcLogHeap.read(gcLog);
    }

    /**
     * CPU time used so far by the server and its embedded PostgreSQL (which pg_ctl detaches, so
     * it is found through its postmaster.pid).
     */
    public Duration cpuTime() {
        return process.cpuTime().plus(postmaster().map(ChildProcess::cpuTime).orElse(Duration.ZERO));
    }

    // Stopping the server stops its PostgreSQL; one that outlives a server that had to be killed
    // is stopped here.
    @Override
    public void close() throws InterruptedException {
        Optional<ProcessHandle> postmaster = postmaster();
        process.close();
        postmaster.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
    }

    private static boolean serving(HealthGrpc.HealthBlockingStub health) {
        try {
            return health.withDeadlineAfter(2, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (StatusRuntimeException notYet) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    // The JVM running this command runs the server too.
    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
