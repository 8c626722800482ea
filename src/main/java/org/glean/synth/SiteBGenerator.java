package org.glean.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.glean.dicom.DerivedUids;
import org.glean.dicom.ImageSopClass;
import org.glean.dicom.MonochromeInstance;

/**
 * Generates site B's synthetic chest studies: a hospital whose images a model trained on site A
 * has never seen, for evaluation only. Same classes and ground-truth contract as site A;
 * different anatomy ({@link SiteBChestCt}, {@link SiteBChestRadiograph}), objects
 * ({@link SiteBLesion}), noise ({@link SiteBNoise}), shifts ({@link SiteBAppearance}) and
 * acquisition: CT with a larger field of view, thinner slices, a circular reconstruction field
 * padded outside, stored with RescaleIntercept −1024 and a lung window; DX on a 12-bit detector
 * with a finer pixel spacing. As at site A, study {@code i} depends only on the options and
 * {@code i}, and anatomy, appearance and pixel noise have their own random streams; every
 * stream and UID is salted with the site, so that the two sites share nothing for one seed.
 */
final class SiteBGenerator implements StudyGenerator {

    static final double CT_FIELD_OF_VIEW_MM = 380;
    static final double CT_SLICE_THICKNESS_MM = 2.5;
    static final double DX_FIELD_OF_VIEW_MM = 400;
    static final double CT_WINDOW_CENTER = -600;
    static final double CT_WINDOW_WIDTH = 1500;
    /** HU = stored value − 1024; padding outside the field of view is stored −2000 (−3024 HU). */
    static final MonochromeInstance.PixelEncoding CT_ENCODING = new MonochromeInstance.PixelEncoding(16, -1024,
            OptionalInt.of((int) SiteBChestCt.PADDING_HU + 1024));
    static final MonochromeInstance.PixelEncoding DX_ENCODING = new MonochromeInstance.PixelEncoding(12, 0,
            OptionalInt.empty());
    private static final String STUDY_DATE = "20250315";
    private static final int MIN_HU = -1024;
    private static final int MAX_HU = 3071;
    private static final int PLACEMENT_ATTEMPTS = 200;
    /** Objects keep this far apart, in mm. */
    private static final double GAP_MM = 3;

    /** The first part of every stream: no site A stream starts with it (theirs start with a study index). */
    private static final long SITE = 0xB5B5_0000_0000_000BL;
    private static final long STRUCTURE = 1;
    private static final long APPEARANCE = 2;
    private static final long PIXEL_NOISE = 3;
    private static final long ANATOMY = 4;
    private static final long PLACEMENT = 5;

    private final SynthOptions options;

    SiteBGenerator(SynthOptions options) {
        this.options = options;
    }

