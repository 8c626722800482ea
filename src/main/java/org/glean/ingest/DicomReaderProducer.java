package org.glean.ingest;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.glean.dicom.DicomReadLimits;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;

/** The server's one {@link DicomReader}, bounded by the ingest limits. */
public class DicomReaderProducer {

    // No element can be longer than the largest instance Glean takes.
    @Produces
    @Singleton
    DicomReader dicomReader(IngestConfig config) {
        DicomReadLimits defaults = DicomReadLimits.defaults();
        return new PixelMedDicomReader(new DicomReadLimits(
                Math.min(defaults.maxElementBytes(), config.maxInstanceSize().asLongValue()),
                defaults.maxInflatedBytes(), defaults.maxDecodedPixels()));
    }
}
