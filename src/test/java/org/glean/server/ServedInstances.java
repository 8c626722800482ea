package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glean.bench.GleanServerProcess;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;

/**
 * What the packaged servers of the integration tests hold, checked from outside: the instances a
 * server lists for a study, and the instance store's files against them.
 */
final class ServedInstances {

    private static final DicomReader READER = new PixelMedDicomReader();

    private ServedInstances() {
    }

    /** The SOPInstanceUIDs the server lists for the study; none when it does not know the study. */
    static Set<String> instancesOf(ManagedChannel channel, String studyInstanceUid) {
        StudyAnalysis analysis;
        try {
            analysis = StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyInstanceUid).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Set.of();
            }
            throw e;
        }
        Set<String> instances = new HashSet<>();
        analysis.getSeriesList().forEach(series -> series.getImagesList().stream()
                .map(ImageAnalysis::getSopInstanceUid).forEach(instances::add));
        assertThat(analysis.getInstanceCount()).isEqualTo(instances.size());
        return instances;
    }

    /** The SOPInstanceUIDs of the files. */
    static Set<String> sopInstanceUids(Collection<Path> files) throws Exception {
        Set<String> uids = new HashSet<>();
        for (Path file : files) {
            uids.add(READER.readHeader(file).sopInstanceUid());
        }
        return uids;
    }

    /**
     * Every file in the store is intact (its bytes hash to its name) and readable, and the
     * instances in the files are exactly {@code listed}; the upload folder holds the folder and
     * lock of each of the {@code liveServers} running servers and nothing of servers that are gone.
     */
    static void assertStoreHoldsExactly(Path store, Set<String> listed, int liveServers) throws Exception {
        Set<String> inFiles = new HashSet<>();
        try (Stream<Path> files = Files.walk(store)) {
            for (Path file : files.filter(Files::isRegularFile).filter(file -> !file.startsWith(store.resolve(".uploads")))
                    .toList()) {
                assertThat(file.getFileName().toString()).isEqualTo(sha256(file) + ".dcm");
                inFiles.add(READER.decode(file).header().sopInstanceUid());
            }
        }
        assertThat(inFiles).isEqualTo(listed);
        try (Stream<Path> uploads = Files.list(store.resolve(".uploads"))) {
            assertThat(uploads).as("the running servers' upload folders and their locks only").hasSize(2 * liveServers);
        }
    }

    /** DCMTK's storescu sending the files to the server's SCP on one association, each C-STORE awaiting its response. */
    static ProcessBuilder storescu(GleanServerProcess server, List<Path> files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aet", "PACS", "-aec",
                GleanServerProcess.AE_TITLE, server.host(), Integer.toString(server.dicomPort())));
        files.forEach(file -> command.add(file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TCP_NODELAY", "1");
        return builder;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
