package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.glean.api.IngestCalls.ingest;

import com.google.protobuf.Duration;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationDecision;
import org.glean.proto.v1.CurationDecision.Outcome;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.CurationPolicy;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.SetPolicyRequest;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.curation.CurationFixtures;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.DcmtkFiles;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.OwnInstanceStoreTestResource;
import org.glean.server.PostgresTestResource;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Curation decisions for phantom studies streamed through IngestStudy and scored by a real model,
 * under each policy set at run time with Curation.SetPolicy. A policy's expected decisions need
 * the studies' informativeness beforehand, and a study is decided once per model version: so the
 * phantoms are first sent once under the default policy, which tells each one's informativeness,
 * and each policy then gets copies of them under new UIDs (the same pixels, so the same scores).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OwnInstanceStoreTestResource.class)
class IngestStudyCurationPolicyTest extends LoopbackGrpcTest {

    private static final int STUDIES = 4;
    private static final long SEED = 4242;
    private static final Duration YEAR = Duration.newBuilder().setSeconds(366L * 24 * 3600).build();

    /** The phantoms' files and their informativeness under the default policy, sent once for the class. */
    private static List<Phantom> phantoms;

    @TempDir
    static Path phantomDir;

    private record Phantom(List<Path> files, double informativeness) {
    }

    @Inject
    DataSource dataSource;

    @TempDir
    Path dir;

    @BeforeEach
    void sendThePhantomsOnce() throws Exception {
        if (phantoms == null) {
            phantoms = sendUnderTheDefaultPolicy();
        }
        // each policy starts from an empty queue and an unused budget
        CurationFixtures.clear(dataSource);
    }

    @Test
    void thresholdQueuesTheStudiesScoredAtOrAboveIt() throws Exception {
        double threshold = betweenTheMiddleScores();
        CurationPolicy policy = curation().setPolicy(SetPolicyRequest.newBuilder()
                .setInformativenessThreshold(threshold).build());

        for (Phantom phantom : phantoms) {
            StudyAnalysis analysis = sendCopy(phantom);

            CurationDecision decision = analysis.getDecision();
            assertThat(decision.getPolicy()).isEqualTo(policy);
            if (analysis.getInformativeness() >= threshold) {
                assertThat(decision.getOutcome()).isEqualTo(Outcome.QUEUED);
                assertThat(decision.getTaskId()).isPositive();
            } else {
                assertThat(decision.getOutcome()).isEqualTo(Outcome.NOT_QUEUED);
                assertThat(decision.getTaskId()).isZero();
                assertThat(decision.getReason()).contains("below the threshold " + threshold);
            }
        }
        assertThat(queuedStudies()).hasSize((int) phantoms.stream()
                .filter(phantom -> phantom.informativeness() >= threshold).count());
    }

    @Test
    void budgetKeepsTheMostInformativeStudiesOfThePeriodWhateverTheirOrder() throws Exception {
        int budget = 2;
        CurationPolicy policy = curation().setPolicy(SetPolicyRequest.newBuilder().setBudgetPerPeriod(budget)
                .setBudgetPeriod(YEAR).build());
        // the waiting tasks' informativeness as the budget rule keeps them: the first fill the
        // budget, a later one displaces the least informative if it beats it
        List<Double> waiting = new ArrayList<>();
        List<String> sent = new ArrayList<>();

        for (Phantom phantom : phantoms) {
            StudyAnalysis analysis = sendCopy(phantom);
            sent.add(analysis.getStudyInstanceUid());

            CurationDecision decision = analysis.getDecision();
            assertThat(decision.getPolicy()).isEqualTo(policy);
            double score = analysis.getInformativeness();
            if (waiting.size() < budget) {
                assertThat(decision.getOutcome()).isEqualTo(Outcome.QUEUED);
                waiting.add(score);
            } else if (score > waiting.stream().min(Double::compare).orElseThrow()) {
                assertThat(decision.getOutcome()).isEqualTo(Outcome.QUEUED);
                assertThat(decision.getReason()).contains("displaces");
                waiting.remove(waiting.stream().min(Double::compare).orElseThrow());
                waiting.add(score);
            } else {
                assertThat(decision.getOutcome()).isEqualTo(Outcome.NOT_QUEUED);
                assertThat(decision.getReason()).contains("budget of " + budget + " tasks");
            }
        }
        List<AnnotationTask> queue = queuedStudies();
        assertThat(queue).extracting(AnnotationTask::getInformativeness)
                .containsExactlyElementsOf(waiting.stream().sorted(Comparator.reverseOrder()).toList());
        assertThat(queue).extracting(AnnotationTask::getStudyInstanceUid).isSubsetOf(sent);
    }

