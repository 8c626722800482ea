package org.glean.ingest;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Brings the instance store and the instance records back in line at start, after a process
 * died between placing files and committing their records, or the store lost files. Files and
 * records are named by content hash only, so nothing here logs patient data.
 *
 * <p>First, before the server takes instances: the upload folders of processes that are gone
 * ({@link InstanceStore#takeOverAbandonedUploads}). An upload that was placed in the store but
 * whose records were never committed is removed from the store (its sender was never told it
 * was stored); an upload whose bytes a record names while the store lacks them is adopted;
 * the rest goes with the folder.
 *
 * <p>Then, in the background unless {@code glean.store.scan-at-start} is false, the whole store
 * against the records: a file no record names is removed once it is an hour old (younger ones
 * may be about to be recorded by a live process); a record whose file is missing is marked so
 * (left out of curation, training and calibration, reported), and unmarked when its file is back.
 */
@ApplicationScoped
public class StoreReconciliation {

    private static final Logger LOG = Logger.getLogger(StoreReconciliation.class);
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    private static final String STORED_SUFFIX = ".dcm";
    private static final Pattern STORED_NAME = Pattern.compile("[0-9a-f]{64}\\" + STORED_SUFFIX);
    private static final int BATCH = 1000;
    private static final int LOGGED_HASHES = 5;

    /**
     * A file no record names is removed by the scan once older than this. A process that places
     * by hard link leaves a second link while its records are not committed; one on a file
     * system without hard links leaves no sign, but no process takes that long to commit.
     */
    static final Duration ORPHAN_MIN_AGE = Duration.ofHours(1);

    private final InstanceStore store;
    private final StudyRepository repository;
    private final boolean scanAtStart;
    private volatile boolean stopping;

    public StoreReconciliation(InstanceStore store, StudyRepository repository,
            @ConfigProperty(name = "glean.store.scan-at-start") boolean scanAtStart) {
        this.store = store;
        this.repository = repository;
        this.scanAtStart = scanAtStart;
    }

    /**
     * What a reconciliation did.
     *
     * @param removed files removed from the store: placed without their records, or named by none
     * @param adopted uploads placed where the store lacked the bytes a record names
     * @param missing records newly marked as missing their file
     * @param back records unmarked, their file being there again
     */
    public record Report(int removed, int adopted, int missing, int back) {
    }

    // Before the C-STORE SCP starts taking instances (observers of default priority).
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent start) {
        reconcileAbandonedUploads();
        if (scanAtStart) {
            Thread scan = new Thread(this::scanInBackground, "store-reconciliation");
            scan.setDaemon(true);
            scan.start();
        }
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    /** Deals with the upload folders of processes that are gone; see the class comment. */
    public Report reconcileAbandonedUploads() {
        int removed = 0;
        int adopted = 0;
        List<InstanceStore.AbandonedUploads> abandoned;
        try {
            abandoned = store.takeOverAbandonedUploads();
        } catch (IOException e) {
            LOG.errorf(e, "Cannot look for the upload folders of stopped processes in %s", store.root());
            return new Report(0, 0, 0, 0);
        }
        for (InstanceStore.AbandonedUploads folder : abandoned) {
            try (folder) {
                List<Path> uploads = folder.files();
                int placedUnrecorded = 0;
                int adoptedHere = 0;
                for (Path upload : uploads) {
                    String contentSha256 = sha256(upload);
                    if (folder.isPlaced(upload, contentSha256)) {
                        if (!repository.isReferenced(contentSha256)) {
                            store.remove(contentSha256);
                            placedUnrecorded++;
                        }
                    } else if (!Files.exists(store.pathOf(contentSha256)) && repository.isReferenced(contentSha256)) {
                        folder.adopt(upload, contentSha256);
                        repository.markFilePresent(contentSha256);
                        adoptedHere++;
                    }
                }
                folder.remove();
                removed += placedUnrecorded;
                adopted += adoptedHere;
                LOG.infof("Took over the upload folder of %s, which is gone: %d uploads, of which %d were placed"
                        + " without their records (removed) and %d adopted", folder.owner(), uploads.size(),
                        placedUnrecorded, adoptedHere);
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "Cannot clear the upload folder of %s; the next start tries again", folder.owner());
            }
        }
        return new Report(removed, adopted, 0, 0);
    }

    /** Compares the whole store with the records; see the class comment. */
    public Report scanStore() {
        Report records = checkRecordedFiles();
        int removed = removeUnrecordedFiles();
        if (records.missing() > 0) {
            LOG.warnf("%d stored instances' files are missing from the instance store %s; they are left out of"
                    + " curation, training and calibration until they are sent again", records.missing(), store.root());
        }
        LOG.infof("Instance store %s checked against the records: %d files no record names removed, %d records"
                + " newly missing their file, %d with their file back", store.root(), removed, records.missing(),
                records.back());
        return new Report(removed, 0, records.missing(), records.back());
    }

    private void scanInBackground() {
        try {
            scanStore();
        } catch (ScanStopped stopped) {
            LOG.info("Instance store check stopped: the server is stopping");
        } catch (RuntimeException e) {
            LOG.error("Checking the instance store against the records failed; the next start tries again", e);
        }
    }

    // Records whose file is missing are marked, marked ones whose file is back unmarked, a batch at a time.
    private Report checkRecordedFiles() {
        Instant now = Instant.now();
        List<String> missing = new ArrayList<>();
        List<String> back = new ArrayList<>();
        int[] counts = new int[2];
        repository.forEachReferencedFile((contentSha256, marked) -> {
            requireRunning();
            boolean present = Files.exists(store.pathOf(contentSha256));
            if (!present && !marked) {
                missing.add(contentSha256);
                counts[0]++;
                if (counts[0] <= LOGGED_HASHES) {
                    LOG.warnf("The instance store lacks the file of content SHA-256 %s, which a record names",
                            contentSha256);
                }
            } else if (present && marked) {
                back.add(contentSha256);
                counts[1]++;
            }
            if (missing.size() == BATCH) {
                repository.markFilesMissing(missing, now);
                missing.clear();
            }
            if (back.size() == BATCH) {
                repository.markFilesPresent(back);
                back.clear();
            }
        });
        if (!missing.isEmpty()) {
            repository.markFilesMissing(missing, now);
        }
        if (!back.isEmpty()) {
            repository.markFilesPresent(back);
        }
        return new Report(0, 0, counts[0], counts[1]);
    }

    private int removeUnrecordedFiles() {
        int removed = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(store.root(),
                path -> Files.isDirectory(path) && SHARD.matcher(path.getFileName().toString()).matches())) {
            for (Path shard : shards) {
                List<String> batch = new ArrayList<>(BATCH);
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard,
                        path -> STORED_NAME.matcher(path.getFileName().toString()).matches())) {
                    for (Path file : files) {
                        requireRunning();
                        batch.add(contentSha256Of(file));
                        if (batch.size() == BATCH) {
                            removed += removeUnrecorded(batch);
                            batch.clear();
                        }
                    }
                }
                removed += removeUnrecorded(batch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the instance store " + store.root(), e);
        }
        return removed;
    }

    private int removeUnrecorded(List<String> batch) throws IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        Set<String> referenced = repository.referencedAmong(batch);
        Instant cutoff = Instant.now().minus(ORPHAN_MIN_AGE);
        int removed = 0;
        for (String contentSha256 : batch) {
            Path file = store.pathOf(contentSha256);
            if (!referenced.contains(contentSha256) && isOrphan(file, cutoff)) {
                store.remove(contentSha256);
                removed++;
            }
        }
        return removed;
    }

    // Not linked from an upload folder (a process is recording it) and old enough.
    private static boolean isOrphan(Path file, Instant cutoff) throws IOException {
        if (!Files.exists(file) || !Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
            return false;
        }
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink")).intValue() == 1;
        } catch (UnsupportedOperationException | IllegalArgumentException noLinkCount) {
            return true;
        }
    }

    private void requireRunning() {
        if (stopping) {
            throw new ScanStopped();
        }
    }

    private static String contentSha256Of(Path stored) {
        String name = stored.getFileName().toString();
        return name.substring(0, name.length() - STORED_SUFFIX.length());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The server stops while the scan runs. */
    private static final class ScanStopped extends RuntimeException {
        ScanStopped() {
            super(null, null, false, false);
        }
    }
}
