package org.glean.pacs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The QIDO-RS study query of a source: each filter as PS3.18 §8.3.4 reads it (a StudyDate range
 * as {@code 20240101-20241231}, open at either end; {@code *} wildcards in text), absent when empty.
 */
public record StudyQuery(Optional<String> modality, Optional<String> studyDate, Optional<String> stationName,
        Optional<String> studyDescription) {

    public static final StudyQuery ALL = new StudyQuery(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    // Asked for besides the required StudyInstanceUID, to report progress.
    private static final String INCLUDED_FIELDS = "00080020,00080061,00201208";

    /** The query string for {@code /studies}, with paging unless {@code limit} is 0. */
    String toQueryString(int offset, int limit) {
        Map<String, String> parameters = new LinkedHashMap<>();
        modality.filter(value -> !value.isBlank()).ifPresent(value -> parameters.put("ModalitiesInStudy", value));
        studyDate.filter(value -> !value.isBlank()).ifPresent(value -> parameters.put("StudyDate", value));
        stationName.filter(value -> !value.isBlank()).ifPresent(value -> parameters.put("StationName", value));
        studyDescription.filter(value -> !value.isBlank())
                .ifPresent(value -> parameters.put("StudyDescription", value));
        parameters.put("includefield", INCLUDED_FIELDS);
        if (limit > 0) {
            parameters.put("limit", Integer.toString(limit));
            parameters.put("offset", Integer.toString(offset));
        }
        return parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
