package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.glean.api.IngestCalls.ingest;

import com.google.gson.JsonObject;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.CurationDecision;
import org.glean.proto.v1.DetectedObject;
import org.glean.proto.v1.DrivingObject;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.ReceptionState;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.proto.v1.Uncertainty;
import org.glean.cli.GleanCommand;
import org.glean.detector.DetectorCheckpoint;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.InferenceService;
import org.glean.inference.ModelFiles;
import org.glean.inference.ModelVersionRepository;
import org.glean.inference.TinyModel;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.CStoreIngest;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.FramesOnReceipt;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.ScpConfig;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.PostgresTestResource;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.StandardizedUncertainty;
import org.glean.uncertainty.UncertaintyStatistics;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phantom studies scored end to end by the server with a model trained by our own code: over
 * gRPC, after a C-STORE push, after calibration, and with a stored file that no longer decodes.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudyScoringTest extends LoopbackGrpcTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Inject
    DataSource dataSource;

    @Inject
    AnalysisRepository analyses;

    @Inject
    InferenceService inference;

    @Inject
    InstanceStore store;

    @Inject
    CStoreIngest scp;

    @Inject
    ScpConfig scpConfig;

    @Test
    @Order(1)
    void ingestedStudyComesBackWithObjectsTheirUncertaintiesAndInformativeness() throws Exception {
        List<Path> files = study(0);

        StudyAnalysis analysis = ingest(channel, files.toArray(Path[]::new));

        assertThat(analysis.getNotScoredReason()).isEmpty();
        assertThat(analysis.getModelVersion()).isEqualTo(ModelFiles.of(TinyModel.modelDirectory(), "").versionId());
        List<ImageAnalysis> images = images(analysis);
        assertThat(images).hasSize(files.size());
        assertThat(objects(analysis)).isNotEmpty();
        assertThat(images(analysis)).as("near misses below the object threshold").anySatisfy(
                image -> assertThat(image.getNearMissesList()).isNotEmpty());
        assertScoredConsistently(analysis, statisticsInEffect(analysis));
        // no policy set yet: curation queues every scored study, for this model version
        CurationDecision decision = analysis.getDecision();
        assertThat(decision.getOutcome()).isEqualTo(CurationDecision.Outcome.QUEUED);
        assertThat(decision.getTaskId()).isPositive();
        assertThat(decision.getStudyInstanceUid()).isEqualTo(analysis.getStudyInstanceUid());
        assertThat(decision.getModelVersion()).isEqualTo(analysis.getModelVersion());
        assertThat(decision.getInformativeness()).isEqualTo(analysis.getInformativeness());
    }

    @Test
    @Order(2)
    void getStudyAnswersWhatIngestStudyAnsweredAndScoringAgainReplacesTheAnalysis() {
        List<Path> files = study(1);
        StudyAnalysis first = ingest(channel, files.toArray(Path[]::new));

        StudyAnalysis again = ingest(channel, files.toArray(Path[]::new));
        StudyAnalysis fetched = StudyIngestGrpc.newBlockingStub(channel)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(first.getStudyInstanceUid()).build());

        assertThat(objects(first)).isNotEmpty();
        assertThat(first.getDecision().getOutcome()).isEqualTo(CurationDecision.Outcome.QUEUED);
        assertThat(fetched).isEqualTo(again);
        assertThat(again).isEqualTo(first);
        assertThat(analyses.count(first.getStudyInstanceUid())).isEqualTo(1);
    }

    @Test
    @Order(3)
    void calibrationRecordsStatisticsThatTheNextScoringUses() throws Exception {
        String versionId = ModelFiles.of(TinyModel.modelDirectory(), "").versionId();

        ModelVersionRepository versions = new ModelVersionRepository(dataSource);

        assertThat(calibrate("--stored", "--store", store.root().toString())).isZero();
        UncertaintyStatistics onStored = versions.find(versionId).orElseThrow().calibratedStatistics();
        assertThat(calibrate("--data", TinyModel.data().toString())).isZero();
        UncertaintyStatistics calibrated = versions.find(versionId).orElseThrow().calibratedStatistics();

        // the store holds two of the folder's three studies so far
        assertThat(onStored.objectCount()).isPositive().isLessThan(calibrated.objectCount());
        StudyAnalysis analysis = ingest(channel, study(0).toArray(Path[]::new));
        assertScoredConsistently(analysis, calibrated);
    }

    @Test
    @Order(4)
    void aStoredFileThatNoLongerDecodesIsReportedAndTheOtherFramesAreScored() throws Exception {
        List<Path> files = study(2);
        StudyAnalysis sent = ingest(channel, files.toArray(Path[]::new));
        Path broken = store.pathOf(sha256(files.get(0)));
        byte[] bytes = Files.readAllBytes(broken);
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rw-------"));
        Files.write(broken, Arrays.copyOf(bytes, bytes.length / 2));

        inference.analyse(sent.getStudyInstanceUid());

        StudyAnalysis fetched = StudyIngestGrpc.newBlockingStub(channel)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(sent.getStudyInstanceUid()).build());
        List<ImageAnalysis> images = images(fetched);
        String brokenSop = new PixelMedDicomReader().readHeader(files.get(0)).sopInstanceUid();
        assertThat(images).filteredOn(image -> image.getSopInstanceUid().equals(brokenSop)).singleElement()
                .satisfies(image -> {
                    assertThat(image.getAnalysisError()).contains("could not be decoded");
                    assertThat(image.getObjectsList()).isEmpty();
                });
        assertThat(images).filteredOn(image -> !image.getSopInstanceUid().equals(brokenSop))
                .isNotEmpty()
                .allSatisfy(image -> assertThat(image.getAnalysisError()).isEmpty());
        assertThat(fetched.getModelVersion()).isEqualTo(sent.getModelVersion());
        assertThat(analyses.count(sent.getStudyInstanceUid())).isEqualTo(1);
    }

    @Test
    @Order(5)
    void aStudyPushedByCStoreIsScoredOnceItsQuietPeriodHasPassed(@TempDir Path dir) throws Exception {
        String studyUid = DcmtkFiles.newUid();
        String seriesUid = DcmtkFiles.newUid();
        List<String> command = new ArrayList<>(List.of("storescu", "-aec", scpConfig.aeTitle(), "127.0.0.1",
                String.valueOf(scp.port().orElseThrow())));
        for (int instance = 1; instance <= 2; instance++) {
            command.add(DcmtkFiles.write(dir, DcmtkFiles.Spec.ct(studyUid, seriesUid, 1, instance, 64),
                    DcmtkFiles.Syntax.EXPLICIT_LITTLE).toString());
        }

        DcmtkFiles.Result push = DcmtkFiles.execute(command);

        assertThat(push.exitCode()).as(push.output()).isZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        StudyAnalysis analysis;
        do {
            Thread.sleep(200);
            analysis = StudyIngestGrpc.newBlockingStub(channel)
                    .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyUid).build());
        } while (analysis.getModelVersion().isEmpty() && System.nanoTime() < deadline);
        assertThat(analysis.getReception()).isEqualTo(ReceptionState.COMPLETE);
        assertThat(analysis.getModelVersion()).isEqualTo(ModelFiles.of(TinyModel.modelDirectory(), "").versionId());
        assertThat(analysis.getNotScoredReason()).isEmpty();
        assertThat(images(analysis)).hasSize(2).allSatisfy(image -> assertThat(image.getAnalysisError()).isEmpty());
        assertThat(analysis.getDecision().getModelVersion()).isEqualTo(analysis.getModelVersion());
        assertThat(analyses.count(studyUid)).isEqualTo(1);
    }

    @Test
    @Order(6)
    void theScoringOfAPushedStudyThatNeverCompletesIsDroppedOnceIdle() {
        String studyUid = DcmtkFiles.newUid();
        FramesOnReceipt scoring = inference.of(studyUid);
        assertThat(scoring).isNotSameAs(FramesOnReceipt.NONE).isSameAs(inference.of(studyUid));

        assertThat(inference.dropScoringsIdleFor(Duration.ofHours(1))).isZero();
        assertThat(inference.dropScoringsIdleFor(Duration.ZERO)).isPositive();

        assertThat(inference.of(studyUid)).as("a new scoring once the idle one was dropped").isNotSameAs(scoring);
        inference.dropScoringsIdleFor(Duration.ZERO);
    }

    private int calibrate(String... pool) {
        List<String> args = new ArrayList<>(List.of("calibrate", "--jdbc-url", jdbcUrl, "--db-user", "postgres",
                "--db-password", "postgres", "--models-dir", TinyModel.modelsDir().toString(), "--object-threshold",
                TinyModel.OBJECT_THRESHOLD, "--threads", "1"));
        args.addAll(List.of(pool));
        return GleanCommand.execute(args.toArray(String[]::new));
    }

    // Calibrated statistics, else the manifest's, else those of the study's own objects.
    private UncertaintyStatistics statisticsInEffect(StudyAnalysis analysis) throws Exception {
        UncertaintyStatistics calibrated = new ModelVersionRepository(dataSource).find(analysis.getModelVersion())
                .orElseThrow().calibratedStatistics();
        if (calibrated != null) {
            return calibrated;
        }
        JsonObject manifest = DetectorCheckpoint.readManifest(TinyModel.modelDirectory())
                .normalisationStatistics();
        if (manifest != null) {
            return UncertaintyStatistics.fromJson(manifest.toString());
        }
        return UncertaintyStatistics.fit(images(analysis).stream().flatMap(image -> detections(image).stream())
                .map(o -> raw(o.getRaw())).toList());
    }

    // z-scores from the statistics; image = mean over the four kinds of their largest z over the
    // image's objects and near misses (the server's default aggregation); study = max over images.
    private static void assertScoredConsistently(StudyAnalysis analysis, UncertaintyStatistics statistics) {
        double studyMax = -Double.MAX_VALUE;
        for (ImageAnalysis image : images(analysis)) {
            double[] kindMaxima = new double[4];
            Arrays.fill(kindMaxima, -Double.MAX_VALUE);
            for (DetectedObject object : detections(image)) {
                ObjectUncertainty raw = raw(object.getRaw());
                StandardizedUncertainty expected = statistics.standardize(raw);
                Uncertainty z = object.getNormalized();
                assertThat(z.getEpistemicLocalization()).isCloseTo(expected.epistemicLocalization(), within(1e-9));
                assertThat(z.getAleatoricLocalization()).isCloseTo(expected.aleatoricLocalization(), within(1e-9));
                assertThat(z.getEpistemicClassification()).isCloseTo(expected.epistemicClassification(), within(1e-9));
                assertThat(z.getAleatoricClassification()).isCloseTo(expected.aleatoricClassification(), within(1e-9));
                assertThat(object.getBox().getXmax()).isBetween(object.getBox().getXmin(), (double) image.getColumns());
                assertThat(object.getBox().getYmax()).isBetween(object.getBox().getYmin(), (double) image.getRows());
                double[] values = {expected.epistemicLocalization(), expected.aleatoricLocalization(),
                        expected.epistemicClassification(), expected.aleatoricClassification()};
                for (int k = 0; k < 4; k++) {
                    kindMaxima[k] = Math.max(kindMaxima[k], values[k]);
                }
            }
            double threshold = Double.parseDouble(TinyModel.OBJECT_THRESHOLD);
            assertThat(image.getObjectsList()).allSatisfy(o -> assertThat(o.getScore()).isBetween(threshold, 1.0));
            assertThat(image.getNearMissesList()).allSatisfy(o -> assertThat(o.getScore())
                    .isGreaterThanOrEqualTo(Double.parseDouble(TinyModel.CANDIDATE_THRESHOLD)).isLessThan(threshold));
            if (detections(image).isEmpty()) {
                continue;
            }
            double imageScore = Arrays.stream(kindMaxima).average().orElseThrow();
            assertThat(image.getInformativeness()).isCloseTo(imageScore, within(1e-9));
            studyMax = Math.max(studyMax, imageScore);
        }
        assertThat(analysis.getInformativeness()).isCloseTo(studyMax, within(1e-9));
        DrivingObject driver = analysis.getDrivenBy();
        ImageAnalysis driving = images(analysis).stream()
                .filter(image -> image.getSopInstanceUid().equals(driver.getSopInstanceUid())
                        && image.getFrame() == driver.getFrame())
                .findFirst().orElseThrow();
        assertThat(driving.getInformativeness()).isEqualTo(analysis.getInformativeness());
        DetectedObject drivingDetection = driver.getNearMiss() ? driving.getNearMisses(driver.getObjectIndex())
                : driving.getObjects(driver.getObjectIndex());
        Uncertainty z = drivingDetection.getNormalized();
        Map<String, Double> byKind = Map.of("epistemic_localization", z.getEpistemicLocalization(),
                "aleatoric_localization", z.getAleatoricLocalization(),
                "epistemic_classification", z.getEpistemicClassification(),
                "aleatoric_classification", z.getAleatoricClassification());
        // under the mean, the driver holds the largest of the image's four kind maxima
        assertThat(byKind.get(driver.getUncertainty()))
                .isEqualTo(detections(driving).stream().map(DetectedObject::getNormalized)
                        .flatMapToDouble(u -> Arrays.stream(new double[] {u.getEpistemicLocalization(),
                                u.getAleatoricLocalization(), u.getEpistemicClassification(), u.getAleatoricClassification()}))
                        .max().orElseThrow());
    }

    private static List<DetectedObject> detections(ImageAnalysis image) {
        List<DetectedObject> all = new ArrayList<>(image.getObjectsList());
        all.addAll(image.getNearMissesList());
        return all;
    }

    private static ObjectUncertainty raw(Uncertainty u) {
        return new ObjectUncertainty(u.getEpistemicLocalization(), u.getAleatoricLocalization(),
                u.getEpistemicClassification(), u.getAleatoricClassification());
    }

    private static List<ImageAnalysis> images(StudyAnalysis analysis) {
        return analysis.getSeriesList().stream().flatMap(series -> series.getImagesList().stream()).toList();
    }

    private static List<DetectedObject> objects(StudyAnalysis analysis) {
        return images(analysis).stream().flatMap(image -> image.getObjectsList().stream()).toList();
    }

    private static List<Path> study(int index) {
        return new ArrayList<>(TinyModel.studies().values()).get(index);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }
}
