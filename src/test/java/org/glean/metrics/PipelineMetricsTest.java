package org.glean.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.inference.TinyModelTestResource;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.OwnInstanceStoreTestResource;
import org.glean.server.PostgresTestResource;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's stage timers, read from its /q/metrics the way the scoring benchmark reads them. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OwnInstanceStoreTestResource.class)
class PipelineMetricsTest extends LoopbackGrpcTest {

    private static final int SLICES = 3;

    @Test
    void anIngestStudyCallRecordsEveryStageOfItsStudyOnce(@TempDir Path dir) throws Exception {
        List<Path> files = freshCtStudy(dir);
        PipelineTimes before = PipelineTimes.scrape(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port));

        StudyAnalysis analysis = new IngestStudyClient(channel, 1 << 20).send(files);
        PipelineTimes call = PipelineTimes.scrape(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port)).minus(before);

        assertThat(analysis.getModelVersion()).isNotEmpty();
        assertThat(analysis.getInstanceCount()).isEqualTo(SLICES);
        // every instance decoded once, on receipt, its frames going from there to the detector; the
        // test's batch size (4) holds the three frames in one batch; uncertainty once per batch and
        // once for the study; the answer built from what was persisted, not read back
        assertThat(call.stage(PipelineStage.RECEIVE_DECODE).count()).isEqualTo(SLICES);
        assertThat(call.stage(PipelineStage.INSTANCE_STORE).count()).isBetween(1L, (long) SLICES);
        assertThat(call.stage(PipelineStage.INFERENCE_DECODE).count()).isZero();
        assertThat(call.stage(PipelineStage.PREPROCESS).count()).isEqualTo(1);
        assertThat(call.stage(PipelineStage.INFERENCE).count()).isEqualTo(1);
        assertThat(call.stage(PipelineStage.UNCERTAINTY).count()).isEqualTo(2);
        assertThat(call.stage(PipelineStage.PERSISTENCE).count()).isEqualTo(1);
        assertThat(call.stage(PipelineStage.ANSWER).count()).isEqualTo(1);
        assertThat(call.studies().count()).isEqualTo(1);
        assertThat(call.detectorWaits().count()).as("one per batch").isEqualTo(1);
        for (PipelineStage stage : PipelineStage.values()) {
            if (stage != PipelineStage.INFERENCE_DECODE) {
                assertThat(call.stage(stage).time()).as(stage.tag()).isPositive();
            }
        }
        // the stages of finishing the call run one after the other inside it
        Duration sequential = Stream.of(PipelineStage.INFERENCE, PipelineStage.PERSISTENCE, PipelineStage.ANSWER)
                .map(stage -> call.stage(stage).time()).reduce(Duration.ZERO, Duration::plus);
        assertThat(call.studies().time()).isGreaterThan(sequential);
    }

    @Test
    void aStudySentAgainIsDecodedFromTheStoreForTheDetector(@TempDir Path dir) throws Exception {
        List<Path> files = freshCtStudy(dir);
        StudyAnalysis first = new IngestStudyClient(channel, 1 << 20).send(files);
        PipelineTimes before = PipelineTimes.scrape(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port));

        StudyAnalysis again = new IngestStudyClient(channel, 1 << 20).send(files);
        PipelineTimes call = PipelineTimes.scrape(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port)).minus(before);

        // its bytes are stored already: nothing is decoded on receipt, everything from the store
        assertThat(call.stage(PipelineStage.RECEIVE_DECODE).count()).isZero();
        assertThat(call.stage(PipelineStage.INFERENCE_DECODE).count()).isEqualTo(SLICES);
        assertThat(call.stage(PipelineStage.INFERENCE).count()).isEqualTo(1);
        assertThat(again).isEqualTo(first);
    }

    // A CT study of its own seed, so that its UIDs are new to the server.
    private static List<Path> freshCtStudy(Path dir) throws Exception {
        SynthOptions defaults = SynthOptions.defaults(System.nanoTime());
        SynthOptions options = new SynthOptions(defaults.seed(), 1, SLICES, 1, 64, 1.0,
                new SynthOptions.Range(2, 2), 0, defaults.noise(), defaults.blur(), 0, defaults.shiftKinds());
        Path folder = dir.resolve("study");
        new SynthDatasetWriter().write(options, folder, written -> { });
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(file -> file.toString().endsWith(".dcm")).sorted().toList();
        }
    }
}
