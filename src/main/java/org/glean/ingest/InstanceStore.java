package org.glean.ingest;

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
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Content-addressed file store for received instances: a file is named by the SHA-256 of its
 * bytes ({@code ab/cd/abcd….dcm}), never by anything from the wire, so a hostile UID cannot
 * reach the file system and identical bytes are stored once. Files arrive through a temporary
 * file in the same file system that is flushed to disk and then moved into place atomically,
 * so a reader never sees half a file. The store directory belongs to one server: at start it
 * deletes uploads a crash left behind.
 */
@ApplicationScoped
public class InstanceStore {

    private static final Logger LOG = Logger.getLogger(InstanceStore.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path uploads;

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
        return new InstanceUpload(Files.createTempFile(uploads, "upload-", ".part"), maxBytes);
    }

    /**
     * Moves a finished upload to its content address.
     *
     * @return true when the store did not hold these bytes before (the caller owns the new file
     *     and removes it if what it stores alongside fails); false when it did, and the upload
     *     was discarded
     */
    boolean place(InstanceUpload upload) throws IOException {
        Path target = pathOf(upload.contentSha256());
        if (Files.exists(target)) {
            upload.discard();
            return false;
        }
        upload.flushToDisk();
        Files.createDirectories(target.getParent());
        try {
            Files.move(upload.tempFile(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            upload.discard();
            return false;
        }
        syncDirectory(target.getParent());
        return true;
    }

    /** Removes a file that {@link #place} created for a record that was then not stored. */
    void remove(String contentSha256) {
        try {
            Files.deleteIfExists(pathOf(contentSha256));
        } catch (IOException e) {
            LOG.errorf(e, "Cannot remove stored file %s; it is unreferenced", contentSha256);
        }
    }

    /** Where the instance with this content hash lives. */
    public Path pathOf(String contentSha256) {
        if (!SHA256_HEX.matcher(contentSha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + contentSha256);
        }
        return root.resolve(contentSha256.substring(0, 2))
                .resolve(contentSha256.substring(2, 4))
                .resolve(contentSha256 + ".dcm");
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

    // The move is durable only once the directory entry is on disk.
    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
