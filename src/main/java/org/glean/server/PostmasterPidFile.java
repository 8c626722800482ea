package org.glean.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code postmaster.pid} in a PostgreSQL data directory says while a postmaster runs there
 * (or after one was killed): its process id, its data directory and its port.
 *
 * @param file the postmaster.pid file
 */
public record PostmasterPidFile(Path file, long pid, Path dataDirectory, int port) {

    /** The data directory's postmaster.pid; empty when there is none or it is unreadable. */
    public static Optional<PostmasterPidFile> read(Path dataDirectory) {
        Path file = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            return Optional.of(new PostmasterPidFile(file, Long.parseLong(lines.get(0).strip()),
                    Path.of(lines.get(1).strip()), Integer.parseInt(lines.get(3).strip())));
        } catch (IOException | NumberFormatException absentOrUnreadable) {
            return Optional.empty();
        }
    }

    /** The postmaster, if a PostgreSQL server process with this id runs (not some process that reuses the id). */
    public Optional<ProcessHandle> runningPostmaster() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(PostmasterPidFile::isPostgres).orElse(false));
    }

    private static boolean isPostgres(String command) {
        return Path.of(command).getFileName().toString().equals("postgres");
    }
}
