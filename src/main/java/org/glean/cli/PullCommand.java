package org.glean.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.StudyAnalysis;
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
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Pulls the studies a DICOMweb origin (a PACS) matches and sends each to a Glean server.",
                "Studies already on the server are stored once however often they are pulled. Exit status: 0 when "
                        + "every study was taken, 1 when one was not or the origin failed, 2 for bad arguments."})
public final class PullCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "DICOMweb service root, e.g. http://pacs:8042/dicom-web")
    URI url;

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
                SourcePass.Outcome outcome = new SourcePass(origin, query, pageSize).run(java.util.Set.of(),
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
