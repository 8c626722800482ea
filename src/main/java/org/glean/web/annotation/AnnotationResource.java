package org.glean.web.annotation;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationException;
import org.glean.curation.CurationService;
import org.glean.curation.ImageAnnotation;
import org.glean.ingest.StudyNotFoundException;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.web.AuditedAs;
import org.glean.web.WebCaller;

/**
 * The annotator's page's JSON API over {@link CurationService}: claim the most informative task,
 * read it, keep its lease, and submit, skip or release it. The annotator is the token's subject;
 * refusals are answered by {@link org.glean.web.WebRefusals}. State changes are recorded by the
 * service with the change; reads here, before they are answered.
 */
@Path("/api/annotation/tasks")
@RolesAllowed("annotator")
@Produces(MediaType.APPLICATION_JSON)
public class AnnotationResource {

    private final CurationService curation;
    private final TaskViews views;
    private final WebCaller caller;
    private final AuditTrail trail;

    public AnnotationResource(CurationService curation, TaskViews views, WebCaller caller, AuditTrail trail) {
        this.curation = curation;
        this.views = views;
        this.caller = caller;
        this.trail = trail;
    }

    /** The boxes of a task, per frame; a frame of the task not listed has no findings. */
    public record Submission(List<ImageAnnotation> images) {
    }

    public record Skip(String reason) {
    }

    /** Where a task stands after a change. */
    public record TaskState(long id, String state, Instant leaseExpiresAt, Instant serverTime) {

        static TaskState of(AnnotationTask task) {
            return new TaskState(task.id(), task.state().name(), task.leaseExpiresAt(), Instant.now());
        }
    }

    /** Claims the most informative waiting task: 200 with it, or 204 when none waits. */
    @POST
    @Path("next")
    @AuditedAs(AuditAction.CLAIMED)
    public Response next() throws StudyNotFoundException {
        var claimed = curation.claimNext(caller.actor(), null);
        if (claimed.isEmpty()) {
            return Response.noContent().build();
        }
        return Response.ok(views.of(claimed.get())).build();
    }

    /** A task the caller holds or held (curators: any task). */
    @GET
    @Path("{taskId}")
    @AuditedAs(AuditAction.TASK_READ)
    public TaskView task(@PathParam("taskId") long taskId) throws CurationException, StudyNotFoundException {
        AnnotationTask task = curation.taskReadBy(taskId, caller.caller());
        TaskView view = views.of(task);
        trail.append(AuditEntry.of(caller.actor(), AuditAction.TASK_READ).task(task.id())
                .study(task.studyInstanceUid()).detail(task.state() + ", " + task.images().size() + " frame(s)"));
        return view;
    }

    /** Extends the caller's lease by glean.curation.lease-duration from now. */
    @POST
    @Path("{taskId}/lease")
    @AuditedAs(AuditAction.LEASE_RENEWED)
    public TaskState renewLease(@PathParam("taskId") long taskId) throws CurationException {
        return TaskState.of(curation.renewLease(taskId, caller.actor(), null));
    }

    @POST
    @Path("{taskId}/submission")
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.SUBMITTED)
    public TaskState submit(@PathParam("taskId") long taskId, Submission submission) throws CurationException {
        if (submission == null || submission.images() == null) {
            throw new IllegalArgumentException("a submission lists its images (an empty list: no findings)");
        }
        return TaskState.of(curation.submit(taskId, caller.actor(), submission.images()));
    }

    @POST
    @Path("{taskId}/skip")
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.SKIPPED)
    public TaskState skip(@PathParam("taskId") long taskId, Skip skip) throws CurationException {
        return TaskState.of(curation.skip(taskId, caller.actor(), skip == null ? null : skip.reason()));
    }

    @POST
    @Path("{taskId}/release")
    @AuditedAs(AuditAction.RELEASED)
    public TaskState release(@PathParam("taskId") long taskId) throws CurationException {
        return TaskState.of(curation.release(taskId, caller.actor()));
    }
}
