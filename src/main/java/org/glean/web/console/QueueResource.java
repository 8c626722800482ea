package org.glean.web.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.glean.curation.CurationService;
import org.glean.security.AuditAction;
import org.glean.web.AuditedAs;
import org.glean.web.WebCaller;

/**
 * The annotation queue for curators: waiting, claimed and latest submitted tasks; each read is
 * recorded by the service. Refusals are answered by {@link org.glean.web.WebRefusals}.
 */
@Path("/api/console/queue")
@RolesAllowed("curator")
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {

    private final CurationService curation;
    private final WebCaller caller;

    public QueueResource(CurationService curation, WebCaller caller) {
        this.curation = curation;
        this.caller = caller;
    }

    /** At most {@code limit} tasks of each kind (1 to 1000). */
    @GET
    @AuditedAs(AuditAction.QUEUE_READ)
    public ConsoleJson.Queue queue(@QueryParam("limit") @DefaultValue("100") long limit) {
        return ConsoleJson.Queue.of(curation.readQueue(caller.actor(), limit),
                curation.readTasksAtWork(caller.actor(), limit));
    }
}
