package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.glean.curation.CurationException;
import org.glean.curation.TaskNotFoundException;
import org.glean.curation.TaskNotYoursException;
import org.glean.curation.TaskStateException;
import org.glean.ingest.StudyNotFoundException;
import org.glean.training.JobNotFoundException;
import org.glean.training.ModelVersionNotFoundException;
import org.glean.training.TrainingRefusedException;

/**
 * Answers a unary call with its response, or with the status its refusal means: the one table
 * of which domain refusal is which gRPC status, for every service. Other runtime failures go on
 * to gRPC, which answers them as failures of the server.
 */
final class UnaryAnswer {

    /** A call's work: its response, or a refusal. */
    interface Call<T> {
        T run() throws Exception;
    }

    private UnaryAnswer() {
    }

    static <T> void answer(StreamObserver<T> responseObserver, Call<T> call) {
        T response;
        try {
            response = call.run();
        } catch (Exception e) {
            responseObserver.onError(statusOf(e).withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        responseObserver.onNext(response);
        responseObserver.onCompleted();
    }

    /** The status a refusal is answered with; an exception that is no refusal is thrown on. */
    static Status statusOf(Exception refusal) {
        if (refusal instanceof TaskNotFoundException || refusal instanceof StudyNotFoundException
                || refusal instanceof ModelVersionNotFoundException || refusal instanceof JobNotFoundException) {
            return Status.NOT_FOUND;
        }
        // before its parent TaskStateException: another annotator's task is a matter of permission
        if (refusal instanceof TaskNotYoursException) {
            return Status.PERMISSION_DENIED;
        }
        if (refusal instanceof TaskStateException || refusal instanceof TrainingRefusedException) {
            return Status.FAILED_PRECONDITION;
        }
        // the remaining curation refusal is an InvalidAnnotationException
        if (refusal instanceof IllegalArgumentException || refusal instanceof CurationException) {
            return Status.INVALID_ARGUMENT;
        }
        if (refusal instanceof RuntimeException failure) {
            throw failure;
        }
        throw new IllegalStateException("no status for " + refusal.getClass().getName(), refusal);
    }
}
