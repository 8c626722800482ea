package org.glean.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;

/**
 * "Bring your own labels": a folder of DICOM Part-10 files plus a COCO file whose boxes are in
 * pixel coordinates of a frame. Opening validates everything that can be checked without
 * decoding pixels — the COCO file itself ({@link CocoFile#problems()}), that every image entry
 * finds its instance (by SOPInstanceUID and frame, falling back to file_name), that the frame
 * exists and that width and height match Columns and Rows — and reports every problem at once.
 * Samples are decoded on demand through {@link DicomReader}. Not safe for concurrent use: a
 * loader thread opens its own.
 */
public final class CocoDataset {

    /**
     * One labelled frame.
     *
     * @param image the COCO image entry, with its per-image metadata (noise, blur, shift, ...)
     * @param header the instance's header (modality, window, pixel spacing, ...)
     * @param pixels the frame in modality units (HU for CT), {@code rows × columns} row-major
     * @param rows Rows of the frame
     * @param columns Columns of the frame
     * @param boxes the frame's objects; empty for a normal image
     */
    public record Sample(CocoFile.Image image, DicomHeader header, float[] pixels, int rows, int columns,
                         List<LabeledBox> boxes) {
    }

    private record Entry(CocoFile.Image image, Path file, DicomHeader header) {
    }

    private final String source;
    private final List<String> classNames;
    private final List<Entry> entries;
    private final Map<Long, List<LabeledBox>> boxesByImageId;
    private final DicomReader reader;
    private Path decodedFile;
    private DecodedImage decoded;

    private CocoDataset(String source, List<String> classNames, List<Entry> entries,
                        Map<Long, List<LabeledBox>> boxesByImageId, DicomReader reader) {
        this.source = source;
        this.classNames = classNames;
        this.entries = entries;
        this.boxesByImageId = boxesByImageId;
        this.reader = reader;
    }

    /**
     * Reads and validates {@code cocoFile} against the DICOM files under {@code dicomFolder}.
     *
     * @throws InvalidDatasetException naming every bad entry: unknown category, box outside its
     *     image, missing or unreadable file, missing frame, size mismatch
     */
    public static CocoDataset open(Path dicomFolder, Path cocoFile, DicomReader reader)
            throws IOException, InvalidDatasetException {
        return open(dicomFolder, CocoFile.read(cocoFile), cocoFile.toString(), reader);
    }

