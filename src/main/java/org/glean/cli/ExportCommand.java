package org.glean.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.ExportInstanceRequest;
import org.glean.proto.v1.ExportedImage;
import org.glean.proto.v1.ExportedInstanceChunk;
import org.glean.proto.v1.ExportedTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean export}: asks a running Glean server for every submitted annotation
 * (Curation.ExportAnnotations) and writes them as one COCO file, and with {@code --images} a
 * de-identified copy of every annotated instance (Curation.ExportInstance). The server, not this
 * command, reads the database, so the command needs no database settings and works against any
 * replica. Everything it writes is de-identified by the server: pseudonymous UIDs, no patient data.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes every submitted annotation of a Glean server as a COCO file, de-identified "
                + "(DICOM PS3.15 Annex E Basic Profile): images are keyed by pseudonymous sop_instance_uid and frame.",
                "With --images, also writes a de-identified DICOM copy of every annotated instance, which "
                        + "file_name names, so that 'glean train --data IMAGES_DIR --coco FILE' trains on them. "
                        + "Categories are the tasks' classes, in the scoring model's order. "
                        + "Exit status: 0 on success, 1 when the server cannot be reached or refuses."})
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    ServerConnection server;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "COCO file to write")
    Path out;

    @Option(names = "--images", paramLabel = "DIR", description = "folder for de-identified copies of the annotated "
            + "instances; must not exist; filled under a temporary name and renamed when complete")
    Path images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (images != null && Files.exists(images)) {
            err.println("glean export: --images " + images + " exists; name a folder that does not");
            return 2;
        }
        return server.call(spec, channel -> {
            CurationGrpc.CurationBlockingStub curation = CurationGrpc.newBlockingStub(channel);
            List<ExportedTask> tasks = new ArrayList<>();
            curation.withDeadlineAfter(10, TimeUnit.MINUTES)
                    .exportAnnotations(ExportAnnotationsRequest.getDefaultInstance()).forEachRemaining(tasks::add);
            Map<String, String> fileNames = images == null ? Map.of() : writeImages(curation, tasks);
            CocoFile coco = toCoco(tasks, fileNames);
            try {
                coco.validate("the export");
            } catch (InvalidDatasetException e) {
                err.println("glean export: the server's annotations do not make a valid COCO file: " + e.getMessage());
                return 1;
            }
            coco.write(out);
            spec.commandLine().getOut().printf(
                    "glean export: %d image(s) with %d box(es) from %s task(s) written to %s%s%n",
                    coco.images().size(), coco.annotations().size(), coco.info().get("tasks"), out,
                    images == null ? "" : ", their instances de-identified to " + images);
            return 0;
        });
    }

    /**
     * Fetches every annotated instance once into a staging folder, renamed to {@link #images} when
     * all are there, and returns each pseudonymous SOPInstanceUID's file name. Files are named by a
     * counter: a UID from the wire never becomes a path.
     */
    private Map<String, String> writeImages(CurationGrpc.CurationBlockingStub curation, List<ExportedTask> tasks)
            throws IOException {
        Path folder = images.toAbsolutePath();
        Files.createDirectories(folder.getParent());
        Path staging = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".partial-");
        Map<String, String> fileNames = new LinkedHashMap<>();
        try {
            for (ExportedTask task : tasks) {
                for (ExportedImage image : task.getImagesList()) {
                    if (!fileNames.containsKey(image.getSopInstanceUid())) {
                        String name = String.format("instance-%06d.dcm", fileNames.size() + 1);
                        fetch(curation, image.getSopInstanceUid(), staging.resolve(name));
                        fileNames.put(image.getSopInstanceUid(), name);
                    }
                }
            }
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteFlat(staging);
            throw e;
        }
        return fileNames;
    }

    private static void fetch(CurationGrpc.CurationBlockingStub curation, String sopInstanceUid, Path file)
            throws IOException {
        Iterator<ExportedInstanceChunk> chunks = curation.withDeadlineAfter(10, TimeUnit.MINUTES)
                .exportInstance(ExportInstanceRequest.newBuilder().setSopInstanceUid(sopInstanceUid).build());
        try (OutputStream copy = Files.newOutputStream(file)) {
            while (chunks.hasNext()) {
                chunks.next().getData().writeTo(copy);
            }
        }
    }

    private static void deleteFlat(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }

    /**
     * The tasks as one COCO file: one image per frame, one category per class name (ids from 1);
     * file_name from {@code fileNames} by SOPInstanceUID, absent for an instance not there.
     */
    private static CocoFile toCoco(List<ExportedTask> tasks, Map<String, String> fileNames) {
        Map<String, Long> categoryIds = new LinkedHashMap<>();
        List<CocoFile.Image> images = new ArrayList<>();
        List<CocoFile.Annotation> annotations = new ArrayList<>();
        for (ExportedTask task : tasks) {
            task.getClassesList().forEach(name -> categoryIds.putIfAbsent(name, categoryIds.size() + 1L));
            for (ExportedImage image : task.getImagesList()) {
                long imageId = images.size() + 1L;
                images.add(new CocoFile.Image(imageId, fileNames.get(image.getSopInstanceUid()),
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
        return new CocoFile(Map.of("description", "annotations exported from Glean, de-identified",
                "exported_at", Instant.now().toString(), "tasks", Integer.toString(tasks.size())),
                categories, images, annotations);
    }
}
