package org.glean.detector;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Properties;

/**
 * Everything besides the parameters that a saved model needs to be used and trusted, written as
 * {@code manifest.json} beside them.
 *
 * @param formatVersion           {@link #FORMAT_VERSION} when written by this code
 * @param network                 the network's shape, classes and anchors
 * @param preprocessing           how frames become inputs
 * @param normalisationStatistics the uncertainty z-score statistics of the reference pool, as
 *                                the uncertainty package writes them; null until computed
 * @param trainingData            what the model was trained on; null for an untrained network
 * @param training                how it was trained; null for an untrained network
 * @param gitCommit               the code's commit, "-dirty" appended for uncommitted changes
 * @param createdAt               ISO-8601 instant
 * @param parentVersion           the version id of the model it was fine-tuned from; null for a
 *                                model trained from scratch or continued outside a server
 */
public record ModelManifest(int formatVersion, DetectorConfig network, Preprocessing preprocessing,
                            JsonObject normalisationStatistics, TrainingDataSummary trainingData,
                            TrainingSettings training, String gitCommit, String createdAt, String parentVersion) {

    public static final int FORMAT_VERSION = 1;

    public ModelManifest {
        if (network == null || preprocessing == null) {
            throw new IllegalArgumentException("a model manifest needs the network configuration and the preprocessing");
        }
    }

    /** A manifest for a network that has not been trained yet, stamped now with the commit of this build. */
    public static ModelManifest describe(DetectorConfig network, Preprocessing preprocessing) {
        return new ModelManifest(FORMAT_VERSION, network, preprocessing, null, null, null,
                BUILD_COMMIT, Instant.now().toString(), null);
    }

    public ModelManifest withTraining(TrainingDataSummary data, TrainingSettings settings) {
        return new ModelManifest(formatVersion, network, preprocessing, normalisationStatistics, data, settings,
                gitCommit, createdAt, parentVersion);
    }

    public ModelManifest withNormalisationStatistics(JsonObject statistics) {
        return new ModelManifest(formatVersion, network, preprocessing, statistics, trainingData, training,
                gitCommit, createdAt, parentVersion);
    }

    public ModelManifest withNetwork(DetectorConfig changed) {
        return new ModelManifest(formatVersion, changed, preprocessing, normalisationStatistics, trainingData, training,
                gitCommit, createdAt, parentVersion);
    }

    public ModelManifest withParentVersion(String versionId) {
        return new ModelManifest(formatVersion, network, preprocessing, normalisationStatistics, trainingData,
                training, gitCommit, createdAt, versionId);
    }

    /**
     * The commit this code was built from, "-dirty" appended when the build had uncommitted
     * changes; "unknown" for a build outside a git repository. Stamped into the jar at build time
     * (git-commit-id-maven-plugin, see pom.xml), so a model records the code that trained it
     * wherever the jar runs, not whatever repository the command happens to run in.
     */
    public static final String BUILD_COMMIT = buildCommit();

    private static String buildCommit() {
        Properties build = new Properties();
        try (InputStream in = ModelManifest.class.getResourceAsStream("/org/glean/build-commit.properties")) {
            if (in == null) {
                return "unknown";
            }
            build.load(in);
        } catch (IOException e) {
            return "unknown";
        }
        String commit = build.getProperty("git.commit.id", "");
        if (commit.isEmpty()) {
            return "unknown";
        }
        return Boolean.parseBoolean(build.getProperty("git.dirty")) ? commit + "-dirty" : commit;
    }
}
