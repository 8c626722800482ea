package org.glean.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time of the benchmark's own side, from /proc/self/stat (Linux): this JVM (where the gRPC
 * client runs) and the child processes it has waited for (storescu).
 */
final class CpuClock {

    private static final Path SELF_STAT = Path.of("/proc/self/stat");
    // /proc counts in USER_HZ ticks, 100 per second on Linux whatever the kernel's own rate.
    private static final long NANOS_PER_TICK = 10_000_000;

    private CpuClock() {
    }

    /** User and system time of this JVM so far. */
    static Duration thisProcess() {
        long[] fields = stat();
        return ticks(fields[0] + fields[1]);
    }

    /** User and system time of the children this JVM has waited for so far. */
    static Duration waitedForChildren() {
        long[] fields = stat();
        return ticks(fields[2] + fields[3]);
    }

    // utime, stime, cutime, cstime: fields 14 to 17, counted after the parenthesised name.
    private static long[] stat() {
        try {
            String stat = Files.readString(SELF_STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                    Long.parseLong(fields[14])};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF_STAT, e);
        }
    }

    private static Duration ticks(long ticks) {
        return Duration.ofNanos(ticks * NANOS_PER_TICK);
    }
}
