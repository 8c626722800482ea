package org.glean.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Box;
import org.glean.detector.GroundTruthBox;
import org.glean.detector.ModalityFrame;
import org.glean.detector.PixelBox;
import org.glean.detector.PreprocessedImage;
import org.glean.detector.Preprocessing;
import org.glean.detector.TrainingDataSummary;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;

/**
 * A labelled data set decoded once and kept as network inputs: every frame preprocessed to
 * {@code inputSize²} floats (256² × 4 bytes = 256 KiB an image) with its boxes both in the
 * frame's pixels (for evaluation) and in normalised input coordinates (for training), so that
 * epochs never touch DICOM again.
 */
public final class PreprocessedDataset {

    /**
     * One frame ready for the network.
     *
     * @param imageId     the COCO image id, as text
     * @param input       the preprocessed frame
     * @param truths      its boxes as the trainer wants them, labels 1 … C in the model's classes
     * @param pixelBoxes  the same boxes in the frame's pixel coordinates
     * @param metadata    the COCO image entry (noise, blur, shift for synthetic data)
     */
    public record Item(String imageId, PreprocessedImage input, List<GroundTruthBox> truths,
                       List<LabeledBox> pixelBoxes, CocoFile.Image metadata) {
    }

    private final String source;
    private final List<String> classNames;
    private final List<Item> items;

    private PreprocessedDataset(String source, List<String> classNames, List<Item> items) {
        this.source = source;
        this.classNames = classNames;
        this.items = items;
    }

    /** Where the data came from (the DICOM folder), for messages. */
    public String source() {
        return source;
    }

    /**
     * Opens, validates, decodes and preprocesses {@code cocoFile} over {@code dicomFolder}.
     * Labels are given in the order of {@code modelClasses}; when it is null the data set's own
     * classes (by category id) become the model's.
     *
     * @throws InvalidDatasetException also when the data set has a class the model does not know
     */
    public static PreprocessedDataset load(Path dicomFolder, Path cocoFile, DicomReader reader,
                                           Preprocessing preprocessing, List<String> modelClasses,
                                           IntConsumer progress) throws IOException, InvalidDatasetException {
        return load(CocoDataset.open(dicomFolder, cocoFile, reader), cocoFile.toString(), preprocessing, modelClasses,
                progress);
    }

    /**
     * {@link #load(Path, Path, DicomReader, Preprocessing, List, IntConsumer)} of a COCO file held
     * in memory; {@code source} names it in messages and in the summary.
     */
    public static PreprocessedDataset load(Path dicomFolder, CocoFile coco, String source, DicomReader reader,
                                           Preprocessing preprocessing, List<String> modelClasses,
                                           IntConsumer progress) throws IOException, InvalidDatasetException {
        return load(CocoDataset.open(dicomFolder, coco, source, reader), source, preprocessing, modelClasses, progress);
    }

    private static PreprocessedDataset load(CocoDataset dataset, String source, Preprocessing preprocessing,
                                            List<String> modelClasses, IntConsumer progress)
            throws InvalidDatasetException {
        List<String> classes = modelClasses == null ? dataset.classNames() : List.copyOf(modelClasses);
        List<String> unknown = dataset.classNames().stream().filter(name -> !classes.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new InvalidDatasetException(source, List.of("categories " + unknown
                    + " are not classes of the model, which knows " + classes));
        }
        List<Item> items = new ArrayList<>(dataset.size());
        for (int i = 0; i < dataset.size(); i++) {
            CocoDataset.Sample sample = dataset.sample(i);
            DicomHeader header = sample.header();
            PreprocessedImage input = preprocessing.apply(new ModalityFrame(sample.pixels(), sample.rows(),
                    sample.columns(), header.modality(), header.windowCenter(), header.windowWidth()));
            List<GroundTruthBox> truths = new ArrayList<>();
            for (LabeledBox box : sample.boxes()) {
                Box normalised = input.transform().toNormalised(
                        new PixelBox(box.x(), box.y(), box.x() + box.width(), box.y() + box.height()));
                int label = classes.indexOf(dataset.classNames().get(box.classIndex())) + 1;
                truths.add(new GroundTruthBox(normalised, label));
            }
            List<LabeledBox> pixelBoxes = sample.boxes().stream().map(box -> new LabeledBox(
                    classes.indexOf(dataset.classNames().get(box.classIndex())), box.x(), box.y(), box.width(),
                    box.height())).toList();
            items.add(new Item(Long.toString(sample.image().id()), input, List.copyOf(truths), pixelBoxes,
                    sample.image()));
            progress.accept(i + 1);
        }
        return new PreprocessedDataset(source, classes, List.copyOf(items));
    }

    /** The model's classes; a {@link LabeledBox#classIndex()} of {@link Item#pixelBoxes()} indexes this list. */
    public List<String> classNames() {
        return classNames;
    }

    public List<Item> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    /** The images at {@code indices}, in that order, with the same classes. */
    public PreprocessedDataset subset(List<Integer> indices) {
        return new PreprocessedDataset(source, classNames, indices.stream().map(items::get).toList());
    }

    /**
     * Several data sets of the same classes as one (say, sets generated with different settings);
     * each image id gets its part's position as a prefix ({@code "1:17"}), since COCO ids of
     * separately made sets collide.
     *
     * @throws IllegalArgumentException when the parts' classes differ or there are no parts
     */
    public static PreprocessedDataset combine(List<PreprocessedDataset> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<String> classes = parts.get(0).classNames();
        List<Item> items = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            PreprocessedDataset part = parts.get(p);
            if (!part.classNames().equals(classes)) {
                throw new IllegalArgumentException(part.source + " has classes " + part.classNames() + ", "
                        + parts.get(0).source + " has " + classes);
            }
            for (Item item : part.items()) {
                items.add(new Item(p + ":" + item.imageId(), item.input(), item.truths(), item.pixelBoxes(),
                        item.metadata()));
            }
        }
        return new PreprocessedDataset(String.join(" + ", parts.stream().map(part -> part.source).toList()), classes,
                List.copyOf(items));
    }

    /** Image and box counts per class, as recorded in a model's manifest. */
    public TrainingDataSummary summary() {
        Map<String, Integer> objects = new LinkedHashMap<>();
        classNames.forEach(name -> objects.put(name, 0));
        for (Item item : items) {
            for (LabeledBox box : item.pixelBoxes()) {
                objects.merge(classNames.get(box.classIndex()), 1, Integer::sum);
            }
        }
        return new TrainingDataSummary(source, items.size(), objects);
    }
}
