package org.glean.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The JSON body of every refused or failed REST request: the HTTP status, a short code the pages
 * switch on, and a sentence a person can act on. Carries no patient data.
 *
 * @param code e.g. {@code signed-out}, {@code forbidden}, {@code lease-expired}, {@code task-taken}
 */
public record Refusal(int status, String code, String message) {

    public Response response() {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(this).build();
    }
}
