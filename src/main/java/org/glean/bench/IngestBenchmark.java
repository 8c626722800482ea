package org.glean.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glean.api.IngestStudyClient;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.InstanceStatus;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;

/**
 * Ingest throughput on loopback, Glean against Orthanc, in one run: starts two Glean servers (the
 * packaged jar, embedded defaults, fresh data folders) — one with no model, which only stores, and
 * one scoring on receipt with the bundled model — and Orthanc as child processes, then for each
 * round generates fresh instances and measures, wall-clock, every {@link Route}: Glean's own gRPC
 * client into each Glean server, one IngestStudy call per study; DCMTK dcmsend into each Glean
 * server's C-STORE SCP and into Orthanc, over one association and over
 * {@value #PARALLEL_ASSOCIATIONS} at once (the instances dealt out among them, so that they share
 * the studies). Every measurement is checked: each instance must be stored (and, in Glean,
 * accepted; with scoring, each study scored before the next measurement). Each measurement also
 * takes the CPU time the receiving server and the sender used; the Glean servers' heaps come from
 * their GC logs. Generated instances stay in the work folder until the run ends, so that deleting
 * thousands of files does not load the file system while others are stored.
 */
public final class IngestBenchmark {

    public static final int PARALLEL_ASSOCIATIONS = 4;
    private static final int CHUNK_SIZE = 1 << 20;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SCORING_TIMEOUT = Duration.ofMinutes(10);
    // C-STORE studies are scored once no instance came for this long; short, since a scoring
    // route's time runs until the last study is scored.
    private static final String QUIET_PERIOD = "1S";

    /** What is measured: who receives, over which front, with how many associations. */
    public enum Route {
        GLEAN_GRPC("Glean gRPC, store only", false, 1),
        GLEAN_GRPC_SCORING("Glean gRPC, scoring", true, 1),
        GLEAN_CSTORE("Glean C-STORE ×1, store only", false, 1),
        GLEAN_CSTORE_SCORING("Glean C-STORE ×1, scoring", true, 1),
        ORTHANC_CSTORE("Orthanc C-STORE ×1", false, 1),
        GLEAN_CSTORE_PARALLEL("Glean C-STORE ×" + PARALLEL_ASSOCIATIONS + ", store only", false,
                PARALLEL_ASSOCIATIONS),
        GLEAN_CSTORE_PARALLEL_SCORING("Glean C-STORE ×" + PARALLEL_ASSOCIATIONS + ", scoring", true,
                PARALLEL_ASSOCIATIONS),
        ORTHANC_CSTORE_PARALLEL("Orthanc C-STORE ×" + PARALLEL_ASSOCIATIONS, false, PARALLEL_ASSOCIATIONS);

        private final String label;
        private final boolean scoring;
        private final int associations;

        Route(String label, boolean scoring, int associations) {
            this.label = label;
            this.scoring = scoring;
            this.associations = associations;
        }

        public String label() {
            return label;
        }

        public boolean isOrthanc() {
            return this == ORTHANC_CSTORE || this == ORTHANC_CSTORE_PARALLEL;
        }

        /** Orthanc over as many associations: what this route is compared with. */
        public Route anchor() {
            return associations == 1 ? ORTHANC_CSTORE : ORTHANC_CSTORE_PARALLEL;
        }
    }

    /**
     * What to run.
     *
     * @param instances instances per measurement
     * @param studies studies they are spread over
     * @param size rows and columns of each CT image
     * @param rounds measured rounds
     * @param warmupInstances instances each route gets before the first round, not measured (0: none)
     * @param server how the Glean servers are started: their jar, JVM options and transport
     * @param workDir an empty folder for the servers' data, the instances and the logs
     */
    public record Settings(int instances, int studies, int size, int rounds, int warmupInstances, ServerLaunch server,
            Path workDir) {
    }

    /**
     * One route's measurement in one round.
     *
     * @param elapsed wall-clock time from the first byte sent to the last acknowledgement; with
     *     scoring over C-STORE, to the last study's analysis, which follows its quiet period
     * @param serverCpu CPU time the receiving server (with its database) used meanwhile
     * @param clientCpu CPU time the sender used: the gRPC client in this JVM, or dcmsend
     */
    public record Measurement(int instances, long bytes, Duration elapsed, Duration serverCpu, Duration clientCpu) {

