package org.glean.detector;

import java.util.ArrayList;
import java.util.List;

/**
 * The default boxes of one square feature map of {@code size × size} cells, in normalised
 * input units (SSD, Liu et al. 2016). Every cell holds, centred on the cell:
 * <ol>
 *   <li>a square of side {@code minScale};</li>
 *   <li>a square of side {@code sqrt(minScale · maxScale)};</li>
 *   <li>for every aspect ratio {@code r} in {@code aspectRatios}: a box
 *       {@code minScale·sqrt(r)} wide and {@code minScale/sqrt(r)} high, then its transpose.</li>
 * </ol>
 * Boxes are not clipped to the image; decoded detections are.
 */
public record FeatureMapAnchors(int size, double minScale, double maxScale, List<Double> aspectRatios) {

    public FeatureMapAnchors {
        if (size < 1) {
            throw new IllegalArgumentException("feature map size must be positive, got " + size);
        }
        if (!(minScale > 0) || !(maxScale >= minScale)) {
            throw new IllegalArgumentException("anchor scales need 0 < minScale <= maxScale, got "
                    + minScale + " and " + maxScale);
        }
        for (double r : aspectRatios) {
            if (!(r > 0)) {
                throw new IllegalArgumentException("aspect ratios must be positive, got " + r);
            }
        }
        aspectRatios = List.copyOf(aspectRatios);
    }

    public int anchorsPerCell() {
        return 2 + 2 * aspectRatios.size();
    }

    public int anchorCount() {
        return size * size * anchorsPerCell();
    }

    /**
     * The default layout for feature maps whose sizes halve from one to the next (e.g. 32, 16,
     * 8, 4 for a 256-pixel input): the first map's smallest anchor is one cell of that map (8 px
     * at 256), each next map doubles it, every map's {@code maxScale} is twice its
     * {@code minScale}, and every map adds the aspect ratios 2 and 1/2. Consecutive anchor sides
     * thus differ by √2 (8, 11, 16 … 91 px at 256), so a square object from about 3 % to 40 % of
     * the input (7 to 100 px at 256) has a same-centred square anchor within a factor 2^(1/4) of
     * its side, an IoU of at least 0.7. One cell rather than the 1.5 of SSD's first map: the
     * smallest findings (calcification clusters of 4–12 px) matched an anchor of 12 px at
     * IoU ≤ 0.35, so only the forced best match ever learnt them.
     */
    public static List<FeatureMapAnchors> defaultsFor(List<Integer> mapSizes) {
        List<FeatureMapAnchors> maps = new ArrayList<>(mapSizes.size());
        double minScale = 1.0 / mapSizes.get(0);
        for (int size : mapSizes) {
            maps.add(new FeatureMapAnchors(size, minScale, 2 * minScale, List.of(2.0)));
            minScale *= 2;
        }
        return List.copyOf(maps);
    }
}
