package org.glean.api;

import io.grpc.ManagedChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.WatchJobRequest;

/** Following a fine-tuning job as a client does: the latest job's id, and its progress until it ends. */
final class FineTuneJobWatch {

    private FineTuneJobWatch() {
    }

    /** The job started last (an automatic one has no call that answers its id). */
    static long latestJob(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement select = connection.createStatement();
             var row = select.executeQuery("SELECT max(id) FROM fine_tune_job")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Every state {@code Models.WatchJob} streams until the job ends. */
    static List<FineTuneJob> watch(ManagedChannel channel, long jobId, long deadlineSeconds) {
        List<FineTuneJob> seen = new ArrayList<>();
        ModelsGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(seen::add);
        return seen;
    }
}
