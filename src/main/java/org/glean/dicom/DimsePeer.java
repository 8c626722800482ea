package org.glean.dicom;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A DICOM application entity Glean calls over DIMSE: where it listens, its AE title, and Glean's.
 *
 * @param host           the peer's host
 * @param port           its DICOM port
 * @param calledAeTitle  its AE title
 * @param callingAeTitle ours
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long the peer may stay silent while Glean waits for its answer to an
 *     association request or a query/retrieve request (its next response or sub-operation)
 */
public record DimsePeer(String host, int port, String calledAeTitle, String callingAeTitle, Duration connectTimeout,
        Duration requestTimeout) {

    public DimsePeer {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("a DICOM peer needs a host and a port from 1 to 65535");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout of a DICOM peer must be positive");
        }
        requireAeTitle("called AE title", calledAeTitle);
        requireAeTitle("calling AE title", callingAeTitle);
    }

    /** The peer as AE title, host and port, for messages. */
    public String describe() {
        return calledAeTitle + "@" + host + ":" + port;
    }

    /**
     * Connects once and closes again: PixelMed only logs why an association failed, and a
     * connection refused is worth saying plainly.
     */
    void requireReachable() throws DimseException {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
        } catch (IOException e) {
            throw new DimseException("cannot connect to " + describe() + " (" + e.getClass().getSimpleName()
                    + "); check that the DICOM peer runs and its host and port", e);
        }
    }

    /** Checks a title for an AE of DICOM: 1 to 16 characters without a backslash. */
    public static void requireAeTitle(String what, String title) {
        if (title == null || title.isBlank() || title.length() > 16 || title.contains("\\")) {
            throw new IllegalArgumentException("the " + what + " must be 1 to 16 characters without a backslash");
        }
    }
}
