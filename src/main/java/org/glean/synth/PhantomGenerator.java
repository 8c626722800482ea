package org.glean.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.glean.dicom.DerivedUids;
import org.glean.dicom.ImageSopClass;
import org.glean.dicom.MonochromeInstance;

/**
 * Generates site A's synthetic chest studies in memory: CT series of several axial slices (16-bit signed
 * HU) and DX projections (16-bit unsigned), with nodules, masses and calcification clusters and
 * their ground-truth boxes, noise and blur drawn per image, and appearance shifts drawn per
 * series. Study {@code i} depends only on the options and {@code i}: the anatomy and objects,
 * the appearance (shift, noise and blur levels) and the pixel noise each come from their own
 * random stream, so turning one knob leaves what the others drew unchanged.
 */
public final class PhantomGenerator implements StudyGenerator {

    /** CT field of view in mm: PixelSpacing is this over the image size. */
    static final double CT_FIELD_OF_VIEW_MM = 350;
    static final double CT_SLICE_THICKNESS_MM = 5;
    static final double DX_FIELD_OF_VIEW_MM = 430;
    static final double CT_WINDOW_CENTER = -500;
    static final double CT_WINDOW_WIDTH = 1600;
    private static final String STUDY_DATE = "20250101";
    private static final int MIN_HU = -1024;
    private static final int MAX_HU = 3071;
    private static final int PLACEMENT_ATTEMPTS = 200;
    /** A CT object's pixel counts as seen where it differs from what it covers by this much. */
    static final double VISIBLE_CONTRAST_HU = 100;

    private static final long STRUCTURE = 1;
    private static final long APPEARANCE = 2;
    private static final long PIXEL_NOISE = 3;
    private static final long ANATOMY = 4;
    private static final long PLACEMENT = 5;
    private static final long VARIATION = 6;
    private static final long OBJECT_SIZES = 7;

    private final SynthOptions options;

    public PhantomGenerator(SynthOptions options) {
        this.options = options;
    }

    @Override
    public SyntheticStudy study(int index) {
        SplittableRandom structure = Draw.stream(options.seed(), index, STRUCTURE);
        boolean ct = structure.nextDouble() < options.ctFraction();
        MonochromeInstance.Study study = new MonochromeInstance.Study(uid("study", index),
                "S" + (index + 1), STUDY_DATE, "Phantom^Synthetic^" + (index + 1),
                "SYNTH-" + options.seed() + "-" + (index + 1));
        List<SyntheticStudy.Series> series = new ArrayList<>();
        if (ct) {
            series.add(ctSeries(index, structure));
        } else {
            for (int projection = 0; projection < options.projectionsPerStudy(); projection++) {
                series.add(dxSeries(index, projection, structure));
            }
        }
        return new SyntheticStudy(index, study, series);
    }

