package org.glean.ingest;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/** The DICOM C-STORE SCP: where it listens and when a pushed study counts as complete. */
@ConfigMapping(prefix = "glean.scp")
public interface ScpConfig {

    /** Whether the SCP listens at all. */
    boolean enabled();

    /** Address to bind, e.g. 0.0.0.0 for every interface or 127.0.0.1 for this host only. */
    String bindAddress();

    /** TCP port; 0 picks a free one. */
    int port();

    /** Called AE title the SCP answers to. */
    String aeTitle();

    /**
     * Associations served at once; more are turned away. Each holds its thread for 5 s after
     * release (PixelMed's ARTIM wait), so allow 5 s × the associations a sender opens per second.
     */
    int maxAssociations();

    /**
     * Callers admitted, as {@code AETITLE}, {@code AETITLE@ADDRESS} or {@code AETITLE@ADDRESS/PREFIX}
     * ({@code *} for any AE title); see {@link org.glean.dicom.CallerAllowList}. Others get an
     * A-ASSOCIATE-RJ.
     */
    List<String> allowedCallers();

    /** Time from connecting to a complete A-ASSOCIATE-RQ. */
    Duration associationTimeout();

    /** Longest wait for the next bytes within an association; a silent peer is disconnected. */
    Duration readTimeout();

    /** Time without a new instance after which a pushed study counts as complete. */
    Duration studyQuietPeriod();

    /** DICOM TLS: a second listener, beside the plain one, for callers that connect over TLS. */
    Tls tls();

    /** DICOM PS3.15 Annex B, the Basic TLS Secure Transport Connection Profile. */
    interface Tls {

        /** TCP port of the TLS listener (2762 is DICOM's registered one); none when absent. */
        OptionalInt port();

        /** Whether a caller must present a certificate signed by {@link #trustedCa()} (mutual TLS). */
        boolean requireClientCertificate();

        /** PEM file of the CA certificates whose client certificates are trusted. */
        Path trustedCa();
    }
}