    /** {@link #open(Path, Path, DicomReader)} of a COCO file held in memory; {@code source} names it in messages. */
    public static CocoDataset open(Path dicomFolder, CocoFile coco, String source, DicomReader reader)
            throws IOException, InvalidDatasetException {
        List<String> problems = new ArrayList<>(coco.problems());
        Locator locator = new Locator(dicomFolder, reader);
        List<Entry> entries = new ArrayList<>();
        for (CocoFile.Image image : coco.images()) {
            Entry entry = locator.locate(image, problems);
            if (entry != null) {
                entries.add(entry);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDatasetException(source, problems);
        }

        List<CocoFile.Category> categories = coco.categories().stream()
                .sorted(Comparator.comparingLong(CocoFile.Category::id)).toList();
        Map<Long, Integer> classIndexByCategoryId = new HashMap<>();
        for (CocoFile.Category category : categories) {
            classIndexByCategoryId.put(category.id(), classIndexByCategoryId.size());
        }
        Map<Long, List<LabeledBox>> boxes = new HashMap<>();
        for (CocoFile.Annotation annotation : coco.annotations()) {
            List<Double> b = annotation.bbox();
            boxes.computeIfAbsent(annotation.imageId(), id -> new ArrayList<>()).add(new LabeledBox(
                    classIndexByCategoryId.get(annotation.categoryId()), b.get(0), b.get(1), b.get(2), b.get(3)));
        }
        boxes.replaceAll((id, list) -> List.copyOf(list));
        return new CocoDataset(source, categories.stream().map(CocoFile.Category::name).toList(),
                List.copyOf(entries), boxes, reader);
    }

    /** Class names ordered by category id; a {@link LabeledBox#classIndex()} indexes this list. */
    public List<String> classNames() {
        return classNames;
    }

    /** Number of labelled frames (image entries), normal images included. */
    public int size() {
        return entries.size();
    }

    /** The COCO image entry at {@code index}, without decoding anything. */
    public CocoFile.Image image(int index) {
        return entries.get(index).image();
    }

    /** The ground truth of the image at {@code index}, without decoding anything. */
    public List<LabeledBox> boxes(int index) {
        return boxesByImageId.getOrDefault(entries.get(index).image().id(), List.of());
    }

    /** The Part-10 file that holds the image at {@code index}. */
    public Path file(int index) {
        return entries.get(index).file();
    }

    /** Decodes the frame at {@code index}; a multi-frame instance is decoded once for its consecutive frames. */
    public Sample sample(int index) throws InvalidDatasetException {
        Entry entry = entries.get(index);
        DecodedImage image = decode(entry);
        DicomHeader header = image.header();
        float[] pixels = image.frames().get(entry.image().frameNumber() - 1);
        return new Sample(entry.image(), header, pixels, header.rows(), header.columns(), boxes(index));
    }

    private DecodedImage decode(Entry entry) throws InvalidDatasetException {
        if (!entry.file().equals(decodedFile)) {
            try {
                decoded = reader.decode(entry.file());
            } catch (MalformedDicomException | UnsupportedDicomException e) {
                throw new InvalidDatasetException(source, List.of(entry.image().describe() + ": cannot decode "
                        + entry.file() + ": " + e.getMessage()));
            }
            decodedFile = entry.file();
        }
        return decoded;
    }

    /** Finds the instance of each image entry, reading each header once. */
    private static final class Locator {

        private final Path folder;
        private final DicomReader reader;
        private final Map<Path, DicomHeader> headers = new HashMap<>();
        private final Map<Path, String> unreadable = new HashMap<>();
        private Map<String, Path> filesBySopInstanceUid;

        Locator(Path folder, DicomReader reader) throws IOException {
            this.folder = folder.toAbsolutePath().normalize();
            this.reader = reader;
            if (!Files.isDirectory(this.folder)) {
                throw new IOException("DICOM folder " + folder + " does not exist or is not a directory");
            }
        }

        Entry locate(CocoFile.Image image, List<String> problems) throws IOException {
            if (image.sopInstanceUid() == null && image.fileName() == null) {
                return null; // CocoFile.problems() names it
            }
            String name = image.describe();
            Path named = null;
            if (image.fileName() != null) {
                named = folder.resolve(image.fileName()).normalize();
                if (!named.startsWith(folder)) {
                    problems.add(name + ": file_name points outside the DICOM folder " + folder);
                    return null;
                }
            }
            Path file;
            if (image.sopInstanceUid() == null) {
                if (!Files.isRegularFile(named)) {
                    problems.add(name + ": file_name does not exist under " + folder);
                    return null;
                }
                file = named;
            } else if (named != null && Files.isRegularFile(named) && holds(named, image.sopInstanceUid())) {
                file = named;
            } else {
                file = index().get(image.sopInstanceUid());
                if (file == null) {
                    problems.add(name + ": no DICOM file under " + folder + " has this SOPInstanceUID"
                            + (named == null ? "" : Files.isRegularFile(named)
                                    ? ", and file_name holds another instance" : ", and file_name does not exist"));
                    return null;
                }
            }
            DicomHeader header = header(file);
            if (header == null) {
                problems.add(name + ": " + folder.relativize(file) + " " + unreadable.get(file));
                return null;
            }
            int before = problems.size();
            if (image.frameNumber() > header.numberOfFrames()) {
                problems.add(name + ": the instance has " + header.numberOfFrames() + " frame(s)");
            }
            if (header.samplesPerPixel() != 1) {
                problems.add(name + ": the instance is not monochrome (SamplesPerPixel " + header.samplesPerPixel() + ")");
            }
            if (header.columns() != image.width() || header.rows() != image.height()) {
                problems.add(name + ": width×height " + image.width() + "×" + image.height()
                        + " differs from the instance's Columns×Rows " + header.columns() + "×" + header.rows());
            }
            return problems.size() == before ? new Entry(image, file, header) : null;
        }

        private boolean holds(Path file, String sopInstanceUid) {
            DicomHeader header = header(file);
            return header != null && sopInstanceUid.equals(header.sopInstanceUid());
        }

        /** The file's header, or null with the reason kept in {@link #unreadable}. */
        private DicomHeader header(Path file) {
            if (headers.containsKey(file) || unreadable.containsKey(file)) {
                return headers.get(file);
            }
            try {
                headers.put(file, reader.readHeader(file));
            } catch (MalformedDicomException e) {
                unreadable.put(file, "is not a readable DICOM Part-10 file: " + e.getMessage());
            } catch (UnsupportedDicomException e) {
                unreadable.put(file, "cannot be decoded: " + e.getMessage());
            }
            return headers.get(file);
        }

        /** SOPInstanceUID → file for every readable instance under the folder, built on first need. */
        private Map<String, Path> index() throws IOException {
            if (filesBySopInstanceUid == null) {
                filesBySopInstanceUid = new LinkedHashMap<>();
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        DicomHeader header = header(file);
                        if (header != null) {
                            filesBySopInstanceUid.putIfAbsent(header.sopInstanceUid(), file);
                        }
                    }
                }
            }
            return filesBySopInstanceUid;
        }
    }
}
