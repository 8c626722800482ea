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
 * {@value #STAGE_TAG}), and {@value #STUDY_TIMER}, an IngestStudy call from its start to its
 * answer. Tags carry no UID and no patient data.
 */
@ApplicationScoped
public class PipelineMetrics implements StageTimer {

    public static final String STAGE_TIMER = "glean.pipeline.stage";
    public static final String STAGE_TAG = "stage";
    public static final String STUDY_TIMER = "glean.ingest.study";

    private final Map<PipelineStage, Timer> stages = new EnumMap<>(PipelineStage.class);
    private final Timer study;

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
    }

    @Override
    public void record(PipelineStage stage, long nanos) {
        stages.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An answered IngestStudy call that started at {@code startNanos}. */
    public void recordStudySince(long startNanos) {
        study.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
