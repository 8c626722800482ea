package org.glean.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glean.detector.ModalityFrame;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * Normalisation statistics of a model version over a reference pool (method.md §5.1): the mean
 * and population std of each uncertainty kind over every object the detector finds on the pool's
 * frames. Frames go to the detector in batches, so the pool is never in memory at once.
 */
public final class Calibration {

    /**
     * The statistics, and what the pool held.
     *
     * @param skippedFiles files that could not be decoded, each with its reason
     */
    public record Result(UncertaintyStatistics statistics, String modelVersion, int files, int frames,
                         List<String> skippedFiles) {
    }

    private Calibration() {
    }

    /** @throws IllegalStateException when the detector finds no object on the pool */
    public static Result over(List<Path> files, DicomReader reader, DetectionBackend backend, int batchSize)
            throws NoModelException, BackendUnavailableException {
        List<ObjectUncertainty> objects = new ArrayList<>();
        List<ModalityFrame> batch = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String[] modelVersion = {null};
        int frames = 0;
        for (Path file : files) {
            DecodedImage decoded;
            try {
                decoded = reader.decode(file);
            } catch (MalformedDicomException | UnsupportedDicomException e) {
                skipped.add(file + ": " + e.getMessage());
                continue;
            }
            DicomHeader header = decoded.header();
            for (float[] pixels : decoded.frames()) {
                batch.add(new ModalityFrame(pixels, header.rows(), header.columns(), header.modality(),
                        header.windowCenter(), header.windowWidth()));
                frames++;
                if (batch.size() == batchSize) {
                    detectInto(backend, batch, objects, modelVersion);
                }
            }
        }
        detectInto(backend, batch, objects, modelVersion);
        if (objects.isEmpty()) {
            throw new IllegalStateException("the model found no object on the " + frames + " frames of the pool;"
                    + " calibrate over images with findings, or lower the object threshold");
        }
        return new Result(UncertaintyStatistics.fit(objects), modelVersion[0], files.size() - skipped.size(), frames,
                skipped);
    }

    private static void detectInto(DetectionBackend backend, List<ModalityFrame> batch, List<ObjectUncertainty> objects,
            String[] modelVersion) throws NoModelException, BackendUnavailableException {
        if (batch.isEmpty()) {
            return;
        }
        DetectedFrames detected = backend.detect(List.copyOf(batch));
        modelVersion[0] = detected.modelVersion();
        detected.frames().forEach(frame -> frame.forEach(object -> objects.add(object.raw())));
        batch.clear();
    }
}
