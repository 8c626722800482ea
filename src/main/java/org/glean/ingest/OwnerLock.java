package org.glean.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file that a live process keeps locked for as long as it owns something: the embedded
 * PostgreSQL of a data folder, an upload folder of the instance store. The operating system
 * drops the lock when the process ends, however it ends ({@code kill -9} included), so a lock
 * that can be taken marks an owner that is gone. The file names its holder (process id and
 * start time) for messages. The locks are POSIX record locks, which hold between processes on
 * one host and on NFS v4. An owner keeps its lock reachable: the garbage collector closes the
 * file of an unreachable one, and with it the lock.
 */
public final class OwnerLock implements AutoCloseable {

    // The files this process holds. POSIX drops a process's lock on a file when it closes any
    // descriptor of that file, so a file held here must not even be opened again to test it.
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final String previousHolder;

    private OwnerLock(Path file, FileChannel channel, String previousHolder) {
        this.file = file;
        this.channel = channel;
        this.previousHolder = previousHolder;
    }

    /**
     * Locks {@code file}, creating it if needed, and writes this process into it; empty when
     * another live process (or this one) holds it.
     */
    public static Optional<OwnerLock> acquire(Path file) throws IOException {
        return lock(file, StandardOpenOption.CREATE);
    }

    /**
     * Locks an existing {@code file} whose holder is gone, and writes this process into it;
     * empty when its holder is alive or the file no longer exists.
     */
    public static Optional<OwnerLock> takeOver(Path file) throws IOException {
        try {
            return lock(file);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    /** Who holds {@code file} according to its contents (for messages); only for a file this process could not lock. */
    public static String holder(Path file) {
        if (HELD.contains(key(file))) {
            return "this process";
        }
        try {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            return holder.isEmpty() ? "a process that has not said who it is yet" : holder;
        } catch (IOException e) {
            return "unknown (" + file + " is unreadable: " + e.getMessage() + ")";
        }
    }

    /** What the file said before this process took it: its previous holder, or "" for a new file. */
    public String previousHolder() {
        return previousHolder;
    }

    public Path file() {
        return file;
    }

    /** Deletes the file, then lets it go; for an owner whose folder goes with it. */
    public void delete() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            close();
        }
    }

    /** Lets the file go; it keeps naming this process as its last holder. */
    @Override
    public void close() throws IOException {
        try {
            channel.close(); // releases the lock
        } finally {
            HELD.remove(file);
        }
    }

    private static Optional<OwnerLock> lock(Path file, OpenOption... create) throws IOException {
        Path key = key(file);
        if (!HELD.add(key)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, options(create));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD.remove(key);
                return Optional.empty();
            }
            String previous = read(channel);
            write(channel, describeThisProcess());
            return Optional.of(new OwnerLock(key, channel, previous));
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            HELD.remove(key);
            throw e;
        }
    }

    private static OpenOption[] options(OpenOption... create) {
        OpenOption[] options = new OpenOption[2 + create.length];
        options[0] = StandardOpenOption.READ;
        options[1] = StandardOpenOption.WRITE;
        System.arraycopy(create, 0, options, 2, create.length);
        return options;
    }

    // Through the locked channel itself: reading through another descriptor would drop the lock.
    private static String read(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
            // reads until full or at the end
        }
        return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).strip();
    }

    private static void write(FileChannel channel, String text) throws IOException {
        channel.truncate(0);
        ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes, bytes.position());
        }
        channel.force(false);
    }

    private static String describeThisProcess() {
        ProcessHandle self = ProcessHandle.current();
        return "pid " + self.pid() + ", started " + self.info().startInstant().orElse(Instant.now());
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