    @Test
    void withoutThresholdOrBudgetEveryStudyIsQueuedAndClaimedMostInformativeFirst() throws Exception {
        CurationPolicy policy = curation().setPolicy(SetPolicyRequest.newBuilder()
                .build());
        // least informative first, so that the queue's order is not the order of arrival
        List<Phantom> ascending = phantoms.stream()
                .sorted(Comparator.comparingDouble(Phantom::informativeness)).toList();
        List<StudyAnalysis> sent = new ArrayList<>();
        for (Phantom phantom : ascending) {
            sent.add(sendCopy(phantom));
        }

        assertThat(sent).allSatisfy(analysis -> {
            assertThat(analysis.getDecision().getOutcome()).isEqualTo(Outcome.QUEUED);
            assertThat(analysis.getDecision().getPolicy()).isEqualTo(policy);
        });
        List<AnnotationTask> queue = queuedStudies();
        List<Double> descending = sent.stream().map(StudyAnalysis::getInformativeness)
                .sorted(Comparator.reverseOrder()).toList();
        assertThat(queue).extracting(AnnotationTask::getInformativeness).containsExactlyElementsOf(descending);
        AnnotationTask claimed = curation().claimNextTask(ClaimNextTaskRequest.newBuilder().build()).getTask();
        assertThat(claimed.getTaskId()).isEqualTo(queue.get(0).getTaskId());
        assertThat(claimed.getInformativeness()).isEqualTo(descending.get(0));
    }

    // Every phantom is scored, queued under the default policy, and the decision carries the
    // informativeness the analysis reports.
    private List<Phantom> sendUnderTheDefaultPolicy() throws Exception {
        CurationPolicy policy = curation().setPolicy(SetPolicyRequest.newBuilder()
                .build());
        SynthOptions defaults = SynthOptions.defaults(SEED);
        Path folder = phantomDir.resolve("phantoms");
        new SynthDatasetWriter().write(new SynthOptions(SEED, STUDIES, 3, 1, 64, 1.0, new SynthOptions.Range(2, 3), 0,
                defaults.noise(), defaults.blur(), 0, defaults.shiftKinds()), folder, written -> { });
        List<Phantom> sent = new ArrayList<>();
        for (int study = 1; study <= STUDIES; study++) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder.resolve(String.format("study-%04d", study)))) {
                files = walk.filter(file -> file.toString().endsWith(".dcm")).sorted().toList();
            }
            StudyAnalysis analysis = ingest(channel, files.toArray(Path[]::new));
            assertThat(analysis.getModelVersion()).isNotEmpty();
            assertThat(analysis.getDecision().getOutcome()).isEqualTo(Outcome.QUEUED);
            assertThat(analysis.getDecision().getPolicy()).isEqualTo(policy);
            assertThat(analysis.getDecision().getInformativeness()).isEqualTo(analysis.getInformativeness());
            sent.add(new Phantom(files, analysis.getInformativeness()));
        }
        return List.copyOf(sent);
    }

    // The phantom again under a new StudyInstanceUID, SeriesInstanceUID and SOPInstanceUIDs.
    private StudyAnalysis sendCopy(Phantom phantom) throws Exception {
        Path copy = Files.createTempDirectory(dir, "copy-");
        List<Path> files = new ArrayList<>();
        for (Path file : phantom.files()) {
            files.add(Files.copy(file, copy.resolve(file.getFileName())));
        }
        List<String> command = new ArrayList<>(List.of("dcmodify", "-nb", "-gin",
                "-m", "(0020,000D)=" + DcmtkFiles.newUid(), "-m", "(0020,000E)=" + DcmtkFiles.newUid()));
        files.forEach(file -> command.add(file.toString()));
        DcmtkFiles.Result modified = DcmtkFiles.execute(command);
        assertThat(modified.exitCode()).as(modified.output()).isZero();

        StudyAnalysis analysis = ingest(channel, files.toArray(Path[]::new));

        assertThat(analysis.getInformativeness()).isCloseTo(phantom.informativeness(), within(1e-9));
        assertThat(analysis.getDecision().getInformativeness()).isEqualTo(analysis.getInformativeness());
        assertThat(analysis.getDecision().getStudyInstanceUid()).isEqualTo(analysis.getStudyInstanceUid());
        return analysis;
    }

    // A threshold half the phantoms reach: midway between the two middle distinct scores.
    private static double betweenTheMiddleScores() {
        List<Double> distinct = phantoms.stream().map(Phantom::informativeness).distinct().sorted().toList();
        assertThat(distinct).as("the phantoms' informativeness").hasSizeGreaterThan(1);
        int upper = distinct.size() / 2;
        return (distinct.get(upper - 1) + distinct.get(upper)) / 2;
    }

    private List<AnnotationTask> queuedStudies() {
        return curation().listQueue(ListQueueRequest.getDefaultInstance()).getTasksList();
    }

    private CurationGrpc.CurationBlockingStub curation() {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
