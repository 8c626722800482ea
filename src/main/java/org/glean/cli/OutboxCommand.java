package org.glean.cli;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.ListOutboxRequest;
import org.glean.proto.v1.OutboxEntry;
import org.glean.proto.v1.OutboxGrpc;
import org.glean.proto.v1.RetryDeliveryRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glean outbox}: lists the deliveries of results (SR, KOS) to the PACS destinations (a curator's token). */
@Command(name = "outbox", mixinStandardHelpOptions = true,
        description = {"Lists what a Glean server sends back to the PACS: each document (sr, kos, annotation-sr) per "
                + "destination with its state, attempts and last error, the newest first.",
                "With --retry ID, queues a FAILED delivery again instead (an admin's token).",
                "Needs a curator's or admin's token. Exit status: 0 listed; 1 the server refused; 2 bad arguments."})
public final class OutboxCommand implements Callable<Integer> {

    @Option(names = "--destination", paramLabel = "NAME", description = "deliveries to this destination")
    String destination;

    @Option(names = "--state", paramLabel = "STATE", description = "PENDING, RETRYING, DELIVERED or FAILED")
    String state;

    @Option(names = "--study", paramLabel = "UID", description = "documents about this StudyInstanceUID")
    String study;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many, the newest (default: "
            + "${DEFAULT-VALUE}, at most 10000)")
    int limit;

    @Option(names = "--retry", paramLabel = "ID",
            description = "queue this FAILED delivery again (its number from the listing) instead of listing")
    Long retry;

    @Mixin
    ServerConnection server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 1 || limit > 10_000) {
            err.println("glean outbox: --limit must be 1 to 10000, got " + limit);
            return 2;
        }
        if (retry != null) {
            return server.call(spec, channel -> {
                OutboxGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                        .retryDelivery(RetryDeliveryRequest.newBuilder().setId(retry).build());
                out.println("#" + retry + " queued again");
                return 0;
            });
        }
        ListOutboxRequest.Builder request = ListOutboxRequest.newBuilder().setLimit(limit);
        if (destination != null) {
            request.setDestination(destination);
        }
        if (state != null) {
            request.setState(state);
        }
        if (study != null) {
            request.setStudyInstanceUid(study);
        }
        return server.call(spec, channel -> {
            OutboxGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES).listOutbox(request.build())
                    .getDeliveriesList().forEach(entry -> out.println(line(entry)));
            return 0;
        });
    }

    // #id destination kind STATE attempts n [delivered …|next …] study … sop …[: last error]
    private static String line(OutboxEntry entry) {
        StringBuilder line = new StringBuilder("#").append(entry.getId()).append(' ').append(entry.getDestination())
                .append(' ').append(entry.getKind()).append(' ').append(entry.getState())
                .append(" attempts ").append(entry.getAttempts());
        if (entry.hasDeliveredAt()) {
            line.append(" delivered ").append(instant(entry.getDeliveredAt()));
        } else {
            line.append(" next ").append(instant(entry.getNextAttemptAt()));
        }
        line.append(" study ").append(entry.getStudyInstanceUid()).append(" sop ").append(entry.getSopInstanceUid());
        if (!entry.getLastError().isEmpty()) {
            line.append(": ").append(entry.getLastError());
        }
        return line.toString();
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
