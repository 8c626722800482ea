package org.glean.cli;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glean.api.v1.ImageAnalysis;
import org.glean.api.v1.IngestChunk;
import org.glean.api.v1.InstanceStatus;
import org.glean.api.v1.SeriesAnalysis;
import org.glean.api.v1.StudyAnalysis;
import org.glean.api.v1.StudyIngestGrpc;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.dicom.UnsupportedDicomException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    private static final byte[] DICM = "DICM".getBytes(StandardCharsets.US_ASCII);
    private static final int PREAMBLE_LENGTH = 128;

    @Parameters(paramLabel = "DIR", description = "folder to search, subfolders included")
    Path directory;

    @Option(names = "--host", defaultValue = "localhost", description = "server host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "9090", description = "server gRPC port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--chunk-size", defaultValue = "1048576",
            description = "bytes per IngestChunk, at most 8 MiB (default: ${DEFAULT-VALUE})")
    int chunkSize;

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
        if (chunkSize < 1 || chunkSize > 8 << 20) {
            err.println("glean send: --chunk-size must be between 1 and 8388608 bytes");
            return 2;
        }
        Map<String, List<Path>> studies = studiesUnder(directory, err);
        if (studies.isEmpty()) {
            err.println("glean send: no DICOM files under " + directory);
            return 1;
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
        int failed = 0;
        try {
            StudyIngestGrpc.StudyIngestStub stub = StudyIngestGrpc.newStub(channel);
            for (Map.Entry<String, List<Path>> study : studies.entrySet()) {
                try {
                    print(send(stub, study.getValue()), out);
                } catch (StatusRuntimeException e) {
                    failed++;
                    err.printf("Study %s was not taken: %s: %s%n", study.getKey(), e.getStatus().getCode(),
                            e.getStatus().getDescription());
                }
                out.flush();
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        out.printf("%d of %d studies sent%n", studies.size() - failed, studies.size());
        return failed == 0 ? 0 : 1;
    }

    // Files in path order, grouped by study in order of first appearance.
    private Map<String, List<Path>> studiesUnder(Path root, PrintWriter err) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        for (Path file : files) {
            if (!hasDicomPreamble(file)) {
                continue;
            }
            DicomHeader header;
            try {
                header = reader.readHeader(file);
            } catch (UnsupportedDicomException e) {
                header = e.header(); // the server stores it and reports it rejected
            } catch (MalformedDicomException e) {
                err.printf("Skipped %s: %s%n", file, e.getMessage());
                continue;
            }
            studies.computeIfAbsent(header.studyInstanceUid(), uid -> new ArrayList<>()).add(file);
        }
        return studies;
    }

    private static boolean hasDicomPreamble(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(PREAMBLE_LENGTH + DICM.length);
            return start.length == PREAMBLE_LENGTH + DICM.length
                    && Arrays.equals(start, PREAMBLE_LENGTH, start.length, DICM, 0, DICM.length);
        }
    }

    private StudyAnalysis send(StudyIngestGrpc.StudyIngestStub stub, List<Path> files)
            throws IOException, InterruptedException {
        Call call = new Call();
        stub.ingestStudy(call);
        byte[] buffer = new byte[chunkSize];
        for (int index = 0; index < files.size() && !call.isOver(); index++) {
            Path file = files.get(index);
            long size = Files.size(file);
            long sent = 0;
            try (InputStream in = Files.newInputStream(file)) {
                do {
                    int length = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - sent));
                    sent += length;
                    call.send(IngestChunk.newBuilder()
                            .setInstanceIndex(index)
                            .setData(ByteString.copyFrom(buffer, 0, length))
                            .setLastChunk(sent >= size || length == 0)
                            .build());
                } while (sent < size && !call.isOver());
            }
        }
        return call.finish();
    }

    /** One IngestStudy call whose sender waits while the transport is not ready, so memory stays bounded. */
    private static final class Call implements ClientResponseObserver<IngestChunk, StudyAnalysis> {

        private ClientCallStreamObserver<IngestChunk> requests;
        private StudyAnalysis analysis;
        private Throwable error;
        private boolean over;

        @Override
        public void beforeStart(ClientCallStreamObserver<IngestChunk> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(this::wakeSender);
        }

        synchronized void send(IngestChunk chunk) throws InterruptedException {
            while (!over && !requests.isReady()) {
                wait();
            }
            if (!over) {
                requests.onNext(chunk);
            }
        }

        synchronized boolean isOver() {
            return over;
        }

        synchronized StudyAnalysis finish() throws InterruptedException {
            if (!over) {
                requests.onCompleted();
            }
            while (!over) {
                wait();
            }
            if (error != null) {
                throw Status.fromThrowable(error).asRuntimeException();
            }
            return analysis;
        }

        private synchronized void wakeSender() {
            notifyAll();
        }

        @Override
        public synchronized void onNext(StudyAnalysis value) {
            analysis = value;
        }

        @Override
        public synchronized void onError(Throwable t) {
            error = t;
            over = true;
            notifyAll();
        }

        @Override
        public synchronized void onCompleted() {
            over = true;
            notifyAll();
        }
    }

    private static void print(StudyAnalysis study, PrintWriter out) {
        out.printf("Study %s: %d instances in %d series, %s%n", study.getStudyInstanceUid(), study.getInstanceCount(),
                study.getSeriesCount(), study.getReception());
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
                    out.printf("    %s  ACCEPTED  %dx%d, %d frame%s%n", sopInstanceUid, first.getColumns(),
                            first.getRows(), frames.size(), frames.size() == 1 ? "" : "s");
                }
            });
        }
    }
}
