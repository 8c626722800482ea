package org.glean.cli;

import jakarta.persistence.PersistenceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.glean.detector.DetectorCheckpoint;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.inference.ActiveModel;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.BackendUnavailableException;
import org.glean.inference.Calibration;
import org.glean.inference.ModelFiles;
import org.glean.inference.ModelVersionRepository;
import org.glean.inference.NoModelException;
import org.glean.ingest.InstanceStore;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean calibrate}: the normalisation statistics of the current model version over a
 * reference pool, persisted with the version in the server's database (method.md §5.1).
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Computes the current model version's normalisation statistics (mean and population std of "
                + "each uncertainty over every object found) on a folder of DICOM files or on the studies the server "
                + "stores, and records them in the server's database; the server uses them from its next scored study.",
                "Without a calibration a version's statistics come from its manifest. Exit status: 0 done, 1 the model "
                        + "found no object, 2 bad arguments or no model or database."})
public final class CalibrateCommand implements Callable<Integer> {

    static final class Pool {
        @Option(names = "--data", paramLabel = "DIR", description = "Folder of DICOM files (subfolders included).")
        Path data;

        @Option(names = "--stored", description = "The accepted instances the server stores.")
        boolean stored;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pool pool;

    @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:QUARKUS_DATASOURCE_JDBC_URL:-jdbc:postgresql://127.0.0.1:54329/postgres}",
            description = "The server's PostgreSQL (default: $QUARKUS_DATASOURCE_JDBC_URL, else the embedded one of 'glean serve': ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "${env:QUARKUS_DATASOURCE_USERNAME:-postgres}", description = "Database user (default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:QUARKUS_DATASOURCE_PASSWORD:-postgres}", description = "Database password.")
    String dbPassword;

    @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "${env:GLEAN_DATA_DIR:-data}/models",
            description = "The server's glean.models.dir (default ${DEFAULT-VALUE}).")
    Path modelsDir;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = "${env:GLEAN_DATA_DIR:-data}/instances",
            description = "The server's glean.store.dir, read with --stored (default ${DEFAULT-VALUE}).")
    Path storeDir;

    @Mixin
    ScoringThresholdOptions thresholds;

    @Option(names = "--batch-size", defaultValue = "8", description = "Frames per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    EngineThreadsOption engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        thresholds.thresholds();
        PrintWriter err = spec.commandLine().getErr();
        engine.apply();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl);
        dataSource.setUser(dbUser);
        dataSource.setPassword(dbPassword);
        ModelVersionRepository versions = new ModelVersionRepository(dataSource);
        try {
            Optional<ModelVersionRepository.Row> current = versions.current();
            if (current.isEmpty()) {
                err.println("calibrate: the server has no current model version; install a model and start it once");
                return 2;
            }
            String versionId = current.get().versionId();
            Optional<ModelFiles> files = ModelFiles.all(modelsDir, true).stream()
                    .filter(m -> m.versionId().equals(versionId)).findFirst();
            if (files.isEmpty()) {
                err.printf("calibrate: the current model version %s is neither under %s nor bundled%n", versionId,
                        modelsDir);
                return 2;
            }
            DicomReader reader = new PixelMedDicomReader();
            List<Path> poolFiles = pool.stored ? storedFiles(dataSource) : flatten(DicomFolder.studiesUnder(pool.data,
                    reader, err).values());
            try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(files.get().directory())) {
                ActiveModel model = new ActiveModel(versionId, checkpoint.detector(), null);
                Calibration.Result result = Calibration.over(poolFiles, reader, model, batchSize, thresholds.lowestScore());
                result.skippedFiles().forEach(skipped -> err.println("Skipped " + skipped));
                versions.saveStatistics(versionId, result.statistics(), Instant.now());
                System.out.printf("Model version %s calibrated on %d files, %d frames, %d objects:%n%s%n", versionId,
                        result.files(), result.frames(), result.statistics().objectCount(), result.statistics().toJson());
                return 0;
            } catch (IllegalStateException e) {
                err.println("calibrate: " + e.getMessage());
                return 1;
            }
        } catch (SQLException | PersistenceException e) {
            err.printf("calibrate: cannot use the database at %s (%s); start 'glean serve' or give --jdbc-url%n",
                    jdbcUrl, e.getMessage());
            return 2;
        } catch (IOException | IllegalArgumentException e) {
            err.println("calibrate: " + e.getMessage());
            return 2;
        } catch (NoModelException | BackendUnavailableException e) {
            err.println("calibrate: " + e.getMessage());
            return 2;
        }
    }

    private List<Path> storedFiles(DataSource dataSource) {
        return new AnalysisRepository(dataSource).acceptedContentSample(Integer.MAX_VALUE).stream()
                .map(sha256 -> InstanceStore.pathIn(storeDir, sha256))
                .toList();
    }

    private static List<Path> flatten(Collection<List<Path>> studies) {
        return studies.stream().flatMap(List::stream).toList();
    }
}
