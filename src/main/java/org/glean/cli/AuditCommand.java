package org.glean.cli;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.AuditEntry;
import org.glean.proto.v1.AuditVerification;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.ListAuditRequest;
import org.glean.proto.v1.VerifyAuditRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glean audit}: lists a server's audit trail, or verifies its hash chain (an admin's token). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Lists the audit trail of a Glean server (the latest entries that match, oldest first), or "
                + "with --verify recomputes its hash chain and names the first row that was changed.",
                "Needs an admin's token. Exit status: 0 listed, or the chain is intact; 1 the server refused, or the "
                        + "chain is broken; 2 bad arguments."})
public final class AuditCommand implements Callable<Integer> {

    @Option(names = "--verify", description = "verify the hash chain instead of listing")
    boolean verify;

    @Option(names = "--since", paramLabel = "WHEN", description = "entries at or after this time: an instant "
            + "(2026-12-05T08:00:00Z) or a duration back from now (PT24H, P7D)")
    String since;

    @Option(names = "--actor", paramLabel = "NAME", description = "entries of this actor: a user, a calling AE title, "
            + "glean, anonymous")
    String actor;

    @Option(names = "--action", paramLabel = "ACTION", description = "entries of this action, e.g. TASK_READ, "
            + "STUDY_DELETED, ASSOCIATION")
    String action;

    @Option(names = "--study", paramLabel = "UID", description = "entries concerning this StudyInstanceUID")
    String study;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many, the latest (default: "
            + "${DEFAULT-VALUE}, at most 10000)")
    int limit;

    @Mixin
    ServerConnection server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ListAuditRequest request;
        try {
            request = request();
        } catch (IllegalArgumentException e) {
            err.println("glean audit: " + e.getMessage());
            return 2;
        }
        return server.call(spec, channel -> {
            IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.MINUTES);
            if (verify) {
                return report(identity.verifyAudit(VerifyAuditRequest.getDefaultInstance()), out);
            }
            identity.listAudit(request).getEntriesList().forEach(entry -> out.println(line(entry)));
            return 0;
        });
    }

    private ListAuditRequest request() {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("--limit must be 1 to 10000, got " + limit);
        }
        ListAuditRequest.Builder request = ListAuditRequest.newBuilder().setLimit(limit);
        if (since != null) {
            Instant from = since(since);
            request.setSince(Timestamp.newBuilder().setSeconds(from.getEpochSecond()).setNanos(from.getNano()));
        }
        if (actor != null) {
            request.setActor(actor);
        }
        if (action != null) {
            request.setAction(action);
        }
        if (study != null) {
            request.setStudyInstanceUid(study);
        }
        return request.build();
    }

    private static Instant since(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return Instant.now().minus(Duration.parse(text));
            } catch (DateTimeParseException notADuration) {
                throw new IllegalArgumentException("--since takes an instant such as 2026-12-05T08:00:00Z or a "
                        + "duration such as PT24H, got " + text);
            }
        }
    }

    private static int report(AuditVerification verification, PrintWriter out) {
        if (verification.getIntact()) {
            out.println("Audit trail intact: " + verification.getChecked() + " entries"
                    + (verification.getHeadHash().isEmpty() ? "" : ", last hash " + verification.getHeadHash()));
            return 0;
        }
        out.println("Audit trail BROKEN at entry " + verification.getFirstBrokenId() + ": "
                + verification.getProblem() + " (" + verification.getChecked() + " entries checked; last hash "
                + verification.getHeadHash() + ")");
        return 1;
    }

    // #id time actor@peer ACTION outcome [study …] [task …] [target] detail
    private static String line(AuditEntry entry) {
        StringBuilder line = new StringBuilder("#").append(entry.getId()).append(' ')
                .append(Instant.ofEpochSecond(entry.getOccurredAt().getSeconds(), entry.getOccurredAt().getNanos()))
                .append(' ').append(entry.getActor());
        if (!entry.getPeer().isEmpty()) {
            line.append('@').append(entry.getPeer());
        }
        line.append(' ').append(entry.getAction()).append(' ').append(entry.getOutcome());
        if (!entry.getStudy().isEmpty()) {
            line.append(" study ").append(entry.getStudy(), 0, 16).append('…');
        }
        if (entry.getTaskId() != 0) {
            line.append(" task ").append(entry.getTaskId());
        }
        if (!entry.getFromState().isEmpty() || !entry.getToState().isEmpty()) {
            line.append(' ').append(entry.getFromState()).append("→").append(entry.getToState());
        }
        if (!entry.getTarget().isEmpty()) {
            line.append(' ').append(entry.getTarget());
        }
        if (!entry.getDetail().isEmpty()) {
            line.append(": ").append(entry.getDetail());
        }
        return line.toString();
    }
}
