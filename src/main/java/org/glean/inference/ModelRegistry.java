package org.glean.inference;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.security.SameTransaction;
import org.glean.uncertainty.UncertaintyStatistics;
import org.jboss.logging.Logger;

/**
 * The deployment's model versions: every model directory under glean.models.dir and the model
 * bundled in the jar, recorded in PostgreSQL with one current version. The current version is
 * loaded once and kept; its normalisation statistics are read from the database on every use, so
 * that {@code glean calibrate} takes effect without a restart.
 *
 * <p>Frames run through a model under a {@link ModelLease}. When another version becomes current
 * (promoted here, or by another replica on the same database), new leases get it, and the old
 * version's network is closed once its last lease is closed: work in flight finishes on the
 * model it started with and is never failed by the swap.
 */
@ApplicationScoped
public class ModelRegistry implements ModelSupplier {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    // The version chosen at start-up: configuration or the newest installed, nobody's act to record.
    private static final SameTransaction AT_START = connection -> { };
    static final String NO_MODEL = "no model installed: put a model directory (manifest.json and parameters.bin, "
            + "as 'glean train' writes it) under glean.models.dir and restart";

    private final ModelsConfig config;
    private final InferenceConfig inference;
    private final ModelVersionRepository versions;
    private List<ModelFiles> installed;
    private Loaded loaded;

    /** A loaded network and the leases on it; closed when swapped out and no lease is left. */
    private static final class Loaded {
        private final String versionId;
        private final Detector detector;
        private int leases;
        private boolean swappedOut;

        Loaded(String versionId, Detector detector) {
            this.versionId = versionId;
            this.detector = detector;
        }
    }

    public ModelRegistry(ModelsConfig config, InferenceConfig inference, ModelVersionRepository versions) {
        this.config = config;
        this.inference = inference;
        this.versions = versions;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            String versionId = currentVersionId();
            if (versionId == null) {
                LOG.warn("No model installed: studies are stored but not scored until one is");
            } else {
                lease().ifPresent(ModelLease::close);
                LOG.infof("Current model version %s", versionId);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "The model registry could not start; studies are stored but not scored");
        }
    }

    /** The current model, loaded and held until the lease is closed; empty when no model is installed. */
    @Override
    public synchronized Optional<ModelLease> lease() {
        String versionId = currentVersionId();
        if (versionId == null) {
            return Optional.empty();
        }
        if (loaded == null || !loaded.versionId.equals(versionId)) {
            swapIn(versionId, load(versionId));
        }
        Loaded held = loaded;
        held.leases++;
        return Optional.of(new ModelLease(new ActiveModel(versionId, held.detector, statistics(versionId)),
                () -> release(held)));
    }

    /** The current version's id; null when no model is installed. */
    public synchronized String currentVersionId() {
        try {
            if (installed == null) {
                register();
            }
            return versions.current().map(ModelVersionRepository.Row::versionId).orElse(null);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the model versions: " + e.getMessage(), e);
        }
    }

    /** The installed version's files. */
    public synchronized Optional<ModelFiles> files(String versionId) {
        currentVersionId();
        return installed.stream().filter(m -> m.versionId().equals(versionId)).findFirst();
    }

    /**
     * Registers a model directory written while the server runs (a fine-tuned version); it does
     * not become current.
     */
    public synchronized ModelFiles install(Path directory) throws IOException {
        currentVersionId();
        ModelFiles files = ModelFiles.of(directory, directory.toAbsolutePath().toString());
        try {
            versions.register(List.of(files), Instant.now());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record model version " + files.versionId() + ": " + e.getMessage(), e);
        }
        installed = new ArrayList<>(installed);
        installed.removeIf(m -> m.versionId().equals(files.versionId()));
        installed.add(files);
        return files;
    }

    /**
     * Loads an installed version's network, apart from the one serving; the caller closes it or
     * hands it to {@link #makeCurrent}.
     */
    public Detector load(String versionId) {
        ModelFiles files = files(versionId).orElseThrow(() -> new IllegalStateException("model version " + versionId
                + " is not installed here; installed: " + installed.stream().map(ModelFiles::name).toList()));
        EngineThreads.apply(inference.threads());
        try {
            Detector detector = DetectorCheckpoint.load(files.directory()).detector();
            LOG.infof("Loaded model version %s from %s", versionId, files.source());
            return detector;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model version " + versionId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code versionId} the current version, in the database and here, with {@code detector}
     * (from {@link #load}, owned by the registry from now on) as its network; {@code alongside}
     * is written in the same transaction (the record of the change). Calls in flight keep the
     * version they leased; it is closed after the last of them.
     */
    public synchronized void makeCurrent(String versionId, Detector detector, SameTransaction alongside) {
        try {
            versions.makeCurrent(versionId, alongside);
        } catch (SQLException | RuntimeException e) {
            detector.close();
            throw new IllegalStateException("cannot make model version " + versionId + " current: " + e.getMessage(), e);
        }
        swapIn(versionId, detector);
        LOG.infof("Model version %s is current", versionId);
    }

    // Finds the installed models, records them, and picks the current one.
    private void register() throws SQLException {
        installed = ModelFiles.all(config.dir(), config.bundled());
        if (installed.isEmpty()) {
            return;
        }
        versions.register(installed, Instant.now());
        Optional<String> wanted = config.current();
        if (wanted.isPresent()) {
            ModelFiles chosen = installed.stream()
                    .filter(m -> m.versionId().equals(wanted.get()) || m.name().equals(wanted.get()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("glean.models.current=" + wanted.get()
                            + " names no installed model; installed: " + installed.stream().map(ModelFiles::name).toList()));
            versions.makeCurrent(chosen.versionId(), AT_START);
            return;
        }
        Optional<ModelVersionRepository.Row> current = versions.current();
        if (current.isPresent() && installed.stream().anyMatch(m -> m.versionId().equals(current.get().versionId()))) {
            return;
        }
        ModelFiles newest = installed.stream()
                .max(Comparator.comparing((ModelFiles m) -> String.valueOf(m.manifest().createdAt()))
                        .thenComparing(ModelFiles::name))
                .orElseThrow();
        versions.makeCurrent(newest.versionId(), AT_START);
    }

    private void swapIn(String versionId, Detector detector) {
        Loaded previous = loaded;
        loaded = new Loaded(versionId, detector);
        if (previous != null) {
            previous.swappedOut = true;
            closeIfUnused(previous);
        }
    }

    private synchronized void release(Loaded held) {
        held.leases--;
        closeIfUnused(held);
    }

    private static void closeIfUnused(Loaded held) {
        if (held.swappedOut && held.leases == 0) {
            held.detector.close();
            LOG.infof("Closed model version %s: swapped out, and its last call has finished", held.versionId);
        }
    }

    // Calibrated statistics win over the manifest's.
    private UncertaintyStatistics statistics(String versionId) {
        try {
            UncertaintyStatistics calibrated = versions.find(versionId)
                    .map(ModelVersionRepository.Row::calibratedStatistics).orElse(null);
            if (calibrated != null) {
                return calibrated;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the statistics of model version " + versionId, e);
        }
        return installed.stream().filter(m -> m.versionId().equals(versionId)).findFirst()
                .map(m -> m.manifest().normalisationStatistics())
                .map(json -> UncertaintyStatistics.fromJson(json.toString()))
                .orElse(null);
    }

    @PreDestroy
    synchronized void close() {
        if (loaded != null) {
            loaded.detector.close();
            loaded = null;
        }
    }

    /** The message that says no model is installed. */
    public static NoModelException noModel() {
        return new NoModelException(NO_MODEL);
    }
}
