package org.glean.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.DeleteStudyRequest;
import org.glean.proto.v1.DeletedStudy;
import org.glean.proto.v1.StudyIngestGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glean delete-study UID...}: deletes stored studies for good (an admin's token). */
@Command(name = "delete-study", mixinStandardHelpOptions = true,
        description = {"Deletes stored studies from a Glean server for good: their files, instances, analyses and "
                + "annotation tasks, submitted annotations included (docs/security.md). Each deletion is recorded in "
                + "the audit trail.",
                "Needs an admin's token. Exit status: 0 when every study was deleted, 1 when one was not (the "
                        + "reason is printed; deleting it again finishes an interrupted deletion), 2 for bad "
                        + "arguments."})
public final class DeleteStudyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "UID", arity = "1..*", description = "StudyInstanceUID of a study to delete")
    List<String> studies;

    @Mixin
    ServerConnection server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return server.call(spec, channel -> {
            int failed = 0;
            for (String study : studies) {
                try {
                    DeletedStudy deleted = StudyIngestGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(5, TimeUnit.MINUTES)
                            .deleteStudy(DeleteStudyRequest.newBuilder().setStudyInstanceUid(study).build());
                    out.println("Deleted study " + study + ": " + deleted.getInstances() + " instance(s) in "
                            + deleted.getSeries() + " series, " + deleted.getFilesRemoved() + " file(s) removed, "
                            + deleted.getAnalyses() + " analysis(es), " + deleted.getTasks() + " task(s) of which "
                            + deleted.getSubmittedAnnotations() + " submitted");
                } catch (StatusRuntimeException e) {
                    failed++;
                    err.println("glean delete-study: " + study + ": " + server.answered(e));
                }
            }
            return failed == 0 ? 0 : 1;
        });
    }
}
