package org.glean.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's pipeline timers, served with the other metrics at /q/metrics (Prometheus text, on
 * the HTTP port that serves gRPC): {@value #STAGE_TIMER} per {@link PipelineStage} (tag
 * {@value #STAGE_TAG}), {@value #STUDY_TIMER}, an IngestStudy call from its start to its
 * answer, and {@value #DETECTOR_WAIT_TIMER}, batches waiting for the detector while another
 * study's batch holds it. Tags carry no UID and no patient data.
 */
@ApplicationScoped
public class PipelineMetrics implements StageTimer {

    public static final String STAGE_TIMER = "glean.pipeline.stage";
    public static final String STAGE_TAG = "stage";
    public static final String STUDY_TIMER = "glean.ingest.study";
    public static final String DETECTOR_WAIT_TIMER = "glean.inference.detector.wait";

    private final Map<PipelineStage, Timer> stages = new EnumMap<>(PipelineStage.class);
    private final Timer study;
    private final Timer detectorWait;

    public PipelineMetrics(MeterRegistry registry) {
        for (PipelineStage stage : PipelineStage.values()) {
            stages.put(stage, Timer.builder(STAGE_TIMER)
                    .description("Time spent in one stage of ingest and scoring, waits excluded")
                    .tag(STAGE_TAG, stage.tag())
                    .register(registry));
        }
        study = Timer.builder(STUDY_TIMER)
                .description("An IngestStudy call from its start to its answer, for answered calls")
                .register(registry);
        detectorWait = Timer.builder(DETECTOR_WAIT_TIMER)
                .description("A batch waiting for the detector while another study's batch holds it")
                .register(registry);
    }

    @Override
    public void record(PipelineStage stage, long nanos) {
        stages.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordDetectorWait(long nanos) {
        detectorWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An answered IngestStudy call that started at {@code startNanos}. */
    public void recordStudySince(long startNanos) {
        study.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
