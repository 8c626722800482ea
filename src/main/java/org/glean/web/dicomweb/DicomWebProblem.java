package org.glean.web.dicomweb;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * A DICOMweb request answered with an error: its HTTP status and a message a person can act on,
 * generic enough to hold no patient data and no UIDs ("no such instance").
 */
final class DicomWebProblem extends RuntimeException {

    private final Response.Status status;

    DicomWebProblem(Response.Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static DicomWebProblem notFound(String what) {
        return new DicomWebProblem(Response.Status.NOT_FOUND, "no such " + what);
    }

    static DicomWebProblem badRequest(String message) {
        return new DicomWebProblem(Response.Status.BAD_REQUEST, message);
    }

    static DicomWebProblem notAcceptable(String message) {
        return new DicomWebProblem(Response.Status.NOT_ACCEPTABLE, message);
    }

    /** Answers the problem as {@code {"error": message}}. */
    @Provider
    public static final class Mapper implements ExceptionMapper<DicomWebProblem> {

        @Override
        public Response toResponse(DicomWebProblem problem) {
            return Response.status(problem.status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", problem.getMessage())).build();
        }
    }
}
