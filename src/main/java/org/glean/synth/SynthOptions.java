package org.glean.synth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code glean synth} generates. Every random choice follows from {@code seed}, so the same
 * options give the same files, byte for byte.
 *
 * @param seed the seed of every random choice, and of the UIDs
 * @param studies number of studies; each holds one series (CT: axial slices, DX: projections)
 * @param slicesPerSeries slices per CT series
 * @param projectionsPerStudy projections per DX study
 * @param imageSize Rows and Columns of every CT image (and of DX images at site A)
 * @param ctFraction share of studies that are CT (the rest are DX)
 * @param objectsPerImage objects per CT series or per DX projection that is not normal
 * @param normalFraction share of CT series and DX projections without any object
 * @param noise range of the per-image noise level: the standard deviation of Gaussian noise in
 *     HU for CT, the same visual strength for DX
 * @param blur range of the per-image Gaussian blur (standard deviation in pixels; 0 is none)
 * @param shiftProbability probability that a CT series or a DX projection gets an appearance shift
 * @param shiftKinds the shifts to draw from, uniformly; each one the site's
 * @param site the phantom family
 * @param dxImageSize Rows and Columns of every DX image
 * @param variation how far site A's anatomy, acquisition, noise and object forms are drawn beyond
 *     its own, 0..1 (see {@link Variation}); 0 for site A itself, and for site B, which has its own
 * @param sizeVariation how far each object's size is drawn beyond its class's range at site A, 0..1
 *     (see {@link Variation#sizeFactor}); 0 keeps site A's sizes
 */
public record SynthOptions(
        long seed,
        int studies,
        int slicesPerSeries,
        int projectionsPerStudy,
        int imageSize,
        double ctFraction,
        Range objectsPerImage,
        double normalFraction,
        Range noise,
        Range blur,
        double shiftProbability,
        List<Shift> shiftKinds,
        Site site,
        int dxImageSize,
        double variation,
        double sizeVariation) {

    /** An inclusive range {@code min:max}; {@code min == max} for a fixed value. */
    public record Range(double min, double max) {
        public Range {
            if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
                throw new IllegalArgumentException("a range needs finite min ≤ max, got " + min + ":" + max);
            }
        }

        /** Parses {@code "a:b"} or a single value {@code "a"}. */
        public static Range parse(String text) {
            String[] parts = text.trim().split(":", -1);
            try {
                if (parts.length == 1) {
                    double value = Double.parseDouble(parts[0]);
                    return new Range(value, value);
                }
                if (parts.length == 2) {
                    return new Range(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
                }
            } catch (NumberFormatException e) {
                // reported below with the expected form
            }
            throw new IllegalArgumentException("expected a value or a range MIN:MAX, got '" + text + "'");
        }

        @Override
        public String toString() {
            return min == max ? format(min) : format(min) + ":" + format(max);
        }

        private static String format(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /** The defaults of {@code glean synth}: a small mixed set. */
    public static SynthOptions defaults(long seed) {
        return new SynthOptions(seed, 20, 8, 1, 256, 0.5, new Range(1, 3), 0.2, new Range(5, 30),
                new Range(0, 0.8), 0, List.of(Shift.CONTRAST, Shift.TEXTURE, Shift.SCALE));
    }

    /** Site A options: every image {@code imageSize}². */
    public SynthOptions(long seed, int studies, int slicesPerSeries, int projectionsPerStudy, int imageSize,
                        double ctFraction, Range objectsPerImage, double normalFraction, Range noise, Range blur,
                        double shiftProbability, List<Shift> shiftKinds) {
        this(seed, studies, slicesPerSeries, projectionsPerStudy, imageSize, ctFraction, objectsPerImage,
                normalFraction, noise, blur, shiftProbability, shiftKinds, Site.A, imageSize);
    }

    /** Options of {@code site} without variation. */
    public SynthOptions(long seed, int studies, int slicesPerSeries, int projectionsPerStudy, int imageSize,
                        double ctFraction, Range objectsPerImage, double normalFraction, Range noise, Range blur,
                        double shiftProbability, List<Shift> shiftKinds, Site site, int dxImageSize) {
        this(seed, studies, slicesPerSeries, projectionsPerStudy, imageSize, ctFraction, objectsPerImage,
                normalFraction, noise, blur, shiftProbability, shiftKinds, site, dxImageSize, 0);
    }

    /** Options of {@code site} with {@code variation} but site A's object sizes. */
    public SynthOptions(long seed, int studies, int slicesPerSeries, int projectionsPerStudy, int imageSize,
                        double ctFraction, Range objectsPerImage, double normalFraction, Range noise, Range blur,
                        double shiftProbability, List<Shift> shiftKinds, Site site, int dxImageSize, double variation) {
        this(seed, studies, slicesPerSeries, projectionsPerStudy, imageSize, ctFraction, objectsPerImage,
                normalFraction, noise, blur, shiftProbability, shiftKinds, site, dxImageSize, variation, 0);
    }

    public SynthOptions {
        require(studies >= 1, "studies must be at least 1");
        require(slicesPerSeries >= 1, "slices per CT series must be at least 1");
        require(projectionsPerStudy >= 1, "projections per DX study must be at least 1");
        require(imageSize >= 64 && imageSize <= 2048, "image size must be 64..2048 pixels");
        require(dxImageSize >= 64 && dxImageSize <= 2048, "DX image size must be 64..2048 pixels");
        require(ctFraction >= 0 && ctFraction <= 1, "the CT fraction must be within 0..1");
        require(objectsPerImage.min() >= 0 && objectsPerImage.min() == Math.rint(objectsPerImage.min())
                && objectsPerImage.max() == Math.rint(objectsPerImage.max()) && objectsPerImage.max() <= 12,
                "objects per image must be whole numbers within 0..12");
        require(normalFraction >= 0 && normalFraction <= 1, "the normal fraction must be within 0..1");
        require(noise.min() >= 0 && noise.max() <= 500, "the noise level must be within 0..500");
        require(blur.min() >= 0 && blur.max() <= 5, "the blur must be within 0..5 pixels");
        require(shiftProbability >= 0 && shiftProbability <= 1, "the shift probability must be within 0..1");
        shiftKinds = List.copyOf(shiftKinds);
        require(shiftProbability == 0 || !shiftKinds.isEmpty(), "a shift probability above 0 needs shift kinds");
        require(!shiftKinds.contains(Shift.NONE), "'none' is not a shift kind");
        Objects.requireNonNull(site, "site");
        require(variation >= 0 && variation <= 1, "the variation must be within 0..1");
        require(variation == 0 || site == Site.A, "only site A's generator varies; site B is drawn as it is");
        require(sizeVariation >= 0 && sizeVariation <= 1, "the size variation must be within 0..1");
        require(sizeVariation == 0 || site == Site.A, "only site A's object sizes vary; site B is drawn as it is");
        require(site.shiftKinds().containsAll(shiftKinds), "site " + site.label() + " draws only the shifts "
                + site.shiftKinds().stream().map(Shift::label).collect(Collectors.joining(",")));
    }

    /** The options as text, recorded in the COCO file's info so that a data set says how it was made. */
    public Map<String, String> describe() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("seed", Long.toString(seed));
        info.put("studies", Integer.toString(studies));
        info.put("slices_per_series", Integer.toString(slicesPerSeries));
        info.put("projections_per_study", Integer.toString(projectionsPerStudy));
        info.put("image_size", Integer.toString(imageSize));
        info.put("ct_fraction", Double.toString(ctFraction));
        info.put("objects_per_image", objectsPerImage.toString());
        info.put("normal_fraction", Double.toString(normalFraction));
        info.put("noise", noise.toString());
        info.put("blur", blur.toString());
        info.put("shift_probability", Double.toString(shiftProbability));
        info.put("shift_kinds", shiftKinds.stream().map(Shift::label).collect(Collectors.joining(",")));
        // only beyond site A's defaults, so that site A sets are written as they always were
        if (site != Site.A) {
            info.put("site", site.label());
        }
        if (site != Site.A || dxImageSize != imageSize) {
            info.put("dx_image_size", Integer.toString(dxImageSize));
        }
        if (variation > 0) {
            info.put("variation", Double.toString(variation));
        }
        if (sizeVariation > 0) {
            info.put("size_variation", Double.toString(sizeVariation));
        }
        return info;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
