package org.glean.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.PullProgress;
import org.glean.proto.v1.PullSourceRequest;
import org.glean.proto.v1.SourcesGrpc;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyPulled;
import org.glean.pacs.DicomWebClient;
import org.glean.pacs.DicomWebEndpoint;
import org.glean.pacs.HttpDicomWebClient;
import org.glean.pacs.SourcePass;
import org.glean.pacs.StudyMatch;
import org.glean.pacs.StudyQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean pull --url URL}: one pass over a DICOMweb origin from the command line. Finds the
 * matching studies (QIDO-RS), retrieves each (WADO-RS) into a temporary folder as it streams in,
 * and sends it to a Glean server in one IngestStudy call, like {@code glean send}.
 * {@code glean pull --source NAME}: one pass of a source configured on the server, run there
 * (Sources.PullSource), with its checkpoint, printing its progress.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Pulls the studies a DICOMweb origin (a PACS) matches and sends each to a Glean server, or "
                + "has the server run one pass of a source configured there (--source, a curator's token).",
                "Studies already on the server are stored once however often they are pulled. Exit status: 0 when "
                        + "every study was taken, 1 when one was not or the origin failed, 2 for bad arguments."})
public final class PullCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL",
            description = "DICOMweb service root, e.g. http://pacs:8042/dicom-web")
    URI url;

    @Option(names = "--source", paramLabel = "NAME",
            description = "a source configured on the server (glean.pacs.sources.NAME), instead of --url and a query")
    String source;

    @Option(names = "--modality", description = "ModalitiesInStudy to match, e.g. CT")
    String modality;

    @Option(names = "--study-date", paramLabel = "DATE[-DATE]",
            description = "StudyDate or range, e.g. 20240101- or 20240101-20241231")
    String studyDate;

    @Option(names = "--station", description = "StationName to match")
    String station;

    @Option(names = "--description", description = "StudyDescription to match; * is a wildcard")
    String description;

    @Option(names = "--page-size", defaultValue = "0",
            description = "studies per QIDO-RS request, 0 for all at once (default: ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--pacs-user", description = "user name for HTTP Basic authentication at the origin")
    String pacsUser;

    @Option(names = "--pacs-password-file", paramLabel = "FILE", description = "file holding that user's password")
    Path pacsPasswordFile;

    @Option(names = "--pacs-token-file", paramLabel = "FILE",
            description = "file holding a bearer token for the origin, instead of a user")
    Path pacsTokenFile;

    @Option(names = "--pacs-timeout", defaultValue = "PT2M",
            description = "how long the origin may take to begin an answer (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Mixin
    ServerConnection server;

    @Mixin
    ChunkSizeOption chunkSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((url == null) == (source == null)) {
            err.println("glean pull: give either --url (a DICOMweb origin) or --source (a source of the server)");
            return 2;
        }
        if (source != null) {
            if (modality != null || studyDate != null || station != null || description != null || pageSize != 0
                    || pacsUser != null || pacsPasswordFile != null || pacsTokenFile != null) {
                err.println("glean pull: --source uses the source's own query and access, set on the server; "
                        + "leave out the query and PACS options");
                return 2;
            }
            return server.call(spec, channel -> pullSource(channel, out));
        }
        DicomWebClient origin;
        try {
            origin = new HttpDicomWebClient(new DicomWebEndpoint(url, DicomWebEndpoint.authorization(
                    Optional.ofNullable(pacsUser), read(pacsPasswordFile), read(pacsTokenFile)),
                    Duration.ofSeconds(10), timeout));
            chunkSize.bytes();
        } catch (IllegalArgumentException e) {
            err.println("glean pull: " + e.getMessage());
            return 2;
        }
        StudyQuery query = new StudyQuery(Optional.ofNullable(modality), Optional.ofNullable(studyDate),
                Optional.ofNullable(station), Optional.ofNullable(description));
        return server.call(spec, channel -> {
            Path folder = Files.createTempDirectory("glean-pull");
            try {
                IngestStudyClient client = new IngestStudyClient(channel, chunkSize.bytes());
                int[] failed = {0};
                SourcePass.Outcome outcome = SourcePass.overDicomWeb(origin, query, pageSize).run(java.util.Set.of(),
                        study -> send(origin, client, study, folder, err, failed),
                        (position, total, study, taken) -> {
                            out.printf("[%d/%d] Study %s: %d instances taken%n", position, total,
                                    study.studyInstanceUid(), taken.stored());
                            out.flush();
                        });
                out.printf("%d of %d matching studies taken%n", outcome.taken() - failed[0], outcome.matched());
                return failed[0] == 0 ? 0 : 1;
            } catch (IOException e) {
                err.println("glean pull: " + e.getMessage());
                return 1;
            } finally {
                deleteFolder(folder);
            }
        });
    }

    // Streams the server's pass of the source; a failure of the PACS ends the stream with UNAVAILABLE.
    private int pullSource(ManagedChannel channel, PrintWriter out) {
        Iterator<PullProgress> progress = SourcesGrpc.newBlockingStub(channel)
                .pullSource(PullSourceRequest.newBuilder().setSource(source).build());
        while (progress.hasNext()) {
            PullProgress step = progress.next();
            switch (step.getStepCase()) {
                case FOUND -> out.printf("Source %s: %d studies match, %d of them taken before%n", source,
                        step.getFound().getMatched(), step.getFound().getAlreadyTaken());
                case STUDY -> {
                    StudyPulled study = step.getStudy();
                    String stored = study.getInstancesStored() + " instances stored, " + study.getInstancesRefused()
                            + " refused";
                    out.printf("[%d/%d] %s%n", study.getPosition(), study.getTotal(), switch (study.getOutcome()) {
                        case "TAKEN" -> "study taken: " + stored;
                        case "PARTIAL" -> "study taken in part: " + stored + ", " + study.getInstancesMissing()
                                + " not sent by the PACS; the next pass retrieves it again";
                        default -> "study not taken: " + study.getError();
                    });
                }
                case DONE -> out.printf("%d of %d matching studies taken%s (%d instances stored, %d refused)%n",
                        step.getDone().getTaken(), step.getDone().getMatched(), step.getDone().getPartlyTaken() == 0
                                ? "" : ", " + step.getDone().getPartlyTaken() + " in part",
                        step.getDone().getInstancesStored(), step.getDone().getInstancesRefused());
                default -> {
                }
            }
            out.flush();
        }
        return 0;
    }

    // Retrieves one study into the folder, sends it, and empties the folder again.
    private static SourcePass.TakenStudy send(DicomWebClient origin, IngestStudyClient client, StudyMatch study,
            Path folder, PrintWriter err, int[] failed) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        try {
            origin.retrieveStudy(study.studyInstanceUid(), (index, bytes) -> {
                Path file = folder.resolve("instance-" + index + ".dcm");
                files.add(file);
                try (OutputStream target = Files.newOutputStream(file)) {
                    bytes.transferTo(target);
                }
            });
            StudyAnalysis analysis = client.send(files);
            return new SourcePass.TakenStudy(analysis.getInstanceCount(), files.size() - analysis.getInstanceCount());
        } catch (StatusRuntimeException e) {
            failed[0]++;
            err.printf("Study %s was not taken: %s: %s%n", study.studyInstanceUid(), e.getStatus().getCode(),
                    e.getStatus().getDescription());
            return new SourcePass.TakenStudy(0, files.size());
        } finally {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return file == null ? Optional.empty() : Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }
}
