package org.glean.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.InstanceStatus;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;

/**
 * Ingest throughput on loopback, Glean against Orthanc, in one run: starts a Glean server (the
 * packaged jar, embedded defaults, a fresh data folder) and Orthanc as child processes, then for
 * each round generates fresh instances and measures, wall-clock, (1) Glean's own gRPC client
 * sending them, one IngestStudy call per study; (2) storescu sending another fresh set to Glean's
 * C-STORE SCP over one association; (3) storescu sending that same set to Orthanc. Every
 * measurement is checked: each instance must be stored (and, in Glean, accepted). Each
 * measurement also takes the CPU time the receiving server and the sender used; the Glean
 * server's heap comes from its GC log. Generated instances stay in the work folder until the run
 * ends, so that deleting thousands of files does not load the file system while others are stored.
 */
public final class IngestBenchmark {

    private static final int CHUNK_SIZE = 1 << 20;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /**
     * What to run.
     *
     * @param instances instances per measurement
     * @param studies studies they are spread over
     * @param size rows and columns of each CT image
     * @param rounds measured rounds
     * @param warmupInstances instances each path gets before the first round, not measured (0: none)
     * @param server how the Glean server is started: its jar, JVM options and transport
     * @param workDir an empty folder for the servers' data, the instances and the logs
     */
    public record Settings(int instances, int studies, int size, int rounds, int warmupInstances, ServerLaunch server,
            Path workDir) {
    }

    /**
     * One path's measurement in one round.
     *
     * @param elapsed wall-clock time from the first byte sent to the last acknowledgement
     * @param serverCpu CPU time the receiving server (with its database) used meanwhile
     * @param clientCpu CPU time the sender used: the gRPC client in this JVM, or storescu
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

        public double mebibytesPerSecond() {
            return bytes / (1024.0 * 1024.0) / (elapsed.toNanos() / 1e9);
        }
    }

    /** One round: the three paths, and the 1-minute load average before and after. */
    public record Round(Measurement gleanGrpc, Measurement gleanCStore, Measurement orthancCStore, double loadBefore,
            double loadAfter) {
    }

    /**
     * What a run measured.
     *
     * @param bytesPerInstance size of one generated instance file
     * @param gleanHeap the Glean server's heap over the whole run, warm-up included
     */
    public record Report(Settings settings, List<Round> rounds, long bytesPerInstance, GcLogHeap gleanHeap,
            String orthancVersion, String storescuVersion) {
    }

    private final Settings settings;
    private final PrintWriter progress;

