package org.glean.pacs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.glean.dicom.DimsePeer;

/** PACS sources Glean polls for new studies, and destinations it sends its results to (docs/pacs.md). */
@ConfigMapping(prefix = "glean.pacs")
public interface PacsConfig {

    /** The sources by name: {@code glean.pacs.sources.<name>.*}. */
    Map<String, Source> sources();

    /** The destinations by name: {@code glean.pacs.destinations.<name>.*}. */
    Map<String, Destination> destinations();

    /** How the outbox delivers to the destinations. */
    Outbox outbox();

    /** The wait after a failed pass, doubling with each failure in a row up to {@code max}. */
    Backoff backoff();

    interface Backoff {

        @WithDefault("10S")
        Duration initial();

        @WithDefault("10M")
        Duration max();

        /** The wait after {@code failures} failures in a row: initial, doubled for each further one, at most max. */
        default Duration after(int failures) {
            Duration wait = initial();
            for (int i = 1; i < failures && wait.compareTo(max()) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            return wait.compareTo(max()) > 0 ? max() : wait;
        }
    }

    /** How to reach a DICOMweb service: sign-in and patience. */
    interface DicomWebAccess {

        /** For HTTP Basic authentication, with {@link #password}. */
        Optional<String> username();

        Optional<String> password();

        /** For bearer-token authentication instead of Basic. */
        Optional<String> bearerToken();

        /** Waiting for a connection, over DICOMweb or DIMSE. */
        @WithDefault("10S")
        Duration connectTimeout();

        /**
         * How long the PACS may take to begin an answer (DICOMweb), or stay silent while Glean
         * waits for its next message on a DIMSE association (query/retrieve).
         */
        @WithDefault("2M")
        Duration requestTimeout();

        default DicomWebEndpoint endpoint(String url) {
            return new DicomWebEndpoint(java.net.URI.create(url),
                    DicomWebEndpoint.authorization(username(), password(), bearerToken()), connectTimeout(),
                    requestTimeout());
        }
    }

    /**
     * A PACS reached either by DICOMweb at {@code url} or by DIMSE at {@code host} and
     * {@code port} with AE titles: exactly one of the two.
     */
    interface PacsAccess extends DicomWebAccess {

        /** The DICOMweb service root, e.g. {@code http://pacs:8042/dicom-web}. */
        Optional<String> url();

        /** The PACS's DICOM host, instead of a URL. */
        Optional<String> host();

        OptionalInt port();

        /** The PACS's AE title. */
        @WithDefault("ANY-SCP")
        String calledAeTitle();

        /** Glean's AE title towards the PACS. */
        @WithDefault("GLEAN")
        String callingAeTitle();

        /**
         * Whether it is reached by DICOMweb (true) or DIMSE (false).
         *
         * @throws IllegalArgumentException when the settings give neither or both of a URL and a host
         */
        default boolean overDicomWeb() {
            if (url().isPresent() == host().isPresent()) {
                throw new IllegalArgumentException("give either url (DICOMweb) or host and port (DIMSE)");
            }
            return url().isPresent();
        }

        /** The DIMSE peer its host, port and AE titles describe. */
        default DimsePeer dimsePeer() {
            return new DimsePeer(host().orElseThrow(), port().orElse(-1), calledAeTitle(), callingAeTitle(),
                    connectTimeout(), requestTimeout());
        }
    }

    /**
     * One PACS Glean takes studies from, by QIDO-RS and WADO-RS ({@code url}) or by C-FIND and
     * C-MOVE ({@code host}, {@code port}, AE titles), and what to take from it.
     */
    interface Source extends PacsAccess {

        /** Whether the server polls it; {@code glean pull --source} works either way. */
        @WithDefault("true")
        boolean enabled();

        /** Which studies to take. */
        Query query();

        /** Time from the end of one pass to the start of the next. */
        @WithDefault("5M")
        Duration pollInterval();

        /**
         * Studies asked for per QIDO-RS request (limit and offset), or 0 to ask for every match at
         * once. Orthanc 1.10 with its DICOMweb plugin 1.7 applies the limit before the offset, so
         * its pages after the first are wrong: leave it at 0 there. DICOMweb only.
         */
        @WithDefault("0")
        int pageSize();

        /**
         * How a DIMSE source's studies are retrieved: C-MOVE to Glean's C-STORE SCP, which the
         * PACS must know by address, or C-GET on Glean's own association. DIMSE only.
         */
        @WithDefault("c-move")
        DimseRetrieve retrieve();

        default DicomWebEndpoint endpoint() {
            return endpoint(url().orElseThrow());
        }

        default StudyQuery studyQuery() {
            return new StudyQuery(query().modality(), query().studyDate(), query().stationName(),
                    query().studyDescription());
        }
    }

    /** QIDO-RS filters (PS3.18 §8.3.4), or C-FIND keys for a DIMSE source; each absent one matches everything. */
    interface Query {

        /** ModalitiesInStudy, e.g. {@code CT}. */
        Optional<String> modality();

        /** StudyDate or a range, e.g. {@code 20240101-} or {@code 20240101-20241231}. */
        Optional<String> studyDate();

        Optional<String> stationName();

        /** StudyDescription; {@code *} is a wildcard. */
        Optional<String> studyDescription();
    }

    /**
     * Where Glean's results go: a DICOMweb service (STOW-RS at {@code url}) or a DICOM storage
     * SCP (C-STORE at {@code host} and {@code port}), and which documents it takes.
     */
    interface Destination extends PacsAccess {

        /** Whether the outbox delivers to it; documents for it wait while it is off. */
        @WithDefault("true")
        boolean enabled();

        /** Which documents it takes: {@code sr}, {@code kos}, {@code annotation-sr}. */
        @WithDefault("sr,kos,annotation-sr")
        Set<DocumentKind> takes();
    }

    /** The outbox's delivery: how often it looks for due documents, and its backoff after failures. */
    interface Outbox {

        @WithDefault("5S")
        Duration pollInterval();

        /**
         * The wait before retrying a failed delivery: {@code initial} doubled with each failure of
         * that delivery, up to {@code max}, then between half and all of it at random (jitter).
         */
        Backoff backoff();

        /** The catch-up of results that should be in the outbox and are not (see OutboxCatchUp). */
        CatchUp catchUp();

        /**
         * Failed attempts after which a delivery is given up: it goes to FAILED with its last
         * error and waits for an administrator to queue it again.
         */
        @WithDefault("20")
        int maxAttempts();
    }

    interface CatchUp {

        /** How often it looks, after the look at start-up. */
        @WithDefault("10M")
        Duration interval();

        /** How far back: results scored or submitted longer ago than this are not looked for. */
        @WithDefault("7D")
        Duration window();
    }
}
