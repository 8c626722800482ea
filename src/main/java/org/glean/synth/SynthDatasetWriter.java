package org.glean.synth;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.glean.coco.CocoFile;
import org.glean.dicom.DicomImageWriter;
import org.glean.dicom.MonochromeInstance;

/**
 * Writes a generated set to a folder: one DICOM Part-10 file per CT slice or DX projection,
 * {@code study-NNNN/series-N/instance-NNNN.dcm}, and the ground truth as {@value #COCO_FILE_NAME}
 * beside them, keyed by SOPInstanceUID with file names relative to the folder. The folder is
 * built under a temporary name and renamed when complete, so it is never seen half-written.
 */
public final class SynthDatasetWriter {

    /** The COCO file's name inside the output folder. */
    public static final String COCO_FILE_NAME = "coco.json";

    /** What was written. */
    public record Summary(Path folder, int studies, int ctImages, int dxImages, int normalImages, int shiftedImages,
                          Map<LesionClass, Integer> objects) {
    }

    private final DicomImageWriter dicomWriter = new DicomImageWriter();

    /**
     * Generates the set described by {@code options} into {@code folder}, which must not exist.
     *
     * @param progress told the number of studies written so far after each study
     */
    public Summary write(SynthOptions options, Path folder, IntConsumer progress) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(folder.toString(), null,
                    "the output folder already exists; choose a new one so that no data set is mixed with another");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
        try {
            Summary summary = writeInto(options, partial, target, progress);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return summary;
        } finally {
            deleteRecursively(partial);
        }
    }

    private Summary writeInto(SynthOptions options, Path folder, Path target, IntConsumer progress)
            throws IOException {
        StudyGenerator generator = StudyGenerator.of(options);
        List<CocoFile.Image> images = new ArrayList<>();
        List<CocoFile.Annotation> annotations = new ArrayList<>();
        int ct = 0;
        int dx = 0;
        int normal = 0;
        int shifted = 0;
        Map<LesionClass, Integer> objects = new EnumMap<>(LesionClass.class);
        for (LesionClass lesionClass : LesionClass.values()) {
            objects.put(lesionClass, 0);
        }
        for (int index = 0; index < options.studies(); index++) {
            SyntheticStudy study = generator.study(index);
            for (SyntheticStudy.Series series : study.series()) {
                for (SyntheticImage image : series.images()) {
                    String fileName = String.format("study-%04d/series-%d/instance-%04d.dcm", index + 1,
                            series.series().seriesNumber(), image.instanceNumber());
                    dicomWriter.write(instance(study, series, image), folder.resolve(fileName));
                    long imageId = images.size() + 1;
                    String modality = series.series().sopClass().modality();
                    images.add(new CocoFile.Image(imageId, fileName, image.sopInstanceUid(), 1, image.size(),
                            image.size(), study.study().studyInstanceUid(), series.series().seriesInstanceUid(),
                            modality, image.noise(), image.blur(), image.shift().label()));
                    for (ObjectBox box : image.boxes()) {
                        annotations.add(CocoFile.Annotation.of(annotations.size() + 1, imageId,
                                box.lesionClass().categoryId(), box.x(), box.y(), box.width(), box.height()));
                        objects.merge(box.lesionClass(), 1, Integer::sum);
                    }
                    if ("CT".equals(modality)) {
                        ct++;
                    } else {
                        dx++;
                    }
                    normal += image.boxes().isEmpty() ? 1 : 0;
                    shifted += image.shift() == Shift.NONE ? 0 : 1;
                }
            }
            progress.accept(index + 1);
        }
        coco(options, images, annotations).write(folder.resolve(COCO_FILE_NAME));
        return new Summary(target, options.studies(), ct, dx, normal, shifted, objects);
    }

    /** The COCO file of a generated set: categories in {@link LesionClass} order, the options in info. */
    static CocoFile coco(SynthOptions options, List<CocoFile.Image> images, List<CocoFile.Annotation> annotations) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("description", "Glean synthetic chest phantoms (clearly fake patients)");
        info.put("generator", "glean synth");
        info.putAll(options.describe());
        List<CocoFile.Category> categories = new ArrayList<>();
        for (LesionClass lesionClass : LesionClass.values()) {
            categories.add(new CocoFile.Category(lesionClass.categoryId(), lesionClass.cocoName(), "lesion"));
        }
        return new CocoFile(info, categories, images, annotations);
    }

    /** The DICOM instance of one synthetic image: its pixels as stored values of the series' encoding. */
    static MonochromeInstance instance(SyntheticStudy study, SyntheticStudy.Series series, SyntheticImage image) {
        double intercept = series.series().encoding().rescaleIntercept();
        short[] stored = new short[image.pixels().length];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = (short) (int) (image.pixels()[i] - intercept);
        }
        return new MonochromeInstance(study.study(), series.series(), image.sopInstanceUid(), image.instanceNumber(),
                image.size(), image.size(), List.of(stored), series.windowCenter(), series.windowWidth(),
                image.slicePosition());
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
