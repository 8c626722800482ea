package org.glean.detector;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * A saved model: a directory holding {@code manifest.json} ({@link ModelManifest}) and
 * {@code parameters.bin} (DJL's parameter format). Saving writes a sibling temporary directory
 * and renames it into place, so a directory either holds a whole model or none.
 */
public record DetectorCheckpoint(ModelManifest manifest, Detector detector) implements AutoCloseable {

    public static final String MANIFEST = "manifest.json";
    public static final String PARAMETERS = "parameters.bin";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** Writes a new model directory; {@code directory} must not exist yet. */
    public static void save(Path directory, Detector detector, ModelManifest manifest) throws IOException {
        if (!manifest.network().equals(detector.config()) || !manifest.preprocessing().equals(detector.preprocessing())) {
            throw new IllegalArgumentException("the manifest describes a different network or preprocessing than the detector being saved");
        }
        if (Files.exists(directory)) {
            throw new IOException("will not overwrite the existing model directory " + directory);
        }
        Path parent = directory.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + directory.getFileName() + ".partial-");
        try {
            try (OutputStream file = Files.newOutputStream(staging.resolve(PARAMETERS));
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
                detector.network().saveParameters(out);
            }
            Files.writeString(staging.resolve(MANIFEST), GSON.toJson(manifest), StandardCharsets.UTF_8);
            Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(staging);
            throw e;
        }
    }

    /** Replaces the manifest of a saved model, e.g. to add normalisation statistics. */
    public static void writeManifest(Path directory, ModelManifest manifest) throws IOException {
        ModelManifest current = readManifest(directory);
        if (!current.network().equals(manifest.network())) {
            throw new IllegalArgumentException("the new manifest describes a different network than " + directory);
        }
        Path staging = Files.createTempFile(directory, "." + MANIFEST, ".partial");
        try {
            Files.writeString(staging, GSON.toJson(manifest), StandardCharsets.UTF_8);
            try {
                Files.move(staging, directory.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, directory.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    public static ModelManifest readManifest(Path directory) throws IOException {
        Path file = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IOException(directory + " is not a Glean model directory: " + MANIFEST + " is missing");
        }
        ModelManifest manifest;
        try {
            manifest = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), ModelManifest.class);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (manifest == null || manifest.formatVersion() != ModelManifest.FORMAT_VERSION) {
            throw new IOException(file + " has manifest format " + (manifest == null ? "none" : manifest.formatVersion())
                    + "; this Glean reads format " + ModelManifest.FORMAT_VERSION);
        }
        return manifest;
    }

    public static DetectorCheckpoint load(Path directory) throws IOException {
        return load(directory, Device.cpu());
    }

    /**
     * Rebuilds the network from the manifest and loads its parameters onto {@code device}. The
     * file is read into a second copy of the network and its values are copied into the
     * detector's own, engine-allocated parameters: arrays made straight from the file's bytes
     * can be aligned differently, and libtorch's matrix kernels then round differently in the
     * last bit, so a loaded model would not reproduce its outputs exactly.
     */
    public static DetectorCheckpoint load(Path directory, Device device) throws IOException {
        return load(directory, device, readManifest(directory));
    }

    /**
     * Loads a saved model into its network with dropout before the head at {@code rate}: dropout
     * has no parameters, so the model computes what it did at inference, and MC-dropout can sample
     * a model trained without it. The manifest returned describes that network.
     */
    public static DetectorCheckpoint loadWithDropout(Path directory, double rate) throws IOException {
        ModelManifest saved = readManifest(directory);
        return load(directory, Device.cpu(), saved.withNetwork(saved.network().withDropout(rate)));
    }

    /**
     * Loads a saved model without a feature pyramid into the same network with one added: the
     * pyramid's projections start at zero, so the result computes what the saved model does, and
     * training can go on from there. The manifest returned describes the widened network.
     */
    public static DetectorCheckpoint loadAddingFeaturePyramid(Path directory) throws IOException {
        ModelManifest saved = readManifest(directory);
        return load(directory, Device.cpu(), saved.withNetwork(saved.network().withFeaturePyramid(true)));
    }

    private static DetectorCheckpoint load(Path directory, Device device, ModelManifest manifest) throws IOException {
        Detector detector = Detector.create(manifest.network(), manifest.preprocessing(), device);
        try (NDManager staging = detector.model().getNDManager().newSubManager();
             InputStream file = Files.newInputStream(directory.resolve(PARAMETERS));
             DataInputStream in = new DataInputStream(new BufferedInputStream(file))) {
            DetectorConfig savedNetwork = readManifest(directory).network();
            DetectorNetwork stored = new DetectorNetwork(savedNetwork);
            stored.loadParameters(staging, in);
            if (in.read() != -1) {
                throw new MalformedModelException("trailing bytes after the last parameter");
            }
            // DJL loads whatever shapes the file holds, so compare with what the manifest's network needs.
            // In order, not by name: dropout added before the head renames the head's layers.
            boolean addingPyramid = !savedNetwork.featurePyramid() && manifest.network().featurePyramid();
            Iterator<Pair<String, Parameter>> source = stored.getParameters().iterator();
            for (Pair<String, Parameter> target : detector.network().getParameters()) {
                if (addingPyramid && Backbone.isTopDownParameter(target.getKey())) {
                    continue; // starts at zero
                }
                if (!source.hasNext()) {
                    throw new MalformedModelException("the file lacks " + target.getKey());
                }
                Pair<String, Parameter> saved = source.next();
                NDArray values = saved.getValue().getArray();
                NDArray into = target.getValue().getArray();
                if (!values.getShape().equals(into.getShape())) {
                    throw new MalformedModelException(saved.getKey() + " is " + values.getShape()
                            + ", the network needs " + into.getShape());
                }
                values.copyTo(into);
            }
            if (source.hasNext()) {
                throw new MalformedModelException("the file holds " + source.next().getKey() + ", which the network lacks");
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            detector.close();
            throw new IOException("the parameters in " + directory + " do not fit the network its manifest describes: "
                    + e.getMessage(), e);
        }
        return new DetectorCheckpoint(manifest, detector);
    }

    @Override
    public void close() {
        detector.close();
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: the staging directory is hidden and named as partial
        }
    }
}
