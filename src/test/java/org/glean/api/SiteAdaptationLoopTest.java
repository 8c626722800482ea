package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.bench.FineTuneJobWatch;
import org.glean.bench.LabelledStudies;
import org.glean.inference.ModelRegistry;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.glean.training.SiteAdaptationTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learning loop at a site the bundled model has never seen, through the running server: an
 * unseen-family pool (`glean synth --site B`) is ingested over gRPC and scored, an annotator
 * claims the queue's tasks in its order and submits their true boxes over gRPC, a fine-tuning job
 * starts by itself, the gate promotes its version, the tasks still waiting are re-scored by it, and
 * the promoted version finds that site's objects better than the bundled model on the site's
 * images that were never annotated.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(SiteAdaptationTestResource.class)
class SiteAdaptationLoopTest {

    private static final long DEADLINE_SECONDS = 600;
    private static final int POOL_STUDIES = SiteAdaptationTestResource.AUTO_FINE_TUNE_AFTER + 3;
    private static final String[] SITE_B = {"--site", "B"};

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    DataSource dataSource;

    @Inject
    ModelRegistry registry;

    @TempDir
    Path dir;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = LoopbackChannels.open(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    void annotationsOfAnUnseenSiteMakeAPromotedVersionThatDetectsItsObjectsBetter() throws Exception {
        LabelledStudies pool = PhantomStudies.synth(dir.resolve("pool"), "1611", POOL_STUDIES, 2, SITE_B);
        LabelledStudies test = PhantomStudies.synth(dir.resolve("test"), "1612", 16, 2, SITE_B);
        String bundled = registry.currentVersionId();
        pool.ingestAll(channel);

        CurationGrpc.CurationBlockingStub curation = CurationGrpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < SiteAdaptationTestResource.AUTO_FINE_TUNE_AFTER; i++) {
            AnnotationTask task = curation.claimNextTask(ClaimNextTaskRequest.getDefaultInstance()).getTask();
            pool.submitTrueBoxes(curation, task);
        }
        List<FineTuneJob> progress = FineTuneJobWatch.watch(channel, LatestFineTuneJob.id(dataSource),
                Duration.ofSeconds(DEADLINE_SECONDS));

        FineTuneJob last = progress.get(progress.size() - 1);
        assertThat(progress.get(0).getTrigger()).isEqualTo(FineTuneJob.Trigger.AUTO);
        assertThat(last.getState()).as(last.getReason()).isEqualTo(FineTuneJob.State.SUCCEEDED);
        assertThat(last.getOutcome()).as(last.getReason()).isEqualTo(FineTuneJob.Outcome.PROMOTED);
        String promoted = last.getCandidateVersion();
        assertThat(registry.currentVersionId()).isEqualTo(promoted);
        assertThat(progress).as("the job ran its updates").anyMatch(job -> job.getStep() >= 20);
        List<AnnotationTask> waiting = curation.listQueue(ListQueueRequest.getDefaultInstance()).getTasksList();
        assertThat(waiting).hasSize(POOL_STUDIES - SiteAdaptationTestResource.AUTO_FINE_TUNE_AFTER)
                .allMatch(task -> task.getModelVersion().equals(promoted));

        double before = test.evaluate(registry.files(bundled).orElseThrow().directory()).meanAveragePrecision();
        double after = test.evaluate(registry.files(promoted).orElseThrow().directory()).meanAveragePrecision();
        assertThat(after).as("mAP@0.5 on the site's unannotated images, bundled model %.3f", before)
                .isGreaterThan(before + 0.02);
    }
}
