package org.glean.web.dicomweb;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;
import org.glean.dicom.DicomUid;

/** What the DICOMweb resources share: the DICOM JSON media type, its Accept check, its answers, UID paths. */
@ApplicationScoped
class DicomJsonAnswers {

    static final String DICOM_JSON = "application/dicom+json";

    private final ObjectMapper json;

    DicomJsonAnswers(ObjectMapper json) {
        this.json = json;
    }

    /** 406 unless the Accept header takes application/dicom+json or application/json. */
    static void requireAccepted(List<String> accept) {
        AcceptHeader header = AcceptHeader.parse(accept);
        if (!header.allows("application", "dicom+json") && !header.allows("application", "json")) {
            throw DicomWebProblem.notAcceptable("this resource is answered as " + DICOM_JSON + "; ask for that");
        }
    }

    /** 400 unless every path segment named is a DICOM UID. */
    static void requireUids(String... uids) {
        for (String uid : uids) {
            if (!DicomUid.isValid(uid)) {
                throw DicomWebProblem.badRequest("a UID in the path is not a DICOM UID (digits and dots, at most "
                        + DicomUid.MAX_LENGTH + " characters)");
            }
        }
    }

    /** 200 with {@code datasets} as application/dicom+json. */
    Response.ResponseBuilder ok(List<?> datasets) {
        return Response.ok((StreamingOutput) out -> json.writeValue(out, datasets), DICOM_JSON);
    }
}
