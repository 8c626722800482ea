package org.glean.inference;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.detector.DetectorCheckpoint;
import org.glean.uncertainty.UncertaintyStatistics;
import org.jboss.logging.Logger;

/**
 * The deployment's model versions: every model directory under glean.models.dir and the model
 * bundled in the jar, recorded in PostgreSQL with one current version. The current version is
 * loaded once and kept; its normalisation statistics are read from the database on every use, so
 * that {@code glean calibrate} takes effect without a restart.
 */
@ApplicationScoped
public class ModelRegistry implements ModelSupplier {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    static final String NO_MODEL = "no model installed: put a model directory (manifest.json and parameters.bin, "
            + "as 'glean train' writes it) under glean.models.dir and restart";

    private final ModelsConfig config;
    private final InferenceConfig inference;
    private final ModelVersionRepository versions;
    private List<ModelFiles> installed;
    private ActiveModel loaded;

    public ModelRegistry(ModelsConfig config, InferenceConfig inference, DataSource dataSource) {
        this.config = config;
        this.inference = inference;
        this.versions = new ModelVersionRepository(dataSource);
    }

    void onStart(@Observes StartupEvent event) {
        try {
            Optional<ActiveModel> model = current();
            if (model.isEmpty()) {
                LOG.warn("No model installed: studies are stored but not scored until one is");
            } else {
                LOG.infof("Current model version %s", model.get().versionId());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "The model registry could not start; studies are stored but not scored");
        }
    }

    /** The current model, loaded; empty when no model is installed. */
    @Override
    public synchronized Optional<ActiveModel> current() {
        String versionId = currentVersionId();
        if (versionId == null) {
            return Optional.empty();
        }
        if (loaded == null || !loaded.versionId().equals(versionId)) {
            load(versionId);
        }
        return Optional.of(new ActiveModel(versionId, loaded.detector(), statistics(versionId)));
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
            versions.makeCurrent(chosen.versionId());
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
        versions.makeCurrent(newest.versionId());
    }

    private void load(String versionId) {
        ModelFiles files = installed.stream().filter(m -> m.versionId().equals(versionId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the current model version " + versionId
                        + " is not installed here; installed: " + installed.stream().map(ModelFiles::name).toList()));
        EngineThreads.apply(inference.threads());
        try {
            DetectorCheckpoint checkpoint = DetectorCheckpoint.load(files.directory());
            close();
            loaded = new ActiveModel(versionId, checkpoint.detector(), null);
            LOG.infof("Loaded model version %s from %s", versionId, files.source());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model version " + versionId + ": " + e.getMessage(), e);
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
            loaded.detector().close();
            loaded = null;
        }
    }

    /** The message that says no model is installed. */
    public static NoModelException noModel() {
        return new NoModelException(NO_MODEL);
    }
}
