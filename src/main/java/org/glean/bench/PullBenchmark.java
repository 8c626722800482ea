package org.glean.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.dicom.DimsePeer;
import org.glean.dicom.QueryRetrieveScu;
import org.glean.proto.v1.DeleteStudyRequest;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.PassDone;
import org.glean.proto.v1.PullProgress;
import org.glean.proto.v1.PullSourceRequest;
import org.glean.proto.v1.SourcesGrpc;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;

/**
 * Pull throughput on loopback, in one run: each round generates a fresh study into one Orthanc
 * (with DICOMweb) and measures, wall-clock, (1) a Glean server pulling it as its source
 * {@code wado} (QIDO-RS, WADO-RS), (2) the same server pulling it as its source {@code dimse}
 * (C-FIND, C-MOVE to Glean's SCP), and (3) Orthanc's own peer transfer: a C-MOVE of the study from
 * that Orthanc to a second, plain Orthanc. Glean's pulls run through {@code Sources.PullSource};
 * between them the study is deleted from Glean, so that each pull stores it anew, and before each
 * measurement Glean has finished scoring what it took, so that scoring is not measured. Every
 * measurement is checked: all instances must arrive.
 */
public final class PullBenchmark {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final String PEER_AE_TITLE = "ORTHANCB";
    private static final String WADO = "wado";
    private static final String DIMSE = "dimse";

    /**
     * What to run.
     *
     * @param instances instances in the study pulled
     * @param size rows and columns of each CT image
     * @param rounds measured rounds
     * @param server how the Glean server is started
     * @param workDir an empty folder for the servers' data, the instances and the logs
     */
    public record Settings(int instances, int size, int rounds, ServerLaunch server, Path workDir) {
    }

    /** One path's measurement: the instances that arrived and the wall-clock time to the last. */
    public record Measurement(int instances, Duration elapsed) {

        public double instancesPerSecond() {
            return instances / (elapsed.toNanos() / 1e9);
        }
    }

    /** One round: the three paths, and the one-minute load average before and after. */
    public record Round(Measurement gleanWado, Measurement gleanCMove, Measurement orthancPeer, double loadBefore,
            double loadAfter) {
    }

    public record Report(Settings settings, List<Round> rounds, long bytesPerInstance, String orthancVersion) {
    }

    private final Settings settings;
    private final PrintWriter log;

