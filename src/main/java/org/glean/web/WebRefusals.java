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
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every REST request that is refused for who makes it (no valid token: 401; a role it lacks: 403;
 * a state-changing request without {@link WebSession#REQUEST_HEADER}: 403) is answered with a
 * {@link Refusal} and recorded in the audit trail, as refused gRPC calls are: the actor (anonymous
 * when unknown), the resource's action ({@link AuditedAs}), and the path template, never the path
 * itself, which may hold UIDs.
 */
public class WebRefusals {

    private static final Logger LOG = Logger.getLogger(WebRefusals.class);
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
            HttpServerRequest request) {
        return signedOut(resource, request, "the token is not valid (expired, or not signed by a trusted key)");
    }

    /** No token at all, where the resource takes one. */
    @ServerExceptionMapper
    public Uni<Response> noToken(UnauthorizedException e, ResourceInfo resource, HttpServerRequest request) {
        return signedOut(resource, request, "the request carries no token");
    }

    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e, ResourceInfo resource, HttpServerRequest request) {
        String roles = requiredRoles(resource);
        return identities.getDeferredIdentity().map(identity -> identity.getPrincipal().getName())
                .flatMap(name -> refuse(new Refusal(403, "forbidden", "You are signed in as " + name
                        + ", who may not do this: it takes the role " + roles + "."), name, resource, request,
                        "it takes the role " + roles));
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
                + "try again."), Actor.ANONYMOUS, resource, request, "no " + WebSession.REQUEST_HEADER + " header");
    }

    private Uni<Response> signedOut(ResourceInfo resource, HttpServerRequest request, String detail) {
        return refuse(new Refusal(401, "signed-out", "You are not signed in, or your session has expired. "
                + "Sign in again."), Actor.ANONYMOUS, resource, request, detail)
                .map(response -> Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    // The row is written off the event loop, before the refusal is answered.
    private Uni<Response> refuse(Refusal refusal, String actor, ResourceInfo resource, HttpServerRequest request,
            String detail) {
        AuditEntry entry = AuditEntry.of(new Actor(actor, WebCaller.peer(request)), actionOf(resource))
                .outcome(refusal.status() == 401 ? "UNAUTHENTICATED" : AuditEntry.PERMISSION_DENIED)
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