        public double instancesPerSecond() {
            return instances / (elapsed.toNanos() / 1e9);
        }

        public double serverCpuMillisPerInstance() {
            return serverCpu.toNanos() / 1e6 / instances;
        }

        public double clientCpuMillisPerInstance() {
            return clientCpu.toNanos() / 1e6 / instances;
        }
    }

    /** One round: every route, and the 1-minute load average before and after. */
    public record Round(Map<Route, Measurement> measurements, double loadBefore, double loadAfter) {

        public Measurement of(Route route) {
            return measurements.get(route);
        }

        /** The route's instances/s over its anchor's in this round. */
        public double ratio(Route route) {
            return of(route).instancesPerSecond() / of(route.anchor()).instancesPerSecond();
        }
    }

    /**
     * What a run measured.
     *
     * @param bytesPerInstance size of one generated instance file
     * @param storeOnlyHeap the store-only Glean server's heap over the whole run, warm-up included
     * @param scoringHeap the scoring Glean server's
     * @param modelVersion the model the scoring server scored with
     */
    public record Report(Settings settings, List<Round> rounds, long bytesPerInstance, GcLogHeap storeOnlyHeap,
            GcLogHeap scoringHeap, String modelVersion, String orthancVersion, String dcmsendVersion) {
    }

    private final Settings settings;
    private final PrintWriter progress;

