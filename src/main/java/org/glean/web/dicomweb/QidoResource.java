package org.glean.web.dicomweb;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.glean.ingest.StudySearch;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * DICOMweb QIDO-RS (PS3.18 §10.6) over what Glean indexes: study, series and instance UIDs,
 * modalities, series and instance numbers, image sizes and stored transfer syntaxes. Glean keeps
 * no patient names, IDs, dates or accession numbers in its tables, so those are neither matched
 * nor returned; a search that names them gets a {@code Warning: 299} header listing what was not
 * matched, as PS3.18 asks of an origin that does not support a matching key.
 */
@Path("/dicomweb/studies")
@RolesAllowed({"annotator", "curator", "admin"})
public class QidoResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    // Query parameters that are not matching keys; includefield and fuzzymatching change nothing
    // here, since every attribute Glean has is returned and no attribute is matched fuzzily.
    private static final Set<String> CONTROLS = Set.of("limit", "offset", "includefield", "fuzzymatching");

    /** A matching key Glean supports: its keyword and its tag, either of which may name it. */
    private record Key(String keyword, String tag) {

        List<String> values(MultivaluedMap<String, String> query) {
            List<String> values = new ArrayList<>();
            for (String name : List.of(keyword, tag)) {
                for (String value : query.getOrDefault(name, List.of())) {
                    // UID list matching (PS3.4 §C.2.2.2.2): values separated by commas or backslashes
                    Arrays.stream(value.split("[,\\\\]")).map(String::strip).filter(v -> !v.isEmpty())
                            .forEach(values::add);
                }
            }
            return values;
        }
    }

    private static final Key STUDY_UID = new Key("StudyInstanceUID", "0020000D");
    private static final Key MODALITIES = new Key("ModalitiesInStudy", "00080061");
    private static final Key SERIES_UID = new Key("SeriesInstanceUID", "0020000E");
    private static final Key MODALITY = new Key("Modality", "00080060");
    private static final Key SERIES_NUMBER = new Key("SeriesNumber", "00200011");
    private static final Key SOP_UID = new Key("SOPInstanceUID", "00080018");
    private static final Key SOP_CLASS = new Key("SOPClassUID", "00080016");
    private static final Key INSTANCE_NUMBER = new Key("InstanceNumber", "00200013");

    private final StudySearch search;
    private final AuditTrail trail;
    private final DicomWebCaller caller;
    private final DicomJsonAnswers answers;

    public QidoResource(StudySearch search, AuditTrail trail, DicomWebCaller caller,
            DicomJsonAnswers answers) {
        this.search = search;
        this.trail = trail;
        this.caller = caller;
        this.answers = answers;
    }

    @GET
    public Response studies(@Context UriInfo uri, @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        DicomJsonAnswers.requireAccepted(accept);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        List<String> uids = STUDY_UID.values(query);
        DicomJsonAnswers.requireUids(uids.toArray(String[]::new));
        List<String> modalities = MODALITIES.values(query);
        if (modalities.size() > 1) {
            throw DicomWebProblem.badRequest("ModalitiesInStudy matches one modality at a time");
        }
        List<Map<String, Object>> found = search.find(Set.copyOf(uids),
                        modalities.isEmpty() ? null : modalities.get(0), limit(query), offset(query)).stream()
                .map(study -> dataset(
                        "0020000D", element("UI", study.studyInstanceUid()),
                        "00080061", element("CS", study.modalities().toArray()),
                        "00201206", element("IS", study.seriesCount()),
                        "00201208", element("IS", study.instanceCount())))
                .toList();
        trail.append(AuditEntry.of(caller.actor(), AuditAction.IMAGES_SEARCHED)
                .detail("studies searched, " + found.size() + " found"));
        return answer(found, query, Set.of(STUDY_UID, MODALITIES));
    }

    @GET
    @Path("{study}/series")
    public Response series(@PathParam("study") String study, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        DicomJsonAnswers.requireAccepted(accept);
        DicomJsonAnswers.requireUids(study);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        StudySearch.SeriesFilter filter = new StudySearch.SeriesFilter(Set.copyOf(SERIES_UID.values(query)),
                Set.copyOf(MODALITY.values(query)), numbers(SERIES_NUMBER, query));
        List<Map<String, Object>> found = search.series(study, filter, limit(query), offset(query))
                .orElseThrow(() -> DicomWebProblem.notFound("study")).stream()
                .map(series -> dataset(
                        "0020000D", element("UI", series.studyInstanceUid()),
                        "0020000E", element("UI", series.seriesInstanceUid()),
                        "00080060", element("CS", present(series.modality(), !series.modality().isEmpty())),
                        "00200011", element("IS", present(series.seriesNumber(), series.seriesNumber() != 0)),
                        "00201209", element("IS", series.instanceCount())))
                .toList();
        trail.append(AuditEntry.of(caller.actor(), AuditAction.IMAGES_SEARCHED).study(study)
                .detail("series searched, " + found.size() + " found"));
        return answer(found, query, Set.of(SERIES_UID, MODALITY, SERIES_NUMBER));
    }

    @GET
    @Path("{study}/series/{series}/instances")
    public Response instances(@PathParam("study") String study, @PathParam("series") String series,
            @Context UriInfo uri, @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        DicomJsonAnswers.requireAccepted(accept);
        DicomJsonAnswers.requireUids(study, series);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        StudySearch.InstanceFilter filter = new StudySearch.InstanceFilter(Set.copyOf(SOP_UID.values(query)),
                Set.copyOf(SOP_CLASS.values(query)), numbers(INSTANCE_NUMBER, query));
        List<Map<String, Object>> found = search.instances(study, series, filter, limit(query), offset(query))
                .orElseThrow(() -> DicomWebProblem.notFound("series")).stream()
                .map(file -> {
                    // Rows 0: an instance without pixel data, which has no size or frames to tell
                    boolean image = file.rows() > 0;
                    return dataset(
                            "0020000D", element("UI", file.studyInstanceUid()),
                            "0020000E", element("UI", file.seriesInstanceUid()),
                            "00080016", element("UI", file.sopClassUid()),
                            "00080018", element("UI", file.sopInstanceUid()),
                            "00083002", element("UI", file.transferSyntaxUid()),
                            "00200013", element("IS", present(file.instanceNumber(), file.instanceNumber() != 0)),
                            "00280008", element("IS", present(file.numberOfFrames(), image)),
                            "00280010", element("US", present(file.rows(), image)),
                            "00280011", element("US", present(file.columns(), image)));
                })
                .toList();
        trail.append(AuditEntry.of(caller.actor(), AuditAction.IMAGES_SEARCHED).study(study)
                .detail("instances searched, " + found.size() + " found"));
        return answer(found, query, Set.of(SOP_UID, SOP_CLASS, INSTANCE_NUMBER));
    }

    /** The key's values as integers; 400 for one that is not. */
    private static Set<Integer> numbers(Key key, MultivaluedMap<String, String> query) {
        try {
            return key.values(query).stream().map(Integer::valueOf).collect(Collectors.toSet());
        } catch (NumberFormatException e) {
            throw DicomWebProblem.badRequest(key.keyword() + " must be whole numbers");
        }
    }

    /** The value, or none where Glean's record stands for an absent attribute (0, an empty string). */
    private static Object[] present(Object value, boolean held) {
        return held ? new Object[] {value} : new Object[0];
    }

    /** The datasets, with a Warning naming the matching keys that were ignored. */
    private Response answer(List<Map<String, Object>> found, MultivaluedMap<String, String> query,
            Set<Key> supported) {
        Set<String> known = new TreeSet<>(CONTROLS);
        supported.forEach(key -> {
            known.add(key.keyword());
            known.add(key.tag());
        });
        List<String> ignored = query.keySet().stream().filter(name -> !known.contains(name)).sorted().toList();
        Response.ResponseBuilder response = answers.ok(found);
        if (!ignored.isEmpty()) {
            response.header("Warning", "299 glean \"The following attributes were not supported for matching: "
                    + String.join(", ", ignored).replaceAll("[^A-Za-z0-9, ]", "") + "\"");
        }
        return response.build();
    }

    private static int limit(MultivaluedMap<String, String> query) {
        int limit = integer(query, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw DicomWebProblem.badRequest("limit must be 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    private static int offset(MultivaluedMap<String, String> query) {
        int offset = integer(query, "offset", 0);
        if (offset < 0) {
            throw DicomWebProblem.badRequest("offset must be 0 or more");
        }
        return offset;
    }

    private static int integer(MultivaluedMap<String, String> query, String name, int absent) {
        String value = query.getFirst(name);
        if (value == null) {
            return absent;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw DicomWebProblem.badRequest(name + " must be a whole number");
        }
    }

    /** One attribute of the DICOM JSON model; no values, no Value. */
    private static Map<String, Object> element(String vr, Object... values) {
        Map<String, Object> element = new LinkedHashMap<>();
        element.put("vr", vr);
        if (values.length > 0) {
            element.put("Value", List.of(values));
        }
        return element;
    }

    /** Tag, element, tag, element, ... in tag order. */
    private static Map<String, Object> dataset(Object... tagsAndElements) {
        Map<String, Object> dataset = new TreeMap<>();
        for (int i = 0; i < tagsAndElements.length; i += 2) {
            dataset.put((String) tagsAndElements[i], tagsAndElements[i + 1]);
        }
        return dataset;
    }
}
