package org.glean.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GcLogHeapTest {

    @Test
    void peakIsTheLargestHeapBeforeAPauseAndLiveTheLargestAfter() {
        // Lines as a JDK 17 G1 server wrote them with -Xlog:gc during a benchmark.
        GcLogHeap heap = GcLogHeap.parse(Stream.of(
                "[0.011s][info][gc] Using G1",
                "[2.695s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 33M->4M(380M) 16.064ms",
                "[3.362s][info][gc] GC(2) Pause Young (Concurrent Start) (Metadata GC Threshold) 22M->9M(380M) 6.414ms",
                "[3.362s][info][gc] GC(3) Concurrent Mark Cycle",
                "[3.374s][info][gc] GC(3) Pause Remark 10M->10M(44M) 2.946ms",
                "[3.400s][info][gc] GC(3) Concurrent Mark Cycle 38.160ms",
                "[41.52s][info][gc] GC(40) Pause Young (Normal) (G1 Evacuation Pause) 1G->30M(1536M) 9.1ms",
                "[42.10s][info][gc] GC(41) Pause Young (Normal) (G1 Evacuation Pause) 900K->512K(2048K) 0.5ms"));

        assertThat(heap.peakUsedBytes()).isEqualTo(1L << 30);
        assertThat(heap.peakLiveBytes()).isEqualTo(30L << 20);
        assertThat(heap.peakCommittedBytes()).isEqualTo(1536L << 20);
        assertThat(heap.pauses()).isEqualTo(5);
    }

    @Test
    void aLogWithoutPausesHasNoHeapFigures() {
        GcLogHeap heap = GcLogHeap.parse(Stream.of("[0.011s][info][gc] Using G1"));

        assertThat(heap).isEqualTo(new GcLogHeap(0, 0, 0, 0));
    }
}
