package org.glean.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows a JVM's heap through its Prometheus metrics ({@code jvm_memory_used_bytes} and
 * {@code jvm_memory_committed_bytes} with {@code area="heap"}, summed over the memory pools),
 * sampling at a fixed interval on a thread of its own and keeping the largest values seen. A
 * peak between two samples is missed, so the figures are lower bounds of the true peak.
 */
public final class HeapSampler implements AutoCloseable {

    private static final Pattern HEAP_SAMPLE = Pattern.compile(
            "^(jvm_memory_used_bytes|jvm_memory_committed_bytes)\\{([^}]*)\\}\\s+(\\S+)", Pattern.MULTILINE);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final HttpRequest request;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean stopped;
    private long peakUsedBytes;
    private long peakCommittedBytes;
    private int samples;

    private HeapSampler(URI metrics, Duration interval) {
        this.request = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build();
        this.interval = interval;
        this.thread = new Thread(this::sample, "heap-sampler");
        this.thread.setDaemon(true);
    }

    public static HeapSampler start(URI metrics, Duration interval) {
        HeapSampler sampler = new HeapSampler(metrics, interval);
        sampler.thread.start();
        return sampler;
    }

    /** Heap in use over all pools, summed: {@code used} and {@code committed}, or empty without heap lines. */
    record Heap(long usedBytes, long committedBytes) {
    }

    static Optional<Heap> parse(String prometheusText) {
        long used = 0;
        long committed = 0;
        boolean found = false;
        Matcher sample = HEAP_SAMPLE.matcher(prometheusText);
        while (sample.find()) {
            if (!sample.group(2).contains("area=\"heap\"")) {
                continue;
            }
            OptionalDouble value = number(sample.group(3));
            if (value.isEmpty()) {
                continue;
            }
            found = true;
            if (sample.group(1).equals("jvm_memory_used_bytes")) {
                used += (long) value.getAsDouble();
            } else {
                committed += (long) value.getAsDouble();
            }
        }
        return found ? Optional.of(new Heap(used, committed)) : Optional.empty();
    }

    public synchronized long peakUsedBytes() {
        return peakUsedBytes;
    }

    public synchronized long peakCommittedBytes() {
        return peakCommittedBytes;
    }

    public synchronized int samples() {
        return samples;
    }

    public Duration interval() {
        return interval;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(5000);
    }

    private void sample() {
        while (!stopped) {
            try {
                parse(client.send(request, HttpResponse.BodyHandlers.ofString()).body()).ifPresent(this::record);
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // The server is busy or restarting; the next sample will tell.
            }
        }
    }

    private synchronized void record(Heap heap) {
        samples++;
        peakUsedBytes = Math.max(peakUsedBytes, heap.usedBytes());
        peakCommittedBytes = Math.max(peakCommittedBytes, heap.committedBytes());
    }

    private static OptionalDouble number(String text) {
        try {
            return OptionalDouble.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
