package org.glean.ingest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Content-addressed file store for received instances: a file is named by the SHA-256 of its
 * bytes ({@code ab/abcd….dcm}), never by anything from the wire, so a hostile UID cannot
 * reach the file system and identical bytes are stored once. One level of 256 directories, as
 * git keeps objects: with more levels nearly every new instance would create a directory,
 * costing a second inode and a second directory flush. Files arrive through a temporary
 * file in the same file system that is flushed to disk and then moved into place atomically,
 * so a reader never sees half a file; the directories are flushed after the move, so a file
 * once placed stays placed. The store directory belongs to one server: at start it
 * deletes uploads a crash left behind.
 */
@ApplicationScoped
public class InstanceStore {

    private static final Logger LOG = Logger.getLogger(InstanceStore.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    // Flushes wait on the disk, not the CPU; several at once let the file system commit them together.
    private static final int FLUSHER_THREADS = 16;

    private final Path root;
    private final Path uploads;
    private final ExecutorService flushers = flusherPool();

    public InstanceStore(@ConfigProperty(name = "glean.store.dir") Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.uploads = this.root.resolve(".uploads");
        try {
            Files.createDirectories(uploads);
            removeAbandonedUploads();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the instance store in " + this.root, e);
        }
    }

    /** Starts receiving one instance of at most {@code maxBytes}. */
    public InstanceUpload newUpload(long maxBytes) throws IOException {
        while (true) {
            Path file = uploads.resolve("upload-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + ".part");
            try {
                return new InstanceUpload(file, maxBytes);
            } catch (FileAlreadyExistsException taken) {
                // another upload has this name; draw again
            }
        }
    }

    /**
     * Whether a file with these bytes is in the store: every stored instance's is, and a few
     * others may be (left by a store whose record then failed).
     */
    boolean holds(String contentSha256) {
        return Files.exists(pathOf(contentSha256));
    }

    /** Starts flushing an upload that is to be kept; see {@link InstanceUpload#flushToDisk}. */
    void startFlush(InstanceUpload upload) {
        upload.flushToDisk(flushers);
    }

    /**
     * Uploads moved to their content addresses.
     *
     * @param newFiles for each upload, in order, true when the store did not hold its bytes
     *     before (the caller owns the new file and removes it if what it stores alongside
     *     fails); false when it did
     * @param durable completes once every move is on disk, or fails with an
     *     {@link UncheckedIOException}
     */
    record Placement(List<Boolean> newFiles, CompletableFuture<Void> durable) {
    }

    /**
     * Moves finished uploads to their content addresses: every upload's bytes are flushed (all
     * at once, so the file system commits them together), then each is moved into place; the
     * directories that gained an entry are flushed in the background, see
     * {@link Placement#durable}, so that the caller can prepare its records meanwhile. An upload
     * whose bytes the store already holds is discarded instead.
     */
    Placement placeAll(List<InstanceUpload> uploads) throws IOException {
        List<Boolean> placed = new ArrayList<>(uploads.size());
        Set<Path> targets = new HashSet<>();
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (InstanceUpload upload : uploads) {
            Path target = pathOf(upload.contentSha256());
            boolean held = !targets.add(target) || Files.exists(target);
            if (held) {
                upload.discard();
            } else {
                flushes.add(upload.flushToDisk(flushers));
            }
            placed.add(!held);
        }
        awaitAll(flushes);
        Set<Path> changedDirectories = new LinkedHashSet<>();
        for (int i = 0; i < uploads.size(); i++) {
            if (placed.get(i)) {
                move(uploads.get(i), changedDirectories);
            }
        }
        return new Placement(placed, CompletableFuture.allOf(changedDirectories.stream()
                .map(directory -> CompletableFuture.runAsync(() -> syncDirectory(directory), flushers))
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * Removes a file no record names: one that {@link #placeAll} created for a record that was
     * then not stored, or a deleted study's. False when it could not (logged); it stays.
     */
    boolean remove(String contentSha256) {
        try {
            Files.deleteIfExists(pathOf(contentSha256));
            return true;
        } catch (IOException e) {
            LOG.errorf(e, "Cannot remove stored file %s; it is unreferenced", contentSha256);
            return false;
        }
    }

    /** Where the instance with this content hash lives. */
    public Path pathOf(String contentSha256) {
        return pathIn(root, contentSha256);
    }

    /** Where the instance with this content hash lives in the store under {@code root}. */
    public static Path pathIn(Path root, String contentSha256) {
        if (!SHA256_HEX.matcher(contentSha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + contentSha256);
        }
        return root.resolve(contentSha256.substring(0, 2)).resolve(contentSha256 + ".dcm");
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    // An upload left by a crash is never completed; its sender was told the call failed.
    private void removeAbandonedUploads() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads, "upload-*.part")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                LOG.infof("Removed abandoned upload %s", leftover.getFileName());
            }
        }
    }

    @PreDestroy
    void stopFlushers() {
        flushers.shutdown();
    }

    // Moves an upload into place and collects the directories whose entries changed: the
    // target's, and the root when that directory is new. Identical bytes that another upload
    // placed meanwhile are replaced by the same bytes.
    private void move(InstanceUpload upload, Set<Path> changedDirectories) throws IOException {
        Path target = pathOf(upload.contentSha256());
        Path directory = target.getParent();
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectory(directory);
                changedDirectories.add(root);
            } catch (FileAlreadyExistsException createdMeanwhile) {
                // another upload created it and flushes the root
            }
        }
        Files.move(upload.tempFile(), target, StandardCopyOption.ATOMIC_MOVE);
        changedDirectories.add(directory);
    }

    // A move or a new directory is durable only once the directory's entries are on disk.
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush the directory " + directory + " to disk", e);
        }
    }

    private static void awaitAll(List<CompletableFuture<Void>> tasks) throws IOException {
        try {
            CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private static ExecutorService flusherPool() {
        AtomicInteger threadNumber = new AtomicInteger();
        return Executors.newFixedThreadPool(FLUSHER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "store-flush-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
