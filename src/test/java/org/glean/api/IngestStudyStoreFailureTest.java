package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.api.IngestCalls.ingest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.Instance;
import org.glean.ingest.InstanceStore;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.OwnInstanceStoreTestResource;
import org.glean.server.PostgresTestResource;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector runs on a call's frames while its instances are still being stored; a store that
 * then fails leaves no analysis and nothing of the failed instance, and answers as it always did.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OwnInstanceStoreTestResource.class)
class IngestStudyStoreFailureTest extends LoopbackGrpcTest {

    // more than the test's batch size (4), so that a batch goes to the detector while the call
    // still receives (whether it has run when the store fails depends on the machine's timing)
    private static final int SLICES = 6;

    @Inject
    InstanceStore store;

    @Inject
    AnalysisRepository analyses;

    @Test
    void aStoreFailingInACallWhoseFramesWentToTheDetectorLeavesNoAnalysisAndNothingOfTheInstance(@TempDir Path dir)
            throws Exception {
        List<Path> files = freshCtStudy(dir.resolve("1"));
        // a study whose last instance would open a directory of the store
        for (int attempt = 2; Files.exists(store.pathOf(sha256(files.get(SLICES - 1))).getParent()); attempt++) {
            files = freshCtStudy(dir.resolve(String.valueOf(attempt)));
        }
        Path last = files.get(SLICES - 1);
        Path target = store.pathOf(sha256(last));
        // a file where that directory belongs: moving the instance into place fails
        Files.createFile(target.getParent());
        List<Path> sent = files;
        try {
            assertThatThrownBy(() -> ingest(channel, sent.toArray(Path[]::new)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                        assertThat(e.getStatus().getDescription())
                                .endsWith("Glean could not store the instances; try again later");
                    });
        } finally {
            Files.delete(target.getParent());
        }

        String studyUid = new PixelMedDicomReader().readHeader(last).studyInstanceUid();
        String lastSop = new PixelMedDicomReader().readHeader(last).sopInstanceUid();
        assertThat(analyses.count(studyUid)).isZero();
        assertThat(QuarkusTransaction.requiringNew().call(() -> Instance.findByUid(lastSop))).isNull();
        assertThat(target).doesNotExist();
        try (Stream<Path> uploads = Files.list(store.uploads())) {
            assertThat(uploads).as("uploads left behind").isEmpty();
        }

        // nothing left behind stands in the way of sending the study again
        StudyAnalysis again = ingest(channel, files.toArray(Path[]::new));
        assertThat(again.getInstanceCount()).isEqualTo(SLICES);
        assertThat(again.getModelVersion()).isNotEmpty();
        assertThat(analyses.count(studyUid)).isEqualTo(1);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    // A CT study of its own seed, so that its UIDs are new to the server.
    private static List<Path> freshCtStudy(Path folder) throws Exception {
        SynthOptions defaults = SynthOptions.defaults(System.nanoTime());
        SynthOptions options = new SynthOptions(defaults.seed(), 1, SLICES, 1, 64, 1.0,
                new SynthOptions.Range(2, 2), 0, defaults.noise(), defaults.blur(), 0, defaults.shiftKinds());
        new SynthDatasetWriter().write(options, folder, written -> { });
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(file -> file.toString().endsWith(".dcm")).sorted().toList();
        }
    }
}
