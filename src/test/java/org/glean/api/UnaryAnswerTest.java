package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glean.curation.InvalidAnnotationException;
import org.glean.curation.TaskNotFoundException;
import org.glean.curation.TaskNotYoursException;
import org.glean.curation.TaskStateException;
import org.glean.ingest.StudyNotFoundException;
import org.glean.training.JobNotFoundException;
import org.glean.training.ModelVersionNotFoundException;
import org.glean.training.TrainingRefusedException;
import org.junit.jupiter.api.Test;

class UnaryAnswerTest {

    @Test
    void answersTheResponseAndCompletes() {
        Recorder<String> observer = new Recorder<>();

        UnaryAnswer.answer(observer, () -> "done");

        assertThat(observer.values).containsExactly("done");
        assertThat(observer.completed).isTrue();
        assertThat(observer.error).isNull();
    }

    @Test
    void answersEachRefusalWithItsStatusAndMessage() {
        assertThat(refused(new TaskNotFoundException(7))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refused(new StudyNotFoundException("1.2.3"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refused(new ModelVersionNotFoundException("no v9"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refused(new JobNotFoundException("no job 3"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refused(new TaskNotYoursException("not yours"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused(new TaskStateException("submitted"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused(new TrainingRefusedException("a job runs"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused(new InvalidAnnotationException(7, List.of("box outside the image"))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused(new IllegalArgumentException("limit too large"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void keepsTheRefusalsMessageForTheCaller() {
        Recorder<String> observer = new Recorder<>();

        UnaryAnswer.answer(observer, () -> {
            throw new TaskNotYoursException("task 7 is not ann's");
        });

        assertThat(observer.error.getStatus().getDescription()).isEqualTo("task 7 is not ann's");
        assertThat(observer.values).isEmpty();
        assertThat(observer.completed).isFalse();
    }

    @Test
    void passesFailuresThatAreNoRefusalOnToGrpc() {
        assertThatThrownBy(() -> UnaryAnswer.answer(new Recorder<String>(), () -> {
            throw new IllegalStateException("the database is gone");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the database is gone");
        assertThatThrownBy(() -> UnaryAnswer.answer(new Recorder<String>(), () -> {
            throw new IOException("disk full");
        })).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(IOException.class);
    }

    private static Status.Code refused(Exception refusal) {
        Recorder<String> observer = new Recorder<>();
        UnaryAnswer.answer(observer, () -> {
            throw refusal;
        });
        assertThat(observer.error.getStatus().getDescription()).isEqualTo(refusal.getMessage());
        return observer.error.getStatus().getCode();
    }

    private static final class Recorder<T> implements StreamObserver<T> {
        final List<T> values = new ArrayList<>();
        StatusRuntimeException error;
        boolean completed;

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = (StatusRuntimeException) t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }
}
