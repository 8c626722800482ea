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
 * frames. Frames go to the detector in batches, so the pool is never in memory at once. The model
 * runs in this process whatever the server's inference mode: its statistics are fitted where it
 * is loaded for that purpose (by {@code glean calibrate} or a promotion).
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

    /**
     * @param lowestScore the score from which a detection is scored, as the server's: its candidate
     *                    threshold, so that objects and near misses share one scale
     * @throws IllegalStateException when the detector finds no object on the pool
     */
    public static Result over(List<Path> files, DicomReader reader, ActiveModel model, int batchSize,
                              double lowestScore) throws NoModelException, BackendUnavailableException {
        DetectionBackend backend = new LocalDetectionBackend(ModelSupplier.fixed(model), batchSize, lowestScore);
        List<ObjectUncertainty> objects = new ArrayList<>();
        List<ModalityFrame> batch = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
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
                    detectInto(backend, batch, objects);
                }
            }
        }
        detectInto(backend, batch, objects);
        if (objects.isEmpty()) {
            throw new IllegalStateException("the model found no object on the " + frames + " frames of the pool;"
                    + " calibrate over images with findings, or lower the object threshold");
        }
        return new Result(UncertaintyStatistics.fit(objects), model.versionId(), files.size() - skipped.size(), frames,
                skipped);
    }

    private static void detectInto(DetectionBackend backend, List<ModalityFrame> batch, List<ObjectUncertainty> objects)
            throws NoModelException, BackendUnavailableException {
        if (batch.isEmpty()) {
            return;
        }
        backend.detect(List.copyOf(batch)).frames().forEach(frame -> frame.forEach(object -> objects.add(object.raw())));
        batch.clear();
    }
}
