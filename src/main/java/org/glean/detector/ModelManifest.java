package org.glean.detector;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

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

    /** A manifest for a network that has not been trained yet, stamped now with the current commit. */
    public static ModelManifest describe(DetectorConfig network, Preprocessing preprocessing) {
        return new ModelManifest(FORMAT_VERSION, network, preprocessing, null, null, null,
                currentGitCommit(Path.of(".")), Instant.now().toString(), null);
    }

    public ModelManifest withTraining(TrainingDataSummary data, TrainingSettings settings) {
        return new ModelManifest(formatVersion, network, preprocessing, normalisationStatistics, data, settings,
                gitCommit, createdAt, parentVersion);
    }

    public ModelManifest withNormalisationStatistics(JsonObject statistics) {
        return new ModelManifest(formatVersion, network, preprocessing, statistics, trainingData, training,
                gitCommit, createdAt, parentVersion);
    }

    public ModelManifest withParentVersion(String versionId) {
        return new ModelManifest(formatVersion, network, preprocessing, normalisationStatistics, trainingData,
                training, gitCommit, createdAt, versionId);
    }

    /** {@code git rev-parse HEAD} in {@code directory}, "-dirty" when it has changes; "unknown" outside a repository. */
    public static String currentGitCommit(Path directory) {
        try {
            String head = git(directory, "rev-parse", "HEAD");
            if (head.isEmpty()) {
                return "unknown";
            }
            return git(directory, "status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "-dirty";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String git(Path directory, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "";
        }
        return process.exitValue() == 0 ? out : "";
    }
}
