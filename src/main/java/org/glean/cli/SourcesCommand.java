package org.glean.cli;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.ListSourcesRequest;
import org.glean.proto.v1.SourceInfo;
import org.glean.proto.v1.SourcesGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code glean sources}: lists the server's PACS sources with their polling state and checkpoint (a curator's token). */
@Command(name = "sources", mixinStandardHelpOptions = true,
        description = {"Lists the PACS sources a Glean server takes studies from: how each is reached, whether "
                + "the server polls it, how its passes go (the last error while it fails) and its checkpoint (the "
                + "studies taken, never taken again).",
                "Needs a curator's or admin's token. Exit status: 0 listed; 1 the server refused."})
public final class SourcesCommand implements Callable<Integer> {

    @Mixin
    ServerConnection server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        return server.call(spec, channel -> {
            var sources = SourcesGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                    .listSources(ListSourcesRequest.getDefaultInstance()).getSourcesList();
            if (sources.isEmpty()) {
                out.println("No PACS sources configured (glean.pacs.sources.<name>.url or .host)");
            }
            sources.forEach(source -> out.println(lines(source)));
            return 0;
        });
    }

    // name: location
    //   polled|not polled; N studies taken[, the last at T]; last pass T: works|failing (n in a row): error[; next pass T]
    private static String lines(SourceInfo source) {
        StringBuilder text = new StringBuilder(source.getName()).append(": ").append(source.getLocation())
                .append("\n  ").append(source.getPolled() ? "polled" : "not polled")
                .append("; ").append(source.getStudiesTaken()).append(" studies taken");
        if (source.hasLastStudyTaken()) {
            text.append(", the last at ").append(instant(source.getLastStudyTaken()));
        }
        if (!source.hasLastPassEnded()) {
            text.append("; no pass yet");
        } else {
            text.append("; last pass ").append(instant(source.getLastPassEnded())).append(": ");
            text.append(source.getFailuresInARow() == 0 ? "works"
                    : "failing (" + source.getFailuresInARow() + " in a row): " + source.getLastError());
        }
        if (source.hasNextPass()) {
            text.append("; next pass ").append(instant(source.getNextPass()));
        }
        return text.toString();
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
