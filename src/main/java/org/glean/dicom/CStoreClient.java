package org.glean.dicom;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.StorageSOPClassSCU;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one Part-10 instance to a DICOM storage SCP with C-STORE (PixelMed's StorageSOPClassSCU),
 * over an association of its own.
 *
 * @param host           the SCP's host
 * @param port           its DICOM port
 * @param calledAeTitle  its AE title
 * @param callingAeTitle ours
 * @param connectTimeout how long to wait for a connection
 */
public record CStoreClient(String host, int port, String calledAeTitle, String callingAeTitle,
                           Duration connectTimeout) {

    private static final int NO_COMPRESSION = 0;

    public CStoreClient {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("a C-STORE destination needs a host and a port from 1 to 65535");
        }
        requireAeTitle("called AE title", calledAeTitle);
        requireAeTitle("calling AE title", callingAeTitle);
    }

    /** The SCP as host:port and AE title, for messages. */
    public String describe() {
        return calledAeTitle + "@" + host + ":" + port;
    }

    /**
     * Stores the instance; returns when the SCP has answered with success or a warning.
     *
     * @throws IOException when the SCP cannot be reached, rejects the association or answers the
     *     C-STORE with a failure; the message says which, without the instance's content
     */
    public void store(byte[] part10) throws IOException {
        try (Socket probe = new Socket()) {
            // PixelMed only logs why an association failed; a connection refused is worth saying plainly.
            probe.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
        } catch (IOException e) {
            throw new IOException("cannot connect to " + describe() + " (" + e.getClass().getSimpleName()
                    + "); check that the SCP runs and its host and port", e);
        }
        Path file = Files.createTempFile("glean-cstore-", ".dcm");
        try {
            Files.write(file, part10);
            SetOfDicomFiles files = new SetOfDicomFiles();
            files.add(file.toFile());
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger completed = new AtomicInteger();
            StorageSOPClassSCU scu = new StorageSOPClassSCU(host, port, calledAeTitle, callingAeTitle, files,
                    NO_COMPRESSION, new MultipleInstanceTransferStatusHandler() {
                        @Override
                        public void updateStatus(int remaining, int done, int failures, int warnings, String uid) {
                            completed.set(done);
                            failed.set(failures);
                        }
                    });
            if (scu.encounteredTrappedExceptions() || failed.get() > 0 || completed.get() == 0) {
                throw new IOException(describe() + " did not store the instance: it refused the association or "
                        + "answered the C-STORE with a failure; check its AE titles and that it accepts this SOP class");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void requireAeTitle(String what, String title) {
        if (title == null || title.isBlank() || title.length() > 16 || title.contains("\\")) {
            throw new IllegalArgumentException("the " + what + " must be 1 to 16 characters without a backslash");
        }
    }
}