    public IngestBenchmark(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Report run() throws IOException, InterruptedException {
        Path workDir = settings.workDir();
        say("Starting two Glean servers (%s; one without a model) and Orthanc in %s", settings.server().jar(), workDir);
        try (GleanServerProcess storeOnly = GleanServerProcess.start(settings.server(),
                        workDir.resolve("glean-store-only-data"), workDir.resolve("glean-store-only.log"),
                        Map.of("GLEAN_MODELS_BUNDLED", "false", "GLEAN_SCP_STUDY_QUIET_PERIOD", QUIET_PERIOD));
                GleanServerProcess scoring = GleanServerProcess.start(settings.server(),
                        workDir.resolve("glean-scoring-data"), workDir.resolve("glean-scoring.log"),
                        Map.of("GLEAN_SCP_STUDY_QUIET_PERIOD", QUIET_PERIOD));
                OrthancProcess orthanc = OrthancProcess.start(workDir)) {
            storeOnly.awaitReady(START_TIMEOUT);
            scoring.awaitReady(START_TIMEOUT);
            orthanc.awaitReady(START_TIMEOUT);
            try (Target storeOnlyTarget = new Target(storeOnly); Target scoringTarget = new Target(scoring)) {
                Routes routes = new Routes(storeOnlyTarget, scoringTarget, orthanc);
                if (settings.warmupInstances() > 0) {
                    say("Warm-up: %d instances through each route", settings.warmupInstances());
                    routes.round("warmup", settings.warmupInstances(), true);
                }
                List<Round> rounds = new ArrayList<>();
                String modelVersion = "";
                long bytesPerInstance = 0;
                for (int round = 1; round <= settings.rounds(); round++) {
                    // Alternating who goes first spreads the drift of a shared machine's load.
                    Round measured = routes.round("round-" + round, settings.instances(), round % 2 == 1);
                    rounds.add(measured);
                    Measurement grpc = measured.of(Route.GLEAN_GRPC);
                    bytesPerInstance = grpc.bytes() / grpc.instances();
                    modelVersion = routes.modelVersion;
                    StringBuilder line = new StringBuilder("Round " + round + ":");
                    for (Route route : Route.values()) {
                        line.append(String.format(" %s %.1f;", route.label(), measured.of(route).instancesPerSecond()));
                    }
                    say("%s instances/s (load %.1f)", line, measured.loadAfter());
                }
                return new Report(settings, rounds, bytesPerInstance, storeOnly.heap(), scoring.heap(), modelVersion,
                        orthanc.version(), Dcmsend.version());
            }
        }
    }

    /** A Glean server with the clients that send to it and read back from it. */
    private static final class Target implements AutoCloseable {

        private final GleanServerProcess server;
        private final ManagedChannel channel;
        private final IngestStudyClient client;
        private final StudyIngestGrpc.StudyIngestBlockingStub studies;

        Target(GleanServerProcess server) {
            this.server = server;
            this.channel = server.channel();
            this.client = new IngestStudyClient(channel, CHUNK_SIZE);
            this.studies = StudyIngestGrpc.newBlockingStub(channel);
        }

        StudyAnalysis study(String studyInstanceUid) {
            return studies.getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyInstanceUid).build());
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The routes of one run. */
    private final class Routes {

        private final Target storeOnly;
        private final Target scoring;
        private final OrthancProcess orthanc;
        private String modelVersion = "";

        Routes(Target storeOnly, Target scoring, OrthancProcess orthanc) {
            this.storeOnly = storeOnly;
            this.scoring = scoring;
            this.orthanc = orthanc;
        }

        Round round(String name, int instances, boolean gleanFirst) throws IOException, InterruptedException {
            double loadBefore = LoadAverage.oneMinute();
            Map<Route, Measurement> measured = new EnumMap<>(Route.class);
            for (Route route : List.of(Route.GLEAN_GRPC, Route.GLEAN_GRPC_SCORING)) {
                measured.put(route, gleanGrpc(route, name, instances));
            }
            for (List<Route> routes : List.of(
                    List.of(Route.GLEAN_CSTORE, Route.GLEAN_CSTORE_SCORING, Route.ORTHANC_CSTORE),
                    List.of(Route.GLEAN_CSTORE_PARALLEL, Route.GLEAN_CSTORE_PARALLEL_SCORING,
                            Route.ORTHANC_CSTORE_PARALLEL))) {
                int associations = routes.get(0).associations;
                Path dicomSet = settings.workDir().resolve(name + "-cstore-" + associations);
                List<GeneratedStudy> generated = BenchmarkInstances.write(dicomSet, instances, settings.studies(),
                        settings.size());
                long bytes = BenchmarkInstances.totalBytes(generated);
                List<Path> folders = dealOut(generated, dicomSet, associations);
                List<Route> order = new ArrayList<>(routes);
                if (!gleanFirst) {
                    Collections.reverse(order);
                }
                for (Route route : order) {
                    measured.put(route, route.isOrthanc() ? orthancCStore(route, name, generated, bytes, folders)
                            : gleanCStore(route, name, generated, bytes, folders));
                }
            }
            return new Round(measured, loadBefore, LoadAverage.oneMinute());
        }

        private Target target(Route route) {
            return route.scoring ? scoring : storeOnly;
        }

        private Measurement gleanGrpc(Route route, String name, int instances) throws IOException, InterruptedException {
            Target target = target(route);
            List<GeneratedStudy> generated = BenchmarkInstances.write(
                    settings.workDir().resolve(name + "-" + route.name().toLowerCase()), instances, settings.studies(),
                    settings.size());
            Duration cpuBefore = target.server.cpuTime();
            Duration clientCpuBefore = CpuClock.thisProcess();
            long start = System.nanoTime();
            List<StudyAnalysis> analyses = new ArrayList<>();
            for (GeneratedStudy study : generated) {
                analyses.add(target.client.send(study.files()));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Duration cpu = target.server.cpuTime().minus(cpuBefore);
            Duration clientCpu = CpuClock.thisProcess().minus(clientCpuBefore);
            for (int i = 0; i < generated.size(); i++) {
                requireAllAccepted(generated.get(i), analyses.get(i), route);
            }
            return new Measurement(instances, BenchmarkInstances.totalBytes(generated), elapsed, cpu, clientCpu);
        }

        private Measurement gleanCStore(Route route, String name, List<GeneratedStudy> generated, long bytes,
                List<Path> folders) throws IOException, InterruptedException {
            Target target = target(route);
            Duration cpuBefore = target.server.cpuTime();
            Duration clientCpuBefore = CpuClock.waitedForChildren();
            long start = System.nanoTime();
            Dcmsend.send(GleanServerProcess.AE_TITLE, target.server.dicomPort(), folders,
                    settings.workDir().resolve(name + "-dcmsend-" + route.name().toLowerCase()));
            List<StudyAnalysis> analyses = new ArrayList<>();
            for (GeneratedStudy study : generated) {
                analyses.add(route.scoring ? scored(target, study) : target.study(study.studyInstanceUid()));
            }
            // with scoring, until the last study is scored: a C-STORE study is scored after its quiet period
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Duration cpu = target.server.cpuTime().minus(cpuBefore);
            Duration clientCpu = CpuClock.waitedForChildren().minus(clientCpuBefore);
            for (int i = 0; i < generated.size(); i++) {
                requireAllAccepted(generated.get(i), analyses.get(i), route);
            }
            return new Measurement(count(generated), bytes, elapsed, cpu, clientCpu);
        }

        // The study once its analysis is persisted, which follows its C-STORE quiet period.
        private StudyAnalysis scored(Target target, GeneratedStudy study) throws IOException, InterruptedException {
            Instant deadline = Instant.now().plus(SCORING_TIMEOUT);
            while (true) {
                StudyAnalysis analysis = target.study(study.studyInstanceUid());
                if (!analysis.getModelVersion().isEmpty()) {
                    modelVersion = analysis.getModelVersion();
                    return analysis;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Glean had not scored study " + study.studyInstanceUid() + " "
                            + SCORING_TIMEOUT.toMinutes() + " minutes after its instances were stored: "
                            + analysis.getNotScoredReason());
                }
                Thread.sleep(200);
            }
        }

        private Measurement orthancCStore(Route route, String name, List<GeneratedStudy> generated, long bytes,
                List<Path> folders) throws IOException, InterruptedException {
            long before = orthanc.instanceCount();
            Duration cpuBefore = orthanc.cpuTime();
            Duration clientCpuBefore = CpuClock.waitedForChildren();
            Duration elapsed = Dcmsend.send(OrthancProcess.AE_TITLE, orthanc.dicomPort(), folders,
                    settings.workDir().resolve(name + "-dcmsend-" + route.name().toLowerCase()));
            Duration cpu = orthanc.cpuTime().minus(cpuBefore);
            Duration clientCpu = CpuClock.waitedForChildren().minus(clientCpuBefore);
            long stored = orthanc.instanceCount() - before;
            if (stored != count(generated)) {
                throw new IOException("Orthanc stored " + stored + " of " + count(generated) + " instances");
            }
            return new Measurement(count(generated), bytes, elapsed, cpu, clientCpu);
        }
    }

    // Deals the files out, in turn, into one folder per association under dicomSet.
    private static List<Path> dealOut(List<GeneratedStudy> generated, Path dicomSet, int associations)
            throws IOException {
        List<Path> folders = new ArrayList<>();
        for (int i = 1; i <= associations; i++) {
            folders.add(Files.createDirectories(dicomSet.resolve("association-" + i)));
        }
        int next = 0;
        for (GeneratedStudy study : generated) {
            for (Path file : study.files()) {
                Path folder = folders.get(next++ % associations);
                Files.move(file, folder.resolve(file.getFileName()));
            }
        }
        return folders;
    }

    private static void requireAllAccepted(GeneratedStudy study, StudyAnalysis analysis, Route route)
            throws IOException {
        long accepted = analysis.getSeriesList().stream()
                .flatMap(series -> series.getImagesList().stream())
                .map(ImageAnalysis::getStatus)
                .filter(status -> status.getCode() == InstanceStatus.Code.ACCEPTED)
                .count();
        if (analysis.getInstanceCount() != study.files().size() || accepted != study.files().size()) {
            throw new IOException("Glean (" + route.label() + ") holds " + analysis.getInstanceCount()
                    + " instances, " + accepted + " accepted, of the " + study.files().size() + " sent in study "
                    + study.studyInstanceUid());
        }
        if (route.scoring && analysis.getModelVersion().isEmpty()) {
            throw new IOException("Glean (" + route.label() + ") did not score study " + study.studyInstanceUid()
                    + ": " + analysis.getNotScoredReason());
        }
    }

    private static int count(List<GeneratedStudy> generated) {
        return generated.stream().mapToInt(study -> study.files().size()).sum();
    }

    private void say(String format, Object... args) {
        progress.printf(format + "%n", args);
        progress.flush();
    }
}
