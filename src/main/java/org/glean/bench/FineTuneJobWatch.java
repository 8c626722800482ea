package org.glean.bench;

import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.WatchJobRequest;

/** Following a fine-tuning job as a client does: Models.WatchJob until the job ends. */
public final class FineTuneJobWatch {

    private FineTuneJobWatch() {
    }

    /** Every state WatchJob streams until the job ends, the final one last. */
    public static List<FineTuneJob> watch(Channel channel, long jobId, Duration deadline) {
        List<FineTuneJob> seen = new ArrayList<>();
        ModelsGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(seen::add);
        return seen;
    }
}
