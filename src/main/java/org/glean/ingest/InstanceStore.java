package org.glean.ingest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
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
 * file in the same file system that is flushed to disk and then linked into place atomically,
 * so a reader never sees half a file; the directories are flushed after the link, so a file
 * once placed stays placed.
 *
 * <p>Each process receives into an upload folder of its own ({@code .uploads/ID}), which it
 * holds through an {@link OwnerLock} ({@code .uploads/ID.owner}) while it runs, so that several
 * processes may share the store and none removes what another is receiving. An upload keeps its
 * name in that folder until the records that name its file are committed: a file placed by a
 * process that died before its commit is found through the upload folder it left behind
 * ({@link #takeOverAbandonedUploads}). On a file system without hard links uploads are moved
 * into place instead, and that trace is lost.
 */
@ApplicationScoped
public class InstanceStore {

    private static final Logger LOG = Logger.getLogger(InstanceStore.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    // Flushes wait on the disk, not the CPU; several at once let the file system commit them together.
    private static final int FLUSHER_THREADS = 16;

    private static final String OWNER_SUFFIX = ".owner";
    // A folder's owner writes itself into its lock file right after creating it; one that never
    // did within this long died in between.
    private static final Duration UNNAMED_OWNER_AGE = Duration.ofHours(1);

    private final Path root;
    private final Path uploadFolders;
    private final Path uploads;
    private final OwnerLock uploadsOwner;
    private final boolean hardLinks;
    private final ExecutorService flushers = flusherPool();
    // Found once: finding a path's file store reads the whole mount table, and it is asked before every instance.
    private final FileStore fileStore;

    public InstanceStore(@ConfigProperty(name = "glean.store.dir") Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.uploadFolders = this.root.resolve(".uploads");
        try {
            Files.createDirectories(uploadFolders);
            removeUploadsOfEarlierVersions();
            String id = ProcessHandle.current().pid() + "-"
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            // the lock before the folder: a folder without one is left over, never being created
            this.uploadsOwner = OwnerLock.acquire(uploadFolders.resolve(id + OWNER_SUFFIX))
                    .orElseThrow(() -> new IllegalStateException("upload folder " + id + " is taken"));
            this.uploads = Files.createDirectory(uploadFolders.resolve(id));
            this.hardLinks = hardLinksWork(uploads);
            this.fileStore = Files.getFileStore(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the instance store in " + this.root, e);
        }
        if (!hardLinks) {
            LOG.warnf("The file system of %s has no hard links: uploads are moved into place, and a file placed"
                    + " just before a crash stays unreferenced until a start an hour later removes it", this.root);
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

    /** This process's upload folder. */
    public Path uploads() {
        return uploads;
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
     * Uploads placed at their content addresses.
     *
     * @param newFiles for each upload, in order, true when the store did not hold its bytes
     *     before (the caller owns the new file and removes it if what it stores alongside
     *     fails); false when it did, and then the caller keeps the upload until its records are
     *     committed and checks with {@link #ensurePlaced} that the file is still there
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
     * whose bytes the store already holds is not placed. Every upload stays in the upload folder
     * until the caller discards it.
     */
    Placement placeAll(List<InstanceUpload> uploads) throws IOException {
        List<Boolean> placed = new ArrayList<>(uploads.size());
        Set<Path> targets = new HashSet<>();
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (InstanceUpload upload : uploads) {
            Path target = pathOf(upload.contentSha256());
            boolean held = !targets.add(target) || Files.exists(target);
            if (!held) {
                flushes.add(upload.flushToDisk(flushers));
            }
            placed.add(!held);
        }
        awaitAll(flushes);
        Set<Path> changedDirectories = new LinkedHashSet<>();
        for (int i = 0; i < uploads.size(); i++) {
            if (placed.get(i)) {
                placed.set(i, place(uploads.get(i).tempFile(), pathOf(uploads.get(i).contentSha256()),
                        changedDirectories));
            }
        }
        return new Placement(placed, CompletableFuture.allOf(changedDirectories.stream()
                .map(directory -> CompletableFuture.runAsync(() -> syncDirectory(directory), flushers))
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * Places an upload whose bytes {@link #placeAll} found in the store already, if they are no
     * longer there (the file was an orphan that start-up reconciliation removed meanwhile), and
     * waits until it is on disk.
     *
     * @return whether it had to be placed
     */
    boolean ensurePlaced(InstanceUpload upload) throws IOException {
        Path target = pathOf(upload.contentSha256());
        if (Files.exists(target)) {
            return false;
        }
        awaitAll(List.of(upload.flushToDisk(flushers)));
        Set<Path> changedDirectories = new LinkedHashSet<>();
        place(upload.tempFile(), target, changedDirectories);
        syncAll(changedDirectories);
        return true;
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

    /** Bytes its file system still has usable. */
    public long usableSpace() throws IOException {
        return fileStore.getUsableSpace();
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    /**
     * The upload folder of a process that is gone, locked by this one: its uploads, some of them
     * perhaps placed in the store already (without the records the process meant to commit).
     * {@link #remove} deletes the folder and its lock once they are dealt with; {@link #close}
     * only lets the lock go, for another start to try again.
     */
    public final class AbandonedUploads implements AutoCloseable {

        private final Path folder;
        private final OwnerLock lock;

        private AbandonedUploads(Path folder, OwnerLock lock) {
            this.folder = folder;
            this.lock = lock;
        }

        /** The process that left them, as its lock file names it. */
        public String owner() {
            return lock.previousHolder().isEmpty() ? "a process that died while starting" : lock.previousHolder();
        }

        /** Its uploads, finished or not. */
        public List<Path> files() throws IOException {
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(folder)) {
                return files.toList();
            }
        }

        /**
         * Whether {@code upload} was placed in the store as the file of {@code contentSha256},
         * its SHA-256: the store's file is the upload's own (the same file under a second name).
         */
        public boolean isPlaced(Path upload, String contentSha256) throws IOException {
            Path target = pathOf(contentSha256);
            return Files.exists(target) && Files.isSameFile(target, upload);
        }

        /** Places the upload, whose SHA-256 is {@code contentSha256}, where the store lacks its bytes, durably. */
        public void adopt(Path upload, String contentSha256) throws IOException {
            Set<Path> changedDirectories = new LinkedHashSet<>();
            place(upload, pathOf(contentSha256), changedDirectories);
            syncAll(changedDirectories);
        }

        /** Deletes the folder with whatever is left in it, and its lock file. */
        public void remove() throws IOException {
            deleteTree(folder);
            lock.delete();
        }

        @Override
        public void close() throws IOException {
            lock.close();
        }
    }

    /**
     * Takes over the upload folders of processes that are gone (their lock is free), so that no
     * other process deals with them meanwhile. Folders of live processes, this one's included,
     * are left alone, as is a folder whose owner has not yet written its name into its lock
     * (being created) unless that is over an hour old.
     */
    public List<AbandonedUploads> takeOverAbandonedUploads() throws IOException {
        List<AbandonedUploads> abandoned = new ArrayList<>();
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(uploadFolders, "*" + OWNER_SUFFIX)) {
            for (Path lockFile : locks) {
                if (lockFile.equals(uploadsOwner.file())) {
                    continue;
                }
                OwnerLock lock = OwnerLock.takeOver(lockFile).orElse(null);
                if (lock == null) {
                    continue;
                }
                if (lock.previousHolder().isEmpty() && !olderThan(lockFile, UNNAMED_OWNER_AGE)) {
                    lock.close();
                    continue;
                }
                String name = lockFile.getFileName().toString();
                abandoned.add(new AbandonedUploads(lockFile.resolveSibling(name.substring(0,
                        name.length() - OWNER_SUFFIX.length())), lock));
            }
        }
        removeFoldersWithoutOwner();
        return abandoned;
    }

    // Owners lock before they create their folder and delete it before their lock, so a folder
    // without a lock file is what a takeover that died half-way left.
    private void removeFoldersWithoutOwner() throws IOException {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(uploadFolders, Files::isDirectory)) {
            for (Path folder : folders) {
                if (!Files.exists(folder.resolveSibling(folder.getFileName() + OWNER_SUFFIX))) {
                    deleteTree(folder);
                }
            }
        }
    }

    // Before upload folders per process, uploads lay directly in .uploads, and one server used
    // the store; an upload left there by a crash was never completed (its sender was told so).
    private void removeUploadsOfEarlierVersions() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploadFolders, "upload-*.part")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                LOG.infof("Removed abandoned upload %s", leftover.getFileName());
            }
        }
    }

    /** Stops flushing and removes this process's upload folder, which holds nothing once calls have ended. */
    @PreDestroy
    void stop() {
        flushers.shutdown();
        try {
            deleteTree(uploads);
            uploadsOwner.delete();
        } catch (IOException e) {
            LOG.warnf("Cannot remove the upload folder %s: %s; the next start removes it", uploads, e.getMessage());
        }
    }

    // Links (or moves) a file into place and collects the directories whose entries changed: the
    // target's, and the root when that directory is new. Returns false when identical bytes were
    // placed there meanwhile by another upload, which then owns that file.
    private boolean place(Path file, Path target, Set<Path> changedDirectories) throws IOException {
        Path directory = target.getParent();
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectory(directory);
                changedDirectories.add(root);
            } catch (FileAlreadyExistsException createdMeanwhile) {
                // another upload created it and flushes the root
            }
        }
        changedDirectories.add(directory);
        if (!hardLinks) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
        try {
            Files.createLink(target, file);
            return true;
        } catch (FileAlreadyExistsException placedMeanwhile) {
            return false;
        }
    }

    private void syncAll(Set<Path> directories) throws IOException {
        awaitAll(directories.stream().map(directory -> CompletableFuture.runAsync(() -> syncDirectory(directory),
                flushers)).toList());
    }

    private static boolean hardLinksWork(Path folder) throws IOException {
        Path probe = Files.createFile(folder.resolve("link-probe"));
        Path link = folder.resolve("link-probe-link");
        try {
            Files.createLink(link, probe);
            return true;
        } catch (UnsupportedOperationException | FileSystemException e) {
            return false;
        } finally {
            Files.deleteIfExists(link);
            Files.delete(probe);
        }
    }

    private static boolean olderThan(Path file, Duration age) throws IOException {
        return Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(age));
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
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