    @Override
    public SyntheticStudy study(int index) {
        SplittableRandom structure = stream(index, STRUCTURE);
        boolean ct = structure.nextDouble() < options.ctFraction();
        MonochromeInstance.Study study = new MonochromeInstance.Study(uid("study", index),
                "B" + (index + 1), STUDY_DATE, "Phantom^SiteB^" + (index + 1),
                "SYNTHB-" + options.seed() + "-" + (index + 1));
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
        double spacing = CT_FIELD_OF_VIEW_MM / size;
        SiteBAppearance appearance = new SiteBAppearance(stream(study, APPEARANCE, 0), options);
        SiteBChestCt anatomy = new SiteBChestCt(stream(study, ANATOMY, 0), size, slices);
        int objects = PhantomGenerator.objectCount(options, structure);
        SplittableRandom placement = stream(study, PLACEMENT, 0);
        List<SiteBLesion> lesions = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            LesionClass lesionClass = ctLesionClass(placement.nextDouble());
            double centerSlice = slices == 1 ? 0 : Draw.uniform(placement, -0.4, slices - 0.6);
            for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
                double[] point = anatomy.pointNearLungs(placement);
                SiteBLesion lesion = new SiteBLesion(lesionClass, placement, point[0], point[1], centerSlice, spacing,
                        CT_SLICE_THICKNESS_MM, appearance.enlargement(), appearance.unseenShapes(), true);
                if (fits(lesion, lesions, size, spacing)
                        && anatomy.inLung(point[0], point[1], StrictMath.rint(centerSlice), margin(lesion))) {
                    lesions.add(lesion);
                    break;
                }
            }
        }
        MonochromeInstance.Series series = new MonochromeInstance.Series(ImageSopClass.CT_IMAGE,
                uid("series", study, 1), 1, uid("frame-of-reference", study, 1), spacing, CT_SLICE_THICKNESS_MM,
                CT_ENCODING);
        List<SyntheticImage> images = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
            Raster raster = anatomy.render(slice);
            List<ObjectBox> boxes = new ArrayList<>();
            for (SiteBLesion lesion : lesions) {
                Coverage coverage = lesion.coverage(slice, false, size);
                if (coverage != null) {
                    ObjectBox box = coverage.visibleBox(lesion.lesionClass, raster, lesion.intensity,
                            PhantomGenerator.VISIBLE_CONTRAST_HU, lesion.lesionClass == LesionClass.CALCIFICATION ? 2 : 9);
                    raster.blend(coverage, lesion.intensity);
                    if (box != null) {
                        boxes.add(box);
                    }
                }
            }
            PhantomGenerator.ImageLevels levels = appearance.levels(slice);
            appearance.apply(raster, -1000, 1000);
            raster.blur(levels.blur());
            SiteBNoise.addCt(raster, stream(study, PIXEL_NOISE, 0, slice), levels.noise());
            raster.quantize(MIN_HU, MAX_HU);
            anatomy.padOutsideFieldOfView(raster);
            images.add(new SyntheticImage(uid("instance", study, 1, slice + 1), slice + 1, size, raster.values, boxes,
                    levels.noise(), levels.blur(), appearance.shift(),
                    (slice - (slices - 1) / 2.0) * CT_SLICE_THICKNESS_MM));
        }
        return new SyntheticStudy.Series(series, appearance.shift(), CT_WINDOW_CENTER, CT_WINDOW_WIDTH, images);
    }

    private SyntheticStudy.Series dxSeries(int study, int projection, SplittableRandom structure) {
        int size = options.dxImageSize();
        double spacing = DX_FIELD_OF_VIEW_MM / size;
        SiteBAppearance appearance = new SiteBAppearance(stream(study, APPEARANCE, projection), options);
        SiteBChestRadiograph anatomy = new SiteBChestRadiograph(stream(study, ANATOMY, projection), size);
        int objects = PhantomGenerator.objectCount(options, structure);
        SplittableRandom placement = stream(study, PLACEMENT, projection);
        Raster raster = anatomy.render();
        List<SiteBLesion> lesions = new ArrayList<>();
        List<ObjectBox> boxes = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            LesionClass lesionClass = LesionClass.values()[Draw.integer(placement, 0, LesionClass.values().length - 1)];
            for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
                double[] point = anatomy.pointNearLungs(placement);
                SiteBLesion lesion = new SiteBLesion(lesionClass, placement, point[0], point[1], 0, spacing, spacing,
                        appearance.enlargement(), appearance.unseenShapes(), false);
                if (fits(lesion, lesions, size, spacing) && anatomy.inLung(point[0], point[1], margin(lesion))) {
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
        PhantomGenerator.ImageLevels levels = appearance.levels(0);
        appearance.apply(raster, 0, SiteBChestRadiograph.WINDOW_HIGH_DENSITY);
        raster.blur(levels.blur());
        SiteBNoise.addDx(raster, stream(study, PIXEL_NOISE, projection, 0), levels.noise());
        SiteBChestRadiograph.toStoredValues(raster);
        raster.quantize(0, SiteBChestRadiograph.MAX_STORED);
        int seriesNumber = projection + 1;
        MonochromeInstance.Series series = new MonochromeInstance.Series(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION,
                uid("series", study, seriesNumber), seriesNumber, uid("frame-of-reference", study, seriesNumber),
                spacing, 0, DX_ENCODING);
        SyntheticImage image = new SyntheticImage(uid("instance", study, seriesNumber, 1), 1, size, raster.values,
                boxes, levels.noise(), levels.blur(), appearance.shift(), 0);
        double low = SiteBChestRadiograph.stored(SiteBChestRadiograph.WINDOW_LOW_DENSITY);
        double high = SiteBChestRadiograph.stored(SiteBChestRadiograph.WINDOW_HIGH_DENSITY);
        return new SyntheticStudy.Series(series, appearance.shift(), StrictMath.rint((low + high) / 2),
                StrictMath.rint(high - low), List.of(image));
    }

    /** A CT object's class: masses span most slices and clusters one or two, so clusters are drawn most often. */
    private static LesionClass ctLesionClass(double draw) {
        return draw < 0.1 ? LesionClass.MASS : draw < 0.35 ? LesionClass.NODULE : LesionClass.CALCIFICATION;
    }

    /** How far inside the lung the centre must be: spicules and large masses may reach the lung's edge. */
    private static double margin(SiteBLesion lesion) {
        return lesion.reach() * (lesion.lesionClass == LesionClass.MASS ? 0.3 : 0.6) + 1;
    }

    /** Whether the object lies inside the image and {@value #GAP_MM} mm clear of the others. */
    private static boolean fits(SiteBLesion lesion, List<SiteBLesion> placed, int size, double spacing) {
        double reach = lesion.reach();
        if (lesion.centerX - reach < 1 || lesion.centerY - reach < 1
                || lesion.centerX + reach > size - 1 || lesion.centerY + reach > size - 1) {
            return false;
        }
        for (SiteBLesion other : placed) {
            if (Draw.length(lesion.centerX - other.centerX, lesion.centerY - other.centerY)
                    < reach + other.reach() + GAP_MM / spacing) {
                return false;
            }
        }
        return true;
    }

    private SplittableRandom stream(long... parts) {
        long[] salted = new long[parts.length + 1];
        salted[0] = SITE;
        System.arraycopy(parts, 0, salted, 1, parts.length);
        return Draw.stream(options.seed(), salted);
    }

    private String uid(String kind, int... path) {
        String[] parts = new String[path.length + 2];
        parts[0] = "site-" + Site.B.label();
        parts[1] = kind;
        for (int i = 0; i < path.length; i++) {
            parts[i + 2] = Integer.toString(path[i]);
        }
        return DerivedUids.derive(options.seed(), parts);
    }
}
