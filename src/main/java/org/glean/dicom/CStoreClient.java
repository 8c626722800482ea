package org.glean.dicom;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.PresentationContextListFactory;
import com.pixelmed.network.StorageSOPClassSCU;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one Part-10 instance to a DICOM storage SCP with C-STORE (PixelMed's StorageSOPClassSCU),
 * over an association of its own that waits for the SCP at most its request timeout
 * ({@link TimedAssociation}).
 *
 * @param peer the SCP
 */
public record CStoreClient(DimsePeer peer) {

    private static final int NO_COMPRESSION = 0;

    /** The SCP as host:port and AE title, for messages. */
    public String describe() {
        return peer.describe();
    }

    /**
     * Stores the instance; returns when the SCP has answered with success or a warning. The SCP
     * may stay silent at most its request timeout, for the association and for the answer.
     *
     * @throws IOException when the SCP cannot be reached, rejects the association, answers the
     *     C-STORE with a failure or not within the request timeout; the message says which,
     *     without the instance's content
     */
    public void store(byte[] part10) throws IOException {
        peer.requireReachable();
        Path file = Files.createTempFile("glean-cstore-", ".dcm");
        try {
            Files.write(file, part10);
            SetOfDicomFiles files = new SetOfDicomFiles();
            files.add(file.toFile());
            Association association = TimedAssociation.open(peer, "C-STORE", () -> AssociationFactory
                    .createNewAssociation(peer.host(), peer.port(), peer.calledAeTitle(), peer.callingAeTitle(),
                            PresentationContextListFactory.createNewPresentationContextList(files, NO_COMPRESSION),
                            null, false));
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger completed = new AtomicInteger();
            StorageSOPClassSCU scu = new StorageSOPClassSCU(association, files,
                    new MultipleInstanceTransferStatusHandler() {
                        @Override
                        public void updateStatus(int remaining, int done, int failures, int warnings, String uid) {
                            completed.set(done);
                            failed.set(failures);
                        }
                    });
            if (scu.encounteredTrappedExceptions() || failed.get() > 0 || completed.get() == 0) {
                TimedAssociation.abort(association);
                throw new DimseException(describe() + " did not store the instance: it answered the C-STORE with a"
                        + " failure, broke off or stayed silent longer than " + peer.requestTimeout()
                        + " (request-timeout); check its log, and that it accepts this SOP class");
            }
            release(association);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // Stored: an SCP that does not answer the release leaves nothing undone, so it is aborted.
    private static void release(Association association) {
        try {
            association.release();
        } catch (DicomNetworkException | RuntimeException e) {
            TimedAssociation.abort(association);
        }
    }
}
