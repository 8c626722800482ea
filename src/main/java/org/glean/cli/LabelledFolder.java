package org.glean.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Preprocessing;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.training.PreprocessedDataset;
import picocli.CommandLine.Option;

/** The {@code --data DIR [--coco FILE]} pair of the commands that read a labelled folder. */
final class LabelledFolder {

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder of DICOM files.")
    Path data;

    @Option(names = "--coco", paramLabel = "FILE", description = "COCO labels of --data (default DIR/coco.json).")
    Path coco;

    /** Decodes and preprocesses the folder; {@code classes} null takes them from the COCO file. */
    PreprocessedDataset load(Preprocessing preprocessing, List<String> classes) throws IOException, InvalidDatasetException {
        return load(data, coco, preprocessing, classes, loaded -> { });
    }

    /** As {@link #load(Preprocessing, List)} for any folder; {@code cocoFile} null means FOLDER/coco.json. */
    static PreprocessedDataset load(Path folder, Path cocoFile, Preprocessing preprocessing, List<String> classes,
                                    IntConsumer progress) throws IOException, InvalidDatasetException {
        return PreprocessedDataset.load(folder, cocoFile != null ? cocoFile : folder.resolve("coco.json"),
                new PixelMedDicomReader(), preprocessing, classes, progress);
    }
}
