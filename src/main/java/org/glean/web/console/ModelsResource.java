package org.glean.web.console;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.glean.security.AuditAction;
import org.glean.training.LearningCurve;
import org.glean.training.ModelPromotion;
import org.glean.training.ModelVersionInfo;
import org.glean.training.ModelVersionNotFoundException;
import org.glean.training.TrainingRefusedException;
import org.glean.web.AuditedAs;
import org.glean.web.WebCaller;
import org.jboss.resteasy.reactive.RestPath;

/**
 * Model versions for curators: the list with validation figures, the learning curve, and Promote
 * and Rollback with a reason (recorded in the promotion history and the audit trail by the service).
 * Refusals are answered by {@link org.glean.web.WebRefusals}.
 */
@Path("/api/console/models")
@RolesAllowed("curator")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    private final ModelPromotion promotion;
    private final WebCaller caller;

    public ModelsResource(ModelPromotion promotion, WebCaller caller) {
        this.promotion = promotion;
        this.caller = caller;
    }

    /** Every version, oldest first. */
    @GET
    @AuditedAs(AuditAction.MODELS_READ)
    public List<ModelVersionInfo> versions() {
        return promotion.versions();
    }

    @GET
    @Path("learning-curve")
    @AuditedAs(AuditAction.MODELS_READ)
    public LearningCurve learningCurve() {
        return promotion.learningCurve();
    }

    @POST
    @Path("{versionId}/promote")
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.PROMOTED)
    public ModelVersionInfo promote(@RestPath String versionId, ConsoleJson.Reason reason)
            throws ModelVersionNotFoundException, TrainingRefusedException {
        return promotion.promote(versionId, caller.actor(), required(reason, "promoting a version"));
    }

    @POST
    @Path("rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.ROLLED_BACK)
    public ModelVersionInfo rollback(ConsoleJson.Reason reason) throws TrainingRefusedException {
        return promotion.rollback(caller.actor(), required(reason, "rolling back"));
    }

    // The console asks why every time: the promotion history is read when a version misbehaves.
    private static String required(ConsoleJson.Reason reason, String what) {
        String why = reason == null || reason.reason() == null ? "" : reason.reason().strip();
        if (why.isEmpty()) {
            throw new IllegalArgumentException("Give a reason for " + what + ": it is kept in the promotion history.");
        }
        return why;
    }
}