    public PullBenchmark(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    public Report run() throws IOException, InterruptedException {
        Path work = settings.workDir();
        try (OrthancProcess peer = OrthancProcess.start(Files.createDirectories(work.resolve("orthanc-peer")))) {
            peer.awaitReady(START_TIMEOUT);
            try (OrthancProcess pacs = OrthancProcess.startWithDicomWebKnowing(
                    Files.createDirectories(work.resolve("orthanc-pacs")),
                    List.of(new OrthancProcess.Modality(PEER_AE_TITLE, "127.0.0.1", peer.dicomPort())))) {
                pacs.awaitReady(START_TIMEOUT);
                return measure(pacs, peer);
            }
        }
    }

    private Report measure(OrthancProcess pacs, OrthancProcess peer) throws IOException, InterruptedException {
        Path work = settings.workDir();
        List<String> options = new ArrayList<>(settings.server().javaOptions());
        options.addAll(List.of(
                "-Dglean.pacs.sources." + WADO + ".url=" + pacs.dicomWebUrl(),
                "-Dglean.pacs.sources." + WADO + ".enabled=false",
                "-Dglean.pacs.sources." + DIMSE + ".host=127.0.0.1",
                "-Dglean.pacs.sources." + DIMSE + ".port=" + pacs.dicomPort(),
                "-Dglean.pacs.sources." + DIMSE + ".called-ae-title=" + OrthancProcess.AE_TITLE,
                "-Dglean.pacs.sources." + DIMSE + ".calling-ae-title=" + GleanServerProcess.AE_TITLE,
                "-Dglean.pacs.sources." + DIMSE + ".enabled=false"));
        ServerLaunch launch = new ServerLaunch(settings.server().jar(), options, settings.server().transport());
        log.println("Starting the Glean server and generating " + settings.instances() + " instances ...");
        log.flush();
        try (GleanServerProcess glean = GleanServerProcess.startReady(launch,
                Files.createDirectories(work.resolve("glean-data")), work.resolve("glean-server.log"),
                START_TIMEOUT)) {
            pacs.addModality(new OrthancProcess.Modality(GleanServerProcess.AE_TITLE, glean.host(),
                    glean.dicomPort()));
            QueryRetrieveScu orthancToPeer = new QueryRetrieveScu(new DimsePeer("127.0.0.1", pacs.dicomPort(),
                    OrthancProcess.AE_TITLE, GleanServerProcess.AE_TITLE, Duration.ofSeconds(10), Duration.ofMinutes(10)));
            ManagedChannel channel = glean.channel();
            try {
                long bytesPerInstance = 0;
                List<Round> rounds = new ArrayList<>();
                for (int round = 1; round <= settings.rounds(); round++) {
                    GeneratedStudy study = BenchmarkInstances.write(
                            Files.createDirectories(work.resolve("instances-" + round)), settings.instances(), 1,
                            settings.size()).get(0);
                    for (Path file : study.files()) {
                        pacs.store(file);
                    }
                    bytesPerInstance = Files.size(study.files().get(0));
                    double loadBefore = LoadAverage.oneMinute();
                    Measurement wado = pull(channel, WADO, round);
                    awaitScored(channel, study.studyInstanceUid());
                    StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES).deleteStudy(
                            DeleteStudyRequest.newBuilder().setStudyInstanceUid(study.studyInstanceUid()).build());
                    Measurement cMove = pull(channel, DIMSE, round);
                    awaitScored(channel, study.studyInstanceUid());
                    Measurement orthanc = peerTransfer(orthancToPeer, peer, study.studyInstanceUid(), round);
                    rounds.add(new Round(wado, cMove, orthanc, loadBefore, LoadAverage.oneMinute()));
                    log.printf("Round %d: Glean WADO-RS %.1f/s, Glean C-MOVE %.1f/s, Orthanc → Orthanc C-MOVE %.1f/s%n",
                            round, wado.instancesPerSecond(), cMove.instancesPerSecond(),
                            orthanc.instancesPerSecond());
                    log.flush();
                }
                return new Report(settings, rounds, bytesPerInstance, pacs.version());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    // One pass of the source, which must take this round's study whole.
    private Measurement pull(ManagedChannel channel, String source, int round) throws IOException {
        long start = System.nanoTime();
        Iterator<PullProgress> progress = SourcesGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.MINUTES)
                .pullSource(PullSourceRequest.newBuilder().setSource(source).build());
        PassDone done = null;
        while (progress.hasNext()) {
            PullProgress step = progress.next();
            if (step.hasDone()) {
                done = step.getDone();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (done == null || done.getTaken() != 1 || done.getInstancesStored() != settings.instances()) {
            throw new IOException("round " + round + ": Glean's " + source + " pass took " + (done == null ? "nothing"
                    : done.getTaken() + " studies, " + done.getInstancesStored() + " instances") + " instead of 1 study"
                    + " of " + settings.instances() + " instances");
        }
        return new Measurement(settings.instances(), elapsed);
    }

    // Scoring follows a pull on the server; it is waited for so that it does not load the next measurement.
    private static void awaitScored(ManagedChannel channel, String studyInstanceUid) throws InterruptedException {
        StudyIngestGrpc.StudyIngestBlockingStub stub = StudyIngestGrpc.newBlockingStub(channel);
        GetStudyRequest request = GetStudyRequest.newBuilder().setStudyInstanceUid(studyInstanceUid).build();
        while (true) {
            StudyAnalysis analysis = stub.withDeadlineAfter(1, TimeUnit.MINUTES).getStudy(request);
            if (!analysis.getModelVersion().isEmpty() || !analysis.getNotScoredReason().isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private Measurement peerTransfer(QueryRetrieveScu orthancToPeer, OrthancProcess peer, String studyInstanceUid,
            int round) throws IOException, InterruptedException {
        long before = peer.instanceCount();
        long start = System.nanoTime();
        QueryRetrieveScu.RetrieveOutcome outcome = orthancToPeer.moveStudy(studyInstanceUid, PEER_AE_TITLE);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        long arrived = peer.instanceCount() - before;
        if (outcome.completed() != settings.instances() || arrived != settings.instances()) {
            throw new IOException("round " + round + ": Orthanc's C-MOVE to its peer ended with "
                    + outcome.describe() + "; " + arrived + " instances arrived");
        }
        return new Measurement(settings.instances(), elapsed);
    }
}
