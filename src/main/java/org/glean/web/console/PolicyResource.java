package org.glean.web.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.glean.curation.CurationPolicy;
import org.glean.curation.CurationService;
import org.glean.security.AuditAction;
import org.glean.web.AuditedAs;
import org.glean.web.WebCaller;

/**
 * The curation policy: read it, and put a new one in force (recorded in the audit trail by the
 * service). Refusals are answered by {@link org.glean.web.WebRefusals}.
 */
@Path("/api/console/policy")
@RolesAllowed("curator")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    private final CurationService curation;
    private final WebCaller caller;

    public PolicyResource(CurationService curation, WebCaller caller) {
        this.curation = curation;
        this.caller = caller;
    }

    @GET
    @AuditedAs(AuditAction.POLICY_READ)
    public ConsoleJson.Policy policy() {
        return ConsoleJson.Policy.of(curation.policy());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.POLICY_CHANGED)
    public ConsoleJson.Policy change(ConsoleJson.PolicyChange change) {
        if (change == null || change.budgetPerPeriod() == null || change.budgetPeriodSeconds() == null) {
            throw new IllegalArgumentException("A policy needs a budget per period (0 for no budget) and a budget "
                    + "period in seconds; the threshold may be left empty for none.");
        }
        return ConsoleJson.Policy.of(curation.setPolicy(new CurationPolicy.Change(change.informativenessThreshold(),
                change.budgetPerPeriod(), Duration.ofSeconds(change.budgetPeriodSeconds()), caller.actor())));
    }
}
