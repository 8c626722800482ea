package org.glean.coco;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.glean.dicom.DicomUid;

/**
 * A COCO object-detection ground-truth file as Glean reads and writes it: the one model of the
 * format shared by {@code glean synth}, the training data sets and the export of annotations.
 *
 * <p>Boxes are {@code [x, y, width, height]} in pixel coordinates of one frame: pixel column
 * {@code c} covers {@code [c, c+1)}, so a box that is tight around columns 10..19 has x 10 and
 * width 10. An image entry names one frame of one DICOM instance by {@code sop_instance_uid}
 * and {@code frame} (1-based, default 1), with {@code file_name} (relative to the DICOM folder)
 * as the fallback. Glean's own per-image fields ({@code noise}, {@code blur}, {@code shift} and
 * the study/series identity) are optional; unknown fields are ignored on reading.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CocoFile(
        @JsonProperty("info") @JsonDeserialize(contentUsing = TextOfAnyValue.class) Map<String, String> info,
        @JsonProperty("categories") List<Category> categories,
        @JsonProperty("images") List<Image> images,
        @JsonProperty("annotations") List<Annotation> annotations) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public CocoFile {
        info = info == null ? Map.of() : info.entrySet().stream()
                .filter(entry -> entry.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        categories = categories == null ? List.of() : List.copyOf(categories);
        images = images == null ? List.of() : List.copyOf(images);
        annotations = annotations == null ? List.of() : List.copyOf(annotations);
    }

    /** Reads any JSON value as text, so that other tools' {@code info} (numbers, nested objects) is kept, not refused. */
    static final class TextOfAnyValue extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return parser.currentToken().isScalarValue() ? parser.getValueAsString()
                    : parser.readValueAsTree().toString();
        }
    }

    /** A class of object. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Category(
            @JsonProperty("id") long id,
            @JsonProperty("name") String name,
            @JsonProperty("supercategory") String supercategory) {
    }

    /**
     * One frame of one DICOM instance.
     *
     * @param id the entry's id, referenced by annotations
     * @param fileName path of the Part-10 file relative to the DICOM folder; may be null when
     *     {@code sopInstanceUid} is given
     * @param sopInstanceUid SOPInstanceUID of the instance; may be null when {@code fileName} is given
     * @param frame 1-based frame number within the instance; null means 1
     * @param width Columns of the frame
     * @param height Rows of the frame
     * @param noise synthetic data: the noise level drawn for this image (HU-equivalent standard deviation)
     * @param blur synthetic data: the Gaussian blur drawn for this image (standard deviation in pixels)
     * @param shift synthetic data: the appearance shift applied ("none" or a glean synth shift kind, e.g. "contrast")
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(
            @JsonProperty("id") long id,
            @JsonProperty("file_name") String fileName,
            @JsonProperty("sop_instance_uid") String sopInstanceUid,
            @JsonProperty("frame") Integer frame,
            @JsonProperty("width") int width,
            @JsonProperty("height") int height,
            @JsonProperty("study_instance_uid") String studyInstanceUid,
            @JsonProperty("series_instance_uid") String seriesInstanceUid,
            @JsonProperty("modality") String modality,
            @JsonProperty("noise") Double noise,
            @JsonProperty("blur") Double blur,
            @JsonProperty("shift") String shift) {

        /** The 1-based frame number, 1 when the entry gives none. */
        public int frameNumber() {
            return frame == null ? 1 : frame;
        }

        /**
         * The study this image belongs to: its study_instance_uid, else its instance (sop_instance_uid,
         * else file_name), so that a file without study UIDs at least keeps each instance together.
         */
        public String study() {
            if (studyInstanceUid != null) {
                return studyInstanceUid;
            }
            return sopInstanceUid != null ? sopInstanceUid : fileName;
        }

        /** How a person finds this entry in the file: its id and what identifies its instance. */
        public String describe() {
            StringBuilder text = new StringBuilder("image id ").append(id);
            if (sopInstanceUid != null) {
                text.append(" (sop_instance_uid ").append(sopInstanceUid).append(", frame ").append(frameNumber()).append(')');
            }
            if (fileName != null) {
                text.append(" (file_name ").append(fileName).append(')');
            }
            return text.toString();
        }
    }

    /**
     * One object on one image.
     *
     * @param bbox {@code [x, y, width, height]} in pixel coordinates of the image's frame
     * @param area {@code width × height} of the box
     * @param iscrowd always 0 for Glean's data
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Annotation(
            @JsonProperty("id") long id,
            @JsonProperty("image_id") long imageId,
            @JsonProperty("category_id") long categoryId,
            @JsonProperty("bbox") List<Double> bbox,
            @JsonProperty("area") Double area,
            @JsonProperty("iscrowd") Integer iscrowd) {

        /** An annotation with {@code area} and {@code iscrowd} filled in from the box. */
        public static Annotation of(long id, long imageId, long categoryId, double x, double y, double width, double height) {
            return new Annotation(id, imageId, categoryId, List.of(x, y, width, height), width * height, 0);
        }
    }

    /** Reads a COCO file; a syntax error names the line and column. */
    public static CocoFile read(Path file) throws IOException, InvalidDatasetException {
        CocoFile coco;
        try {
            coco = JSON.readValue(file.toFile(), CocoFile.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidDatasetException(file.toString(), List.of("not a COCO JSON file" + where + ": "
                    + e.getOriginalMessage()));
        }
        if (coco == null) {
            throw new InvalidDatasetException(file.toString(), List.of("the file holds null, not a COCO object"));
        }
        return coco;
    }

    /** Writes this file as indented JSON, into a temporary file first so a reader never sees half of it. */
    public void write(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, ".writing-", ".json");
        try {
            JSON.writeValue(partial.toFile(), this);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * What is wrong with the file on its own (without the DICOM files): duplicate ids, images
     * without identity, annotations naming an unknown image or category, boxes that are not
     * four finite numbers with positive size inside the image. Empty when it is consistent.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<Long, Category> categoriesById = new HashMap<>();
        for (Category category : categories) {
            if (categoriesById.put(category.id(), category) != null) {
                problems.add("category id " + category.id() + " appears more than once");
            }
            if (category.name() == null || category.name().isBlank()) {
                problems.add("category id " + category.id() + " has no name");
            }
        }
        Map<Long, Image> imagesById = new HashMap<>();
        Set<String> frames = new HashSet<>();
        for (Image image : images) {
            if (imagesById.put(image.id(), image) != null) {
                problems.add("image id " + image.id() + " appears more than once");
            }
            if (image.sopInstanceUid() == null && (image.fileName() == null || image.fileName().isBlank())) {
                problems.add(image.describe() + " has neither sop_instance_uid nor file_name");
            }
            if (image.sopInstanceUid() != null && !DicomUid.isValid(image.sopInstanceUid())) {
                problems.add(image.describe() + ": sop_instance_uid is not a valid DICOM UID");
            }
            if (image.sopInstanceUid() != null && !frames.add(image.sopInstanceUid() + "#" + image.frameNumber())) {
                problems.add(image.describe() + " names the same frame as an earlier entry");
            }
            if (image.frameNumber() < 1) {
                problems.add(image.describe() + ": frame numbers start at 1");
            }
            if (image.width() <= 0 || image.height() <= 0) {
                problems.add(image.describe() + ": width and height must be positive, got "
                        + image.width() + "×" + image.height());
            }
        }
        Set<Long> annotationIds = new HashSet<>();
        for (Annotation annotation : annotations) {
            String name = "annotation id " + annotation.id();
            if (!annotationIds.add(annotation.id())) {
                problems.add(name + " appears more than once");
            }
            Image image = imagesById.get(annotation.imageId());
            if (image == null) {
                problems.add(name + ": image_id " + annotation.imageId() + " is not among the images");
            } else {
                name += " on " + image.describe();
            }
            if (!categoriesById.containsKey(annotation.categoryId())) {
                problems.add(name + ": category_id " + annotation.categoryId() + " is not among the categories ("
                        + categories.stream().map(c -> c.id() + " " + c.name()).collect(Collectors.joining(", ")) + ")");
            }
            problems.addAll(boxProblems(name, annotation.bbox(), image));
        }
        return problems;
    }

    /** Throws when {@link #problems()} finds any, naming them. */
    public void validate(String source) throws InvalidDatasetException {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new InvalidDatasetException(source, problems);
        }
    }

    private static List<String> boxProblems(String name, List<Double> bbox, Image image) {
        if (bbox == null || bbox.size() != 4 || bbox.stream().anyMatch(v -> v == null || !Double.isFinite(v))) {
            return List.of(name + ": bbox must be four finite numbers [x, y, width, height], got " + bbox);
        }
        double x = bbox.get(0);
        double y = bbox.get(1);
        double width = bbox.get(2);
        double height = bbox.get(3);
        if (width <= 0 || height <= 0) {
            return List.of(name + ": bbox " + bbox + " has no area");
        }
        if (image != null && (x < 0 || y < 0 || x + width > image.width() || y + height > image.height())) {
            return List.of(name + ": bbox " + bbox + " lies outside the " + image.width() + "×" + image.height()
                    + " image");
        }
        return List.of();
    }
}
