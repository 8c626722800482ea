package org.glean.web;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.glean.curation.InvalidAnnotationException;
import org.glean.curation.LeaseExpiredException;
import org.glean.curation.TaskNotFoundException;
import org.glean.curation.TaskNotYoursException;
import org.glean.curation.TaskStateException;
import org.glean.ingest.StudyNotFoundException;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.training.JobNotFoundException;
import org.glean.training.ModelVersionNotFoundException;
import org.glean.training.TrainingRefusedException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The one table of which refusal is which HTTP answer, for every REST resource. A request refused
 * for who makes it (no valid token: 401; a role it lacks: 403; a state-changing request without
 * {@link WebSession#REQUEST_HEADER}: 403) or by a service (an unknown task, model version or job:
 * 404; a lease that ran out, a task someone else holds, a training refusal: 409; an invalid
 * annotation: 422; bad input: 400) is answered with
 * a {@link Refusal} and recorded in the audit trail, as refused gRPC calls are: the actor (anonymous
 * when unknown), the resource's action ({@link AuditedAs}), the task its path names, and the path
 * template, never the path itself or the service's words, which may hold UIDs.
 */
public class WebRefusals {

    private static final Logger LOG = Logger.getLogger(WebRefusals.class);
    // The audit trail's outcomes are gRPC's codes, whichever front answered.
    private static final Map<Integer, String> OUTCOMES = Map.of(400, "INVALID_ARGUMENT", 401, "UNAUTHENTICATED",
            403, AuditEntry.PERMISSION_DENIED, 404, "NOT_FOUND", 409, "FAILED_PRECONDITION", 422, "INVALID_ARGUMENT");
    private static final Set<String> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final AuditTrail trail;
    private final CurrentIdentityAssociation identities;

    public WebRefusals(AuditTrail trail, CurrentIdentityAssociation identities) {
        this.trail = trail;
        this.identities = identities;
    }

    /** A token was sent but is not valid: expired, forged, of another issuer. */
    @ServerExceptionMapper
    public Uni<Response> invalidToken(AuthenticationFailedException e, ResourceInfo resource,
            HttpServerRequest request, UriInfo uri) {
        return signedOut(resource, request, uri, "the token is not valid (expired, or not signed by a trusted key)");
    }

    /** No token at all, where the resource takes one. */
    @ServerExceptionMapper
    public Uni<Response> noToken(UnauthorizedException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return signedOut(resource, request, uri, "the request carries no token");
    }

    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        String roles = requiredRoles(resource);
        return identities.getDeferredIdentity().map(identity -> identity.getPrincipal().getName())
                .flatMap(name -> refuse(new Refusal(403, "forbidden", "You are signed in as " + name
                        + ", who may not do this: it takes the role " + roles + "."), name, resource, request, uri,
                        "it takes the role " + roles));
    }

    // ---- the services' refusals: the service's own sentence to the caller, its code to the trail ----

    @ServerExceptionMapper
    public Uni<Response> taskNotFound(TaskNotFoundException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return refusedByService(new Refusal(404, "not-found", "This task does not exist."), resource, request, uri);
    }

    @ServerExceptionMapper
    public Uni<Response> studyNotFound(StudyNotFoundException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return refusedByService(new Refusal(404, "not-found", "This study is not stored here (any more)."),
                resource, request, uri);
    }

    /** Covers its subclasses: a lease that ran out, a task someone else holds. */
    @ServerExceptionMapper
    public Uni<Response> taskState(TaskStateException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        String code = e instanceof LeaseExpiredException ? "lease-expired"
                : e instanceof TaskNotYoursException ? "task-taken" : "task-state";
        return refusedByService(new Refusal(409, code, sentence(e.getMessage())), resource, request, uri);
    }

    @ServerExceptionMapper
    public Uni<Response> invalidAnnotation(InvalidAnnotationException e, ResourceInfo resource,
            HttpServerRequest request, UriInfo uri) {
        return refusedByService(new Refusal(422, "invalid-annotation", "The boxes could not be saved: "
                + String.join("; ", e.problems()) + "."), resource, request, uri);
    }

    /** An unknown model version or fine-tuning job. */
    @ServerExceptionMapper({ModelVersionNotFoundException.class, JobNotFoundException.class})
    public Uni<Response> modelOrJobNotFound(Exception e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return refusedByService(new Refusal(404, "not-found", sentence(e.getMessage())), resource, request, uri);
    }

    /** A job while another runs, promoting the current version, nothing to roll back to, remote inference. */
    @ServerExceptionMapper
    public Uni<Response> trainingRefused(TrainingRefusedException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return refusedByService(new Refusal(409, "refused", sentence(e.getMessage())), resource, request, uri);
    }

    @ServerExceptionMapper
    public Uni<Response> badInput(IllegalArgumentException e, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return refusedByService(new Refusal(400, "bad-request", sentence(e.getMessage())), resource, request, uri);
    }

    /**
     * CSRF: a state-changing request must carry {@link WebSession#REQUEST_HEADER}, which a form
     * or a cross-site page cannot send (besides the SameSite=Strict cookie, and JSON bodies).
     */
    @ServerRequestFilter
    public Uni<Response> requireRequestHeader(ContainerRequestContext context, ResourceInfo resource,
            HttpServerRequest request) {
        if (!STATE_CHANGING.contains(context.getMethod()) || context.getHeaderString(WebSession.REQUEST_HEADER) != null) {
            return Uni.createFrom().nullItem();
        }
        return refuse(new Refusal(403, "missing-request-header", "This request was refused because it did not come "
                + "from a Glean page (the " + WebSession.REQUEST_HEADER + " header is missing). Reload the page and "
                + "try again."), Actor.ANONYMOUS, resource, request, context.getUriInfo(),
                "no " + WebSession.REQUEST_HEADER + " header");
    }

    private Uni<Response> signedOut(ResourceInfo resource, HttpServerRequest request, UriInfo uri, String detail) {
        return refuse(new Refusal(401, "signed-out", "You are not signed in, or your session has expired. "
                + "Sign in again."), Actor.ANONYMOUS, resource, request, uri, detail)
                .map(response -> Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    private Uni<Response> refusedByService(Refusal refusal, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri) {
        return identities.getDeferredIdentity().map(identity -> identity.getPrincipal().getName())
                .flatMap(name -> refuse(refusal, name, resource, request, uri, "answered " + refusal.code()));
    }

    // The row is written off the event loop, before the refusal is answered.
    private Uni<Response> refuse(Refusal refusal, String actor, ResourceInfo resource, HttpServerRequest request,
            UriInfo uri, String detail) {
        AuditEntry entry = AuditEntry.of(new Actor(actor, WebCaller.peer(request)), actionOf(resource))
                .outcome(OUTCOMES.getOrDefault(refusal.status(), "FAILED_PRECONDITION")).task(taskId(uri))
                .detail(request.method() + " " + template(resource) + ": " + detail);
        return Uni.createFrom().item(() -> {
            try {
                trail.append(entry);
            } catch (RuntimeException e) {
                LOG.errorf(e, "The audit row of a REST request answered %d could not be written", refusal.status());
            }
            return refusal.response();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** The task a path names as {@code {taskId}}, for the row; null when none or not a number. */
    private static Long taskId(UriInfo uri) {
        String id = uri == null ? null : uri.getPathParameters().getFirst("taskId");
        return id != null && !id.isEmpty() && id.length() < 19 && id.chars().allMatch(Character::isDigit)
                ? Long.valueOf(id) : null;
    }

    // A service's message as a sentence: capitalised, with its full stop.
    private static String sentence(String message) {
        String text = message == null || message.isBlank() ? "The request was refused" : message.strip();
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }

    private static AuditAction actionOf(ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        AuditedAs action = method == null ? null : method.getAnnotation(AuditedAs.class);
        return action == null ? AuditAction.WEB_REQUEST : action.value();
    }

    /** The resource's path as declared ({@code /dicomweb/studies/{study}}), which names no UID. */
    private static String template(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return "(no resource)";
        }
        Path type = resource.getResourceClass().getAnnotation(Path.class);
        Path method = resource.getResourceMethod().getAnnotation(Path.class);
        String path = (type == null ? "" : type.value()) + (method == null ? "" : "/" + method.value());
        return path.replaceAll("/+", "/");
    }

    private static String requiredRoles(ResourceInfo resource) {
        RolesAllowed roles = resource == null || resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(RolesAllowed.class);
        if (roles == null && resource != null && resource.getResourceClass() != null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return roles == null ? "admin" : String.join(" or ", Arrays.asList(roles.value())) + " (or admin)";
    }
}
