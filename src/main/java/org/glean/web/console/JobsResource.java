package org.glean.web.console;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.glean.security.AuditAction;
import org.glean.training.FineTuneJob;
import org.glean.training.FineTuneJobs;
import org.glean.training.JobNotFoundException;
import org.glean.training.TrainingRefusedException;
import org.glean.web.AuditedAs;
import org.glean.web.WebCaller;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Fine-tuning jobs for curators: start one, read the latest, and follow one live as server-sent
 * events (the job now, then every change until it ends), as Models.WatchJob streams it. Refusals
 * are answered by {@link org.glean.web.WebRefusals}.
 */
@Path("/api/console/jobs")
@RolesAllowed("curator")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private final FineTuneJobs jobs;
    private final WebCaller caller;

    public JobsResource(FineTuneJobs jobs, WebCaller caller) {
        this.jobs = jobs;
        this.caller = caller;
    }

    /** Starts a job from the current version: 201 with the job, which runs in the background. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.FINE_TUNE_STARTED)
    public Response start(ConsoleJson.JobRequest request) throws TrainingRefusedException {
        ConsoleJson.JobRequest settings = request == null ? new ConsoleJson.JobRequest(null, null) : request;
        FineTuneJob job = jobs.start(FineTuneJob.Trigger.MANUAL, caller.actor(), settings.epochs(),
                settings.learningRate());
        return Response.created(URI.create("/api/console/jobs/" + job.id())).entity(ConsoleJson.Job.of(job)).build();
    }

    /** The job started last, running or ended; 204 before the first. */
    @GET
    @Path("latest")
    @AuditedAs(AuditAction.JOB_READ)
    public ConsoleJson.Job latest() {
        return jobs.latest().map(ConsoleJson.Job::of).orElse(null);
    }

    @GET
    @Path("{jobId}")
    @AuditedAs(AuditAction.JOB_READ)
    public ConsoleJson.Job job(@RestPath long jobId) throws JobNotFoundException {
        return ConsoleJson.Job.of(jobs.job(jobId));
    }

    /** The job now, then each change until it ends; a job that has ended, once. 404 for no such job. */
    @GET
    @Path("{jobId}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.JOB_READ)
    @Blocking
    public Multi<ConsoleJson.Job> progress(@RestPath long jobId) throws JobNotFoundException {
        jobs.job(jobId);
        // Jobs are never deleted: the one found above is found again.
        return Multi.createFrom().<ConsoleJson.Job>emitter(emitter -> {
            try {
                FineTuneJobs.Watch watch = jobs.watch(jobId, job -> {
                    if (emitter.isCancelled()) {
                        throw new IllegalStateException("the page stopped following the job");
                    }
                    emitter.emit(ConsoleJson.Job.of(job));
                    if (job.finished()) {
                        emitter.complete();
                    }
                });
                emitter.onTermination(watch::close);
            } catch (JobNotFoundException e) {
                emitter.fail(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
