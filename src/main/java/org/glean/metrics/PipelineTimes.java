package org.glean.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline timers of a running server as its /q/metrics (Prometheus text) tells them: per
 * stage, how many times it ran and how long it took in all, and the same for answered IngestStudy
 * calls and for batches' waits for the detector. Two readings subtract, so that a benchmark takes
 * what its own calls cost.
 *
 * @param stages per stage; a stage that never ran is absent
 * @param studies answered IngestStudy calls
 * @param detectorWaits batches waiting for the detector while another study's batch held it
 */
public record PipelineTimes(Map<PipelineStage, Total> stages, Total studies, Total detectorWaits) {

    /** How many times something ran and how long it took in all. */
    public record Total(long count, Duration time) {

        static final Total ZERO = new Total(0, Duration.ZERO);

        Total minus(Total earlier) {
            return new Total(count - earlier.count, time.minus(earlier.time));
        }
    }

    // e.g. glean_pipeline_stage_seconds_sum{stage="inference"} 1.25 (the tags in any order)
    private static final Pattern SAMPLE = Pattern.compile(
            "^(glean_pipeline_stage|glean_ingest_study|glean_inference_detector_wait)_seconds_(count|sum)"
                    + "(?:\\{([^}]*)})?\\s+(\\S+)");
    // keys of the timers that are not stages; a stage's key is its tag
    private static final String STUDY_KEY = "#study";
    private static final String WAIT_KEY = "#wait";
    private static final Pattern STAGE_LABEL = Pattern.compile("\\b" + PipelineMetrics.STAGE_TAG + "=\"([^\"]*)\"");

    public PipelineTimes {
        stages = Map.copyOf(stages);
    }

    /**
     * Reads the timers from the server's /q/metrics at {@code server} (e.g. {@code https://host:port})
     * with {@code client}, which must trust the server's certificate when it serves TLS.
     */
    public static PipelineTimes scrape(HttpClient client, URI server) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.resolve("/q/metrics"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /q/metrics answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The timers in a Prometheus text exposition. */
    public static PipelineTimes parse(String exposition) {
        // keyed by the stage's tag, STUDY_KEY or WAIT_KEY
        Map<String, Double> counts = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.find()) {
                continue;
            }
            String key = sample.group(1).equals("glean_ingest_study") ? STUDY_KEY : WAIT_KEY;
            if (sample.group(1).equals("glean_pipeline_stage")) {
                Matcher label = STAGE_LABEL.matcher(sample.group(3) == null ? "" : sample.group(3));
                if (!label.find()) {
                    continue;
                }
                key = label.group(1);
            }
            (sample.group(2).equals("count") ? counts : seconds).put(key, Double.parseDouble(sample.group(4)));
        }
        Map<PipelineStage, Total> stages = new EnumMap<>(PipelineStage.class);
        for (PipelineStage stage : PipelineStage.values()) {
            if (counts.containsKey(stage.tag())) {
                stages.put(stage, total(counts, seconds, stage.tag()));
            }
        }
        return new PipelineTimes(stages, total(counts, seconds, STUDY_KEY), total(counts, seconds, WAIT_KEY));
    }

    /** What ran between {@code earlier} and this reading. */
    public PipelineTimes minus(PipelineTimes earlier) {
        Map<PipelineStage, Total> difference = new EnumMap<>(PipelineStage.class);
        stages.forEach((stage, total) -> difference.put(stage, total.minus(earlier.stage(stage))));
        return new PipelineTimes(difference, studies.minus(earlier.studies),
                detectorWaits.minus(earlier.detectorWaits));
    }

    /** The stage's total; zero when it never ran. */
    public Total stage(PipelineStage stage) {
        return stages.getOrDefault(stage, Total.ZERO);
    }

    /** The time of every stage together. */
    public Duration allStages() {
        return stages.values().stream().map(Total::time).reduce(Duration.ZERO, Duration::plus);
    }

    private static Total total(Map<String, Double> counts, Map<String, Double> seconds, String key) {
        return new Total(Math.round(counts.getOrDefault(key, 0.0)),
                Duration.ofNanos(Math.round(seconds.getOrDefault(key, 0.0) * 1e9)));
    }

}
