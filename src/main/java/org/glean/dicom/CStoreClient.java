package org.glean.dicom;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.StorageSOPClassSCU;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one Part-10 instance to a DICOM storage SCP with C-STORE (PixelMed's StorageSOPClassSCU),
 * over an association of its own.
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
     * Stores the instance; returns when the SCP has answered with success or a warning.
     *
     * @throws IOException when the SCP cannot be reached, rejects the association or answers the
     *     C-STORE with a failure; the message says which, without the instance's content
     */
    public void store(byte[] part10) throws IOException {
        peer.requireReachable();
        Path file = Files.createTempFile("glean-cstore-", ".dcm");
        try {
            Files.write(file, part10);
            SetOfDicomFiles files = new SetOfDicomFiles();
            files.add(file.toFile());
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger completed = new AtomicInteger();
            StorageSOPClassSCU scu = new StorageSOPClassSCU(peer.host(), peer.port(), peer.calledAeTitle(),
                    peer.callingAeTitle(), files, NO_COMPRESSION, new MultipleInstanceTransferStatusHandler() {
                        @Override
                        public void updateStatus(int remaining, int done, int failures, int warnings, String uid) {
                            completed.set(done);
                            failed.set(failures);
                        }
                    });
            if (scu.encounteredTrappedExceptions() || failed.get() > 0 || completed.get() == 0) {
                throw new DimseException(describe() + " did not store the instance: it refused the association or "
                        + "answered the C-STORE with a failure; check its AE titles and that it accepts this SOP class");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