    public IngestBenchmark(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Report run() throws IOException, InterruptedException {
        Path workDir = settings.workDir();
        say("Starting the Glean server (%s) and Orthanc in %s", settings.server().jar(), workDir);
        try (GleanServerProcess glean = GleanServerProcess.start(settings.server(),
                        workDir.resolve("glean-data"), workDir.resolve("glean-server.log"));
                OrthancProcess orthanc = OrthancProcess.start(workDir)) {
            glean.awaitReady(START_TIMEOUT);
            orthanc.awaitReady(START_TIMEOUT);
            ManagedChannel channel = glean.channel();
            try {
                Paths paths = new Paths(glean, orthanc, channel);
                if (settings.warmupInstances() > 0) {
                    say("Warm-up: %d instances through each path", settings.warmupInstances());
                    paths.round("warmup", settings.warmupInstances(), true);
                }
                List<Round> rounds = new ArrayList<>();
                long bytesPerInstance = 0;
                for (int round = 1; round <= settings.rounds(); round++) {
                    // Alternating who goes first spreads the drift of a shared machine's load.
                    Round measured = paths.round("round-" + round, settings.instances(), round % 2 == 1);
                    rounds.add(measured);
                    bytesPerInstance = measured.gleanGrpc().bytes() / measured.gleanGrpc().instances();
                    say("Round %d: Glean gRPC %.1f, Glean C-STORE %.1f, Orthanc C-STORE %.1f instances/s (load %.1f)",
                            round, measured.gleanGrpc().instancesPerSecond(),
                            measured.gleanCStore().instancesPerSecond(),
                            measured.orthancCStore().instancesPerSecond(), measured.loadAfter());
                }
                return new Report(settings, rounds, bytesPerInstance, glean.heap(), orthanc.version(),
                        Storescu.version());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The three ingest paths of one run. */
    private final class Paths {

        private final GleanServerProcess glean;
        private final OrthancProcess orthanc;
        private final IngestStudyClient client;
        private final StudyIngestGrpc.StudyIngestBlockingStub studies;

        Paths(GleanServerProcess glean, OrthancProcess orthanc, ManagedChannel channel) {
            this.glean = glean;
            this.orthanc = orthanc;
            this.client = new IngestStudyClient(channel, CHUNK_SIZE);
            this.studies = StudyIngestGrpc.newBlockingStub(channel);
        }

        Round round(String name, int instances, boolean gleanFirst) throws IOException, InterruptedException {
            double loadBefore = LoadAverage.oneMinute();
            Measurement grpc = gleanGrpc(name, instances);
            Path dicomSet = settings.workDir().resolve(name + "-dicom");
            List<GeneratedStudy> generated = BenchmarkInstances.write(dicomSet, instances, settings.studies(),
                    settings.size());
            Measurement gleanCStore;
            Measurement orthancCStore;
            if (gleanFirst) {
                gleanCStore = gleanCStore(name, generated, dicomSet);
                orthancCStore = orthancCStore(name, generated, dicomSet);
            } else {
                orthancCStore = orthancCStore(name, generated, dicomSet);
                gleanCStore = gleanCStore(name, generated, dicomSet);
            }
            return new Round(grpc, gleanCStore, orthancCStore, loadBefore, LoadAverage.oneMinute());
        }

        private Measurement gleanGrpc(String name, int instances) throws IOException, InterruptedException {
            Path grpcSet = settings.workDir().resolve(name + "-grpc");
            List<GeneratedStudy> generated = BenchmarkInstances.write(grpcSet, instances, settings.studies(),
                    settings.size());
            Duration cpuBefore = glean.cpuTime();
            Duration clientCpuBefore = CpuClock.thisProcess();
            long start = System.nanoTime();
            List<StudyAnalysis> analyses = new ArrayList<>();
            for (GeneratedStudy study : generated) {
                analyses.add(client.send(study.files()));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Duration cpu = glean.cpuTime().minus(cpuBefore);
            Duration clientCpu = CpuClock.thisProcess().minus(clientCpuBefore);
            for (int i = 0; i < generated.size(); i++) {
                requireAllAccepted(generated.get(i), analyses.get(i), "gRPC");
            }
            return new Measurement(instances, BenchmarkInstances.totalBytes(generated), elapsed, cpu, clientCpu);
        }

        private Measurement gleanCStore(String name, List<GeneratedStudy> generated, Path dicomSet)
                throws IOException, InterruptedException {
            Duration cpuBefore = glean.cpuTime();
            Duration clientCpuBefore = CpuClock.waitedForChildren();
            Duration elapsed = Storescu.send(GleanServerProcess.AE_TITLE, glean.dicomPort(), dicomSet,
                    settings.workDir().resolve(name + "-storescu-glean.log"));
            Duration cpu = glean.cpuTime().minus(cpuBefore);
            Duration clientCpu = CpuClock.waitedForChildren().minus(clientCpuBefore);
            for (GeneratedStudy study : generated) {
                requireAllAccepted(study, studies.getStudy(GetStudyRequest.newBuilder()
                        .setStudyInstanceUid(study.studyInstanceUid()).build()), "C-STORE");
            }
            return new Measurement(count(generated), BenchmarkInstances.totalBytes(generated), elapsed, cpu,
                    clientCpu);
        }

        private Measurement orthancCStore(String name, List<GeneratedStudy> generated, Path dicomSet)
                throws IOException, InterruptedException {
            long before = orthanc.instanceCount();
            Duration cpuBefore = orthanc.cpuTime();
            Duration clientCpuBefore = CpuClock.waitedForChildren();
            Duration elapsed = Storescu.send(OrthancProcess.AE_TITLE, orthanc.dicomPort(), dicomSet,
                    settings.workDir().resolve(name + "-storescu-orthanc.log"));
            Duration cpu = orthanc.cpuTime().minus(cpuBefore);
            Duration clientCpu = CpuClock.waitedForChildren().minus(clientCpuBefore);
            long stored = orthanc.instanceCount() - before;
            if (stored != count(generated)) {
                throw new IOException("Orthanc stored " + stored + " of " + count(generated) + " instances");
            }
            return new Measurement(count(generated), BenchmarkInstances.totalBytes(generated), elapsed, cpu,
                    clientCpu);
        }
    }

    private static void requireAllAccepted(GeneratedStudy study, StudyAnalysis analysis, String path)
            throws IOException {
        long accepted = analysis.getSeriesList().stream()
                .flatMap(series -> series.getImagesList().stream())
                .map(ImageAnalysis::getStatus)
                .filter(status -> status.getCode() == InstanceStatus.Code.ACCEPTED)
                .count();
        if (analysis.getInstanceCount() != study.files().size() || accepted != study.files().size()) {
            throw new IOException("Glean (" + path + ") holds " + analysis.getInstanceCount() + " instances, "
                    + accepted + " accepted, of the " + study.files().size() + " sent in study "
                    + study.studyInstanceUid());
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
