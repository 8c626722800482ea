package org.glean.pacs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** PACS sources Glean polls for new studies (docs/pacs.md). */
@ConfigMapping(prefix = "glean.pacs")
public interface PacsConfig {

    /** The sources by name: {@code glean.pacs.sources.<name>.*}. */
    Map<String, Source> sources();

    /** The wait after a failed pass, doubling with each failure in a row up to {@code max}. */
    Backoff backoff();

    interface Backoff {

        @WithDefault("10S")
        Duration initial();

        @WithDefault("10M")
        Duration max();
    }

    /** One DICOMweb origin and what to take from it. */
    interface Source {

        /** Whether the server polls it; {@code glean pull --source} works either way. */
        @WithDefault("true")
        boolean enabled();

        /** The DICOMweb service root, e.g. {@code http://pacs:8042/dicom-web}. */
        String url();

        /** For HTTP Basic authentication, with {@link #password}. */
        Optional<String> username();

        Optional<String> password();

        /** For bearer-token authentication instead of Basic. */
        Optional<String> bearerToken();

        /** Which studies to take. */
        Query query();

        /** Time from the end of one pass to the start of the next. */
        @WithDefault("5M")
        Duration pollInterval();

        @WithDefault("10S")
        Duration connectTimeout();

        /** How long the PACS may take to begin an answer. */
        @WithDefault("2M")
        Duration requestTimeout();

        /**
         * Studies asked for per QIDO-RS request (limit and offset), or 0 to ask for every match at
         * once. Orthanc 1.10 with its DICOMweb plugin 1.7 applies the limit before the offset, so
         * its pages after the first are wrong: leave it at 0 there.
         */
        @WithDefault("0")
        int pageSize();

        default DicomWebEndpoint endpoint() {
            return new DicomWebEndpoint(java.net.URI.create(url()),
                    DicomWebEndpoint.authorization(username(), password(), bearerToken()), connectTimeout(),
                    requestTimeout());
        }

        default StudyQuery studyQuery() {
            return new StudyQuery(query().modality(), query().studyDate(), query().stationName(),
                    query().studyDescription());
        }
    }

    /** QIDO-RS filters (PS3.18 §8.3.4); each absent one matches everything. */
    interface Query {

        /** ModalitiesInStudy, e.g. {@code CT}. */
        Optional<String> modality();

        /** StudyDate or a range, e.g. {@code 20240101-} or {@code 20240101-20241231}. */
        Optional<String> studyDate();

        Optional<String> stationName();

        /** StudyDescription; {@code *} is a wildcard. */
        Optional<String> studyDescription();
    }
}
