package org.glean.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.ModelManifest;
import org.jboss.logging.Logger;

/**
 * A model found on disk or on the classpath, not loaded yet: its files, its manifest and its
 * version id, the first {@value #VERSION_ID_HEX_DIGITS} hex digits of SHA-256(manifest.json ‖
 * parameters.bin), so that the same files are the same version wherever they are installed.
 *
 * @param versionId the version id
 * @param source    where it was found: the directory, or {@value #BUNDLED_SOURCE}
 * @param directory a directory holding manifest.json and parameters.bin
 * @param manifest  the manifest read from it
 */
public record ModelFiles(String versionId, String source, Path directory, ModelManifest manifest) {

    private static final Logger LOG = Logger.getLogger(ModelFiles.class);

    public static final String BUNDLED_SOURCE = "classpath:/model";
    static final int VERSION_ID_HEX_DIGITS = 16;

    /**
     * Every model directory directly under {@code modelsDir} (none when it does not exist), in
     * name order; a directory that is not a readable model is skipped with a warning.
     */
    public static List<ModelFiles> under(Path modelsDir) throws IOException {
        List<ModelFiles> found = new ArrayList<>();
        if (!Files.isDirectory(modelsDir)) {
            return found;
        }
        try (Stream<Path> children = Files.list(modelsDir)) {
            for (Path child : children.sorted().toList()) {
                // staging directories of an unfinished save start with a dot
                if (Files.isRegularFile(child.resolve(DetectorCheckpoint.MANIFEST))
                        && !child.getFileName().toString().startsWith(".")) {
                    try {
                        found.add(of(child, child.toAbsolutePath().toString()));
                    } catch (IOException e) {
                        LOG.warnf("Skipped the model directory %s: %s", child, e.getMessage());
                    }
                }
            }
        }
        return found;
    }

    /**
     * The model bundled in the jar under /model, copied to a private temporary directory (DJL
     * reads parameters from a stream, the checkpoint from a directory); empty when the jar
     * carries none.
     */
    public static Optional<ModelFiles> bundled() throws IOException {
        try (InputStream manifest = ModelFiles.class.getResourceAsStream("/model/" + DetectorCheckpoint.MANIFEST);
             InputStream parameters = ModelFiles.class.getResourceAsStream("/model/" + DetectorCheckpoint.PARAMETERS)) {
            if (manifest == null || parameters == null) {
                return Optional.empty();
            }
            Path directory = Files.createTempDirectory("glean-bundled-model-");
            directory.toFile().deleteOnExit();
            for (String name : List.of(DetectorCheckpoint.MANIFEST, DetectorCheckpoint.PARAMETERS)) {
                Path file = directory.resolve(name);
                Files.copy(name.equals(DetectorCheckpoint.MANIFEST) ? manifest : parameters, file);
                file.toFile().deleteOnExit();
            }
            return Optional.of(of(directory, BUNDLED_SOURCE));
        }
    }

    /** The model in {@code directory}. */
    public static ModelFiles of(Path directory, String source) throws IOException {
        ModelManifest manifest = DetectorCheckpoint.readManifest(directory);
        return new ModelFiles(versionIdOf(directory), source, directory, manifest);
    }

    /** The directory's name for a model found under the models directory, else the source. */
    public String name() {
        return source.equals(BUNDLED_SOURCE) ? source : directory.getFileName().toString();
    }

    static String versionIdOf(Path directory) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String name : List.of(DetectorCheckpoint.MANIFEST, DetectorCheckpoint.PARAMETERS)) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(directory.resolve(name)), sha256)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (NoSuchFileException e) {
                throw new IOException(directory + " is not a Glean model directory: " + name + " is missing", e);
            }
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, VERSION_ID_HEX_DIGITS);
    }

    /** Every model of a deployment: the directories under {@code modelsDir}, then the bundled one if it counts. */
    public static List<ModelFiles> all(Path modelsDir, boolean withBundled) {
        try {
            List<ModelFiles> all = new ArrayList<>(under(modelsDir));
            if (withBundled) {
                bundled().ifPresent(all::add);
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the models in " + modelsDir + ": " + e.getMessage(), e);
        }
    }
}
