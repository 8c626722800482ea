package org.glean.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.glean.api.v1.Box;
import org.glean.api.v1.CurationGrpc;
import org.glean.api.v1.ExportAnnotationsRequest;
import org.glean.api.v1.ExportedImage;
import org.glean.api.v1.ExportedTask;
import org.glean.training.CocoFile;
import org.glean.training.InvalidDatasetException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean export}: asks a running Glean server for every submitted annotation
 * (Curation.ExportAnnotations) and writes them as one COCO file. The server, not this command,
 * reads the database, so the command needs no database settings and works against any replica.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes every submitted annotation of a Glean server as a COCO file.",
                "Images are keyed by sop_instance_uid and frame; file_name is the instance's path in the server's "
                        + "instance store (glean.store.dir), so that 'glean train --data STORE_DIR --coco FILE' "
                        + "trains on them. Categories are the tasks' classes, in the scoring model's order. "
                        + "Exit status: 0 on success, 1 when the server cannot be reached or refuses."})
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    ServerConnection server;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "COCO file to write")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        ManagedChannel channel;
        try {
            channel = server.open();
        } catch (IllegalArgumentException e) {
            err.println("glean export: " + e.getMessage());
            return 2;
        }
        CocoFile coco;
        try {
            Iterator<ExportedTask> tasks = CurationGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.MINUTES)
                    .exportAnnotations(ExportAnnotationsRequest.getDefaultInstance());
            coco = toCoco(tasks);
        } catch (StatusRuntimeException e) {
            err.println("glean export: " + server.answered(e));
            return 1;
        } finally {
            channel.shutdownNow();
        }
        try {
            coco.validate("the export");
        } catch (InvalidDatasetException e) {
            err.println("glean export: the server's annotations do not make a valid COCO file: " + e.getMessage());
            return 1;
        }
        coco.write(out);
        spec.commandLine().getOut().printf("glean export: %d image(s) with %d box(es) from %s task(s) written to %s%n",
                coco.images().size(), coco.annotations().size(), coco.info().get("tasks"), out);
        return 0;
    }

    /** The tasks as one COCO file: one image per frame, one category per class name (ids from 1). */
    static CocoFile toCoco(Iterator<ExportedTask> tasks) {
        Map<String, Long> categoryIds = new LinkedHashMap<>();
        List<CocoFile.Image> images = new ArrayList<>();
        List<CocoFile.Annotation> annotations = new ArrayList<>();
        int taskCount = 0;
        while (tasks.hasNext()) {
            ExportedTask task = tasks.next();
            taskCount++;
            task.getClassesList().forEach(name -> categoryIds.putIfAbsent(name, categoryIds.size() + 1L));
            for (ExportedImage image : task.getImagesList()) {
                long imageId = images.size() + 1L;
                images.add(new CocoFile.Image(imageId, image.getStoredFile().isEmpty() ? null : image.getStoredFile(),
                        image.getSopInstanceUid(), image.getFrame(), image.getColumns(), image.getRows(),
                        task.getStudyInstanceUid(), null, null, null, null, null));
                for (Box box : image.getBoxesList()) {
                    annotations.add(CocoFile.Annotation.of(annotations.size() + 1L, imageId,
                            categoryIds.get(box.getLabel()), box.getXmin(), box.getYmin(),
                            box.getXmax() - box.getXmin(), box.getYmax() - box.getYmin()));
                }
            }
        }
        List<CocoFile.Category> categories = categoryIds.entrySet().stream()
                .map(entry -> new CocoFile.Category(entry.getValue(), entry.getKey(), null))
                .toList();
        return new CocoFile(Map.of("description", "annotations exported from Glean",
                "exported_at", Instant.now().toString(), "tasks", Integer.toString(taskCount)),
                categories, images, annotations);
    }
}
