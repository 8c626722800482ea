package org.glean.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JVM's heap as its unified GC log ({@code -Xlog:gc}) tells it: each collection logs the heap
 * in use before and after it and the heap committed, e.g. {@code 120M->14M(256M)}. The heap in
 * use peaks just before a collection, so the largest "before" is the peak heap in use; the
 * largest "after" is the most the program kept alive. Reading the log costs the server nothing,
 * unlike polling it.
 *
 * @param peakUsedBytes the largest heap in use before a collection
 * @param peakLiveBytes the largest heap in use after a collection
 * @param peakCommittedBytes the largest heap committed
 * @param pauses how many pauses that changed the heap the log records
 */
public record GcLogHeap(long peakUsedBytes, long peakLiveBytes, long peakCommittedBytes, int pauses) {

    private static final Pattern HEAP_CHANGE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    /** The JVM option that writes the log {@link #read} reads. */
    static String jvmOption(Path log) {
        return "-Xlog:gc:file=" + log.toAbsolutePath();
    }

    public static GcLogHeap read(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return parse(lines);
        }
    }

    static GcLogHeap parse(Stream<String> lines) {
        long used = 0;
        long live = 0;
        long committed = 0;
        int pauses = 0;
        for (String line : (Iterable<String>) lines::iterator) {
            Matcher change = HEAP_CHANGE.matcher(line);
            if (change.find()) {
                pauses++;
                used = Math.max(used, bytes(change.group(1), change.group(2)));
                live = Math.max(live, bytes(change.group(3), change.group(4)));
                committed = Math.max(committed, bytes(change.group(5), change.group(6)));
            }
        }
        return new GcLogHeap(used, live, committed, pauses);
    }

    private static long bytes(String amount, String unit) {
        long value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value << 10;
            case "M" -> value << 20;
            default -> value << 30;
        };
    }
}