    private SyntheticStudy.Series ctSeries(int study, SplittableRandom structure) {
        int size = options.imageSize();
        int slices = options.slicesPerSeries();
        Appearance appearance = Appearance.draw(Draw.stream(options.seed(), study, APPEARANCE, 0), options);
        Variation variation = variation(study, 0);
        double slicePixels = CT_SLICE_THICKNESS_MM / (CT_FIELD_OF_VIEW_MM / 256);
        ChestCtPhantom anatomy = new ChestCtPhantom(Draw.stream(options.seed(), study, ANATOMY, 0), size, slices,
                appearance.zoom(), slicePixels, variation);
        int objects = objectCount(options, structure);
        SplittableRandom placement = Draw.stream(options.seed(), study, PLACEMENT, 0);
        double scale = size / 256.0 * appearance.zoom();
        List<Lesion> lesions = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            LesionClass lesionClass = ctLesionClass(placement.nextDouble());
            double centerSlice = slices == 1 ? 0 : Draw.uniform(placement, -0.4, slices - 0.6);
            // drawn once per object, so that a large one is not replaced by a smaller one when it fits badly
            double sizeFactor = variation.sizeFactor(lesionClass);
            for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
                double[] point = anatomy.pointNearLungs(placement);
                Lesion lesion = Lesion.draw(lesionClass, placement, point[0], point[1], centerSlice, scale,
                        slicePixels, true, variation, sizeFactor);
                if (fits(lesion, lesions, size)
                        && anatomy.inLung(lesion.centerX, lesion.centerY, StrictMath.rint(centerSlice), margin(lesion))) {
                    lesions.add(lesion);
                    break;
                }
            }
        }
        MonochromeInstance.Series series = new MonochromeInstance.Series(ImageSopClass.CT_IMAGE,
                uid("series", study, 1), 1, uid("frame-of-reference", study, 1),
                CT_FIELD_OF_VIEW_MM / size / appearance.zoom(), CT_SLICE_THICKNESS_MM);
        List<SyntheticImage> images = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
            Raster raster = anatomy.render(slice);
            List<ObjectBox> boxes = new ArrayList<>();
            for (Lesion lesion : lesions) {
                Coverage coverage = lesion.coverage(slice, false, size);
                if (coverage != null) {
                    ObjectBox box = coverage.visibleBox(lesion.lesionClass, raster, lesion.intensity,
                            VISIBLE_CONTRAST_HU, lesion.lesionClass == LesionClass.CALCIFICATION ? 2 : 9);
                    raster.blend(coverage, lesion.intensity);
                    if (box != null) {
                        boxes.add(box);
                    }
                }
            }
            ImageLevels levels = appearance.levels(slice);
            appearance.apply(raster, -1000, 1000);
            raster.blur(levels.blur());
            variation.addNoise(raster, Draw.stream(options.seed(), study, PIXEL_NOISE, 0, slice), levels.noise(), false);
            raster.quantize(MIN_HU, MAX_HU);
            images.add(new SyntheticImage(uid("instance", study, 1, slice + 1), slice + 1, size, raster.values, boxes,
                    levels.noise(), levels.blur(), appearance.shift(),
                    (slice - (slices - 1) / 2.0) * CT_SLICE_THICKNESS_MM));
        }
        return new SyntheticStudy.Series(series, appearance.shift(), CT_WINDOW_CENTER, CT_WINDOW_WIDTH, images);
    }

    private SyntheticStudy.Series dxSeries(int study, int projection, SplittableRandom structure) {
        int size = options.dxImageSize();
        Appearance appearance = Appearance.draw(Draw.stream(options.seed(), study, APPEARANCE, projection), options);
        Variation variation = variation(study, projection);
        ChestRadiographPhantom anatomy = new ChestRadiographPhantom(
                Draw.stream(options.seed(), study, ANATOMY, projection), size, appearance.zoom(), variation);
        int objects = objectCount(options, structure);
        SplittableRandom placement = Draw.stream(options.seed(), study, PLACEMENT, projection);
        double scale = size / 256.0 * appearance.zoom();
        Raster raster = anatomy.render();
        List<Lesion> lesions = new ArrayList<>();
        List<ObjectBox> boxes = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            LesionClass lesionClass = LesionClass.values()[Draw.integer(placement, 0, LesionClass.values().length - 1)];
            double sizeFactor = variation.sizeFactor(lesionClass);
            for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
                double[] point = anatomy.pointNearLungs(placement);
                Lesion lesion = Lesion.draw(lesionClass, placement, point[0], point[1], 0, scale, 1, false, variation,
                        sizeFactor);
                if (fits(lesion, lesions, size) && anatomy.inLung(lesion.centerX, lesion.centerY, margin(lesion))) {
                    Coverage coverage = lesion.coverage(0, true, size);
                    if (coverage != null) {
                        lesions.add(lesion);
                        raster.add(coverage, lesion.intensity);
                        boxes.add(coverage.box(lesion.lesionClass));
                    }
                    break;
                }
            }
        }
        ImageLevels levels = appearance.levels(0);
        double densityTop = ChestRadiographPhantom.WINDOW_CENTER_DENSITY + ChestRadiographPhantom.WINDOW_WIDTH_DENSITY / 2;
        variation.applyDensityCurve(raster, densityTop);
        variation.collimate(raster);
        appearance.apply(raster, 0, densityTop);
        raster.blur(levels.blur());
        variation.addNoise(raster, Draw.stream(options.seed(), study, PIXEL_NOISE, projection, 0), levels.noise(), true);
        ChestRadiographPhantom.toStoredValues(raster);
        raster.quantize(0, 0xFFFF);
        int seriesNumber = projection + 1;
        MonochromeInstance.Series series = new MonochromeInstance.Series(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION,
                uid("series", study, seriesNumber), seriesNumber, uid("frame-of-reference", study, seriesNumber),
                DX_FIELD_OF_VIEW_MM / size / appearance.zoom(), 0);
        SyntheticImage image = new SyntheticImage(uid("instance", study, seriesNumber, 1), 1, size, raster.values,
                boxes, levels.noise(), levels.blur(), appearance.shift(), 0);
        return new SyntheticStudy.Series(series, appearance.shift(),
                ChestRadiographPhantom.OFFSET + ChestRadiographPhantom.GAIN * ChestRadiographPhantom.WINDOW_CENTER_DENSITY,
                ChestRadiographPhantom.GAIN * ChestRadiographPhantom.WINDOW_WIDTH_DENSITY, List.of(image));
    }

    /**
     * A CT object's class. A mass shows on about seven slices of eight, a nodule on four, a
     * calcification cluster on one (two dots must share a slice); these odds (measured over 60
     * series) give the three classes about as many boxes.
     */
    private static LesionClass ctLesionClass(double draw) {
        return draw < 0.12 ? LesionClass.MASS : draw < 0.32 ? LesionClass.NODULE : LesionClass.CALCIFICATION;
    }

    /** Objects on one CT series or DX projection: none if it is drawn normal. */
    static int objectCount(SynthOptions options, SplittableRandom structure) {
        boolean normal = structure.nextDouble() < options.normalFraction();
        int count = Draw.integer(structure, (int) options.objectsPerImage().min(), (int) options.objectsPerImage().max());
        return normal ? 0 : count;
    }

    /** How far inside the lung the centre must be: nodules and clusters whole, masses mostly. */
    private static double margin(Lesion lesion) {
        return lesion.lesionClass == LesionClass.MASS ? lesion.reach() * 0.45 : lesion.reach() + 1;
    }

    /** Whether the lesion lies inside the image and clear of the others. */
    private static boolean fits(Lesion lesion, List<Lesion> placed, int size) {
        double reach = lesion.reach();
        if (lesion.centerX - reach < 1 || lesion.centerY - reach < 1
                || lesion.centerX + reach > size - 1 || lesion.centerY + reach > size - 1) {
            return false;
        }
        for (Lesion other : placed) {
            if (Draw.length(lesion.centerX - other.centerX, lesion.centerY - other.centerY)
                    < reach + other.reach() + 3) {
                return false;
            }
        }
        return true;
    }

    private Variation variation(int study, int series) {
        return Variation.draw(Draw.stream(options.seed(), study, VARIATION, series), options.variation(),
                Draw.stream(options.seed(), study, OBJECT_SIZES, series), options.sizeVariation());
    }

    private String uid(String kind, int... path) {
        String[] parts = new String[path.length + 1];
        parts[0] = kind;
        for (int i = 0; i < path.length; i++) {
            parts[i + 1] = Integer.toString(path[i]);
        }
        return DerivedUids.derive(options.seed(), parts);
    }

    /** The noise and blur drawn for one image. */
    record ImageLevels(double noise, double blur) {

        /** Noise (to 0.1) and blur (to 0.01) drawn from {@code random} within the options' ranges. */
        static ImageLevels draw(SplittableRandom random, SynthOptions options) {
            double noise = Draw.uniform(random, options.noise().min(), options.noise().max());
            double blur = Draw.uniform(random, options.blur().min(), options.blur().max());
            return new ImageLevels(StrictMath.rint(noise * 10) / 10, StrictMath.rint(blur * 100) / 100);
        }
    }
}
