package org.glean.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.InstanceStatus;
import org.glean.proto.v1.SeriesAnalysis;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code glean send DIR}: a gRPC client that streams every DICOM file under a folder to a Glean
 * server, one IngestStudy call per study, and prints what the server made of each study.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Sends every DICOM file under DIR to a Glean server and prints each study's result.",
                "Files are recognised by the DICM prefix after the preamble and grouped by StudyInstanceUID; each "
                        + "study goes in one IngestStudy call. Exit status: 0 when every study was taken, 1 when one "
                        + "was not, 2 for bad arguments."})
public final class SendCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "folder to search, subfolders included")
    Path directory;

    @Mixin
    ServerConnection server;

    @Mixin
    ChunkSizeOption chunkSize;

    @Spec
    CommandSpec spec;

    private final DicomReader reader;

    public SendCommand() {
        this(new PixelMedDicomReader());
    }

    SendCommand(DicomReader reader) {
        this.reader = reader;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(directory)) {
            err.println("glean send: " + directory + " is not a folder");
            return 2;
        }
        try {
            chunkSize.bytes();
        } catch (IllegalArgumentException e) {
            err.println("glean send: " + e.getMessage());
            return 2;
        }
        Map<String, List<Path>> studies = DicomFolder.studiesUnder(directory, reader, err);
        if (studies.isEmpty()) {
            err.println("glean send: no DICOM files under " + directory);
            return 1;
        }
        return server.call(spec, channel -> {
            int failed = 0;
            IngestStudyClient client = new IngestStudyClient(channel, chunkSize.bytes());
            for (Map.Entry<String, List<Path>> study : studies.entrySet()) {
                try {
                    print(client.send(study.getValue()), out);
                } catch (StatusRuntimeException e) {
                    failed++;
                    err.printf("Study %s was not taken: %s: %s%n", study.getKey(), e.getStatus().getCode(),
                            e.getStatus().getDescription());
                }
                out.flush();
            }
            out.printf("%d of %d studies sent%n", studies.size() - failed, studies.size());
            return failed == 0 ? 0 : 1;
        });
    }

    private static void print(StudyAnalysis study, PrintWriter out) {
        out.printf("Study %s: %d instances in %d series, %s%n", study.getStudyInstanceUid(), study.getInstanceCount(),
                study.getSeriesCount(), study.getReception());
        if (!study.getModelVersion().isEmpty()) {
            long objects = study.getSeriesList().stream().flatMap(s -> s.getImagesList().stream())
                    .mapToLong(ImageAnalysis::getObjectsCount).sum();
            out.printf("  scored by model %s: %d objects, informativeness %s%n", study.getModelVersion(), objects,
                    objects == 0 ? "lowest (no object)" : String.format("%.3f", study.getInformativeness()));
        } else if (!study.getNotScoredReason().isEmpty()) {
            out.printf("  not scored: %s%n", study.getNotScoredReason());
        }
        if (study.hasDecision()) {
            out.printf("  curation: %s (%s)%n", study.getDecision().getOutcome(), study.getDecision().getReason());
        }
        for (SeriesAnalysis series : study.getSeriesList()) {
            Map<String, List<ImageAnalysis>> framesByInstance = new LinkedHashMap<>();
            series.getImagesList().forEach(image ->
                    framesByInstance.computeIfAbsent(image.getSopInstanceUid(), uid -> new ArrayList<>()).add(image));
            out.printf("  Series %s (%s, number %d): %d instances%n", series.getSeriesInstanceUid(),
                    series.getModality().isEmpty() ? "no modality" : series.getModality(), series.getSeriesNumber(),
                    framesByInstance.size());
            framesByInstance.forEach((sopInstanceUid, frames) -> {
                ImageAnalysis first = frames.get(0);
                if (first.getStatus().getCode() == InstanceStatus.Code.REJECTED) {
                    out.printf("    %s  REJECTED: %s%n", sopInstanceUid, first.getStatus().getReason());
                } else {
                    int objects = frames.stream().mapToInt(ImageAnalysis::getObjectsCount).sum();
                    out.printf("    %s  ACCEPTED  %dx%d, %d frame%s%s%n", sopInstanceUid, first.getColumns(),
                            first.getRows(), frames.size(), frames.size() == 1 ? "" : "s",
                            objects == 0 ? "" : ", " + objects + (objects == 1 ? " object" : " objects"));
                }
            });
        }
    }
}
