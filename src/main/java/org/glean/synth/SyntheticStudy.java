package org.glean.synth;

import java.util.List;
import org.glean.dicom.MonochromeInstance;

/**
 * One synthetic study: its study attributes and its series (a CT study has one axial series; a
 * DX study has one series per projection).
 *
 * @param index the study's 0-based index within the generated set
 */
public record SyntheticStudy(int index, MonochromeInstance.Study study, List<Series> series) {

    /**
     * One series and its images; the appearance shift applies to the whole series.
     *
     * @param windowCenter WindowCenter for its images, in modality units
     * @param windowWidth WindowWidth for its images
     */
    public record Series(MonochromeInstance.Series series, Shift shift, double windowCenter, double windowWidth,
                         List<SyntheticImage> images) {
        public Series {
            images = List.copyOf(images);
        }
    }

    public SyntheticStudy {
        series = List.copyOf(series);
    }
}
