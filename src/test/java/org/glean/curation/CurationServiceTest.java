package org.glean.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.glean.curation.CurationFixtures.CLASSES;
import static org.glean.curation.CurationFixtures.MODEL;
import static org.glean.curation.CurationFixtures.budget;
import static org.glean.curation.CurationFixtures.everything;
import static org.glean.curation.CurationFixtures.study;
import static org.glean.curation.CurationFixtures.threshold;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.curation.AnnotationTask.AnnotatedBox;
import org.glean.curation.AnnotationTask.TaskEvent;
import org.glean.curation.CurationDecision.Outcome;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.curation.ScoredStudy.ScoredImage;
import org.glean.security.Actor;
import org.glean.security.AuditTrail;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class CurationServiceTest {

    @Inject
    CurationService curation;

    @Inject
    CurationConfig config;

    @Inject
    DataSource dataSource;

    @Inject
    Event<AnnotationSubmitted> annotationSubmitted;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private static Actor annotator(String name) {
        return new Actor(name, null);
    }

    @BeforeEach
    void cleanSlate() throws SQLException {
        CurationFixtures.clear(dataSource);
    }

    @Test
    void thresholdQueuesOnlyStudiesAtOrAboveIt() {
        curation.setPolicy(threshold(1.0));

        CurationDecision above = curation.decide(study(2.5), CLASSES);
        CurationDecision at = curation.decide(study(1.0), CLASSES);
        CurationDecision below = curation.decide(study(0.4), CLASSES);
        CurationDecision empty = curation.decide(study(ScoredImage.NO_OBJECTS), CLASSES);

        assertThat(above.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(above.taskId()).isNotNull();
        assertThat(at.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(below.outcome()).isEqualTo(Outcome.NOT_QUEUED);
        assertThat(below.taskId()).isNull();
        assertThat(below.reason()).contains("informativeness 0.4 is below the threshold 1.0");
        assertThat(empty.outcome()).isEqualTo(Outcome.NOT_QUEUED);
        assertThat(empty.reason()).contains("no object found");
        assertThat(curation.queue(10)).extracting(AnnotationTask::id).containsExactly(above.taskId(), at.taskId());
    }

    @Test
    void queuedTaskCarriesTheModelsObjectsAsPreAnnotations() throws Exception {
        curation.setPolicy(everything());
        ScoredStudy scored = study(1.7);

        AnnotationTask task = curation.task(curation.decide(scored, CLASSES).taskId());

        assertThat(task.state()).isEqualTo(TaskState.QUEUED);
        assertThat(task.classNames()).isEqualTo(CLASSES);
        assertThat(task.modelVersion()).isEqualTo(MODEL);
        assertThat(task.images()).extracting(AnnotationTask.Image::sopInstanceUid)
                .containsExactly(scored.images().get(0).sopInstanceUid(), scored.images().get(1).sopInstanceUid());
        assertThat(task.images().get(0).preAnnotations())
                .containsExactly(new PreAnnotation("nodule", 0.8, 10, 12, 20, 22));
        assertThat(task.images().get(1).preAnnotations()).isEmpty();
        assertThat(task.images().get(1).informativeness()).isEqualTo(ScoredImage.NO_OBJECTS);
        assertThat(task.history()).extracting(TaskEvent::actor, TaskEvent::action, TaskEvent::toState)
                .containsExactly(tuple("glean", "QUEUED", TaskState.QUEUED));
    }

    @Test
    void decidingAgainIsIdempotentAndAStudyHasAtMostOneOpenTask() {
        curation.setPolicy(everything());
        ScoredStudy scored = study(2.0);

        CurationDecision first = curation.decide(scored, CLASSES);
        CurationDecision again = curation.decide(scored, CLASSES);
        CurationDecision newModel = curation.decide(
                new ScoredStudy(scored.studyInstanceUid(), "model-2", 3.0, scored.images()), CLASSES);

        assertThat(again).isEqualTo(first);
        assertThat(newModel.outcome()).isEqualTo(Outcome.ALREADY_OPEN);
        assertThat(newModel.taskId()).isEqualTo(first.taskId());
        assertThat(newModel.reason()).contains("task " + first.taskId() + " (QUEUED) is already open");
        assertThat(curation.waitingCount()).isEqualTo(1);
    }

    @Test
    void budgetKeepsTheMostInformativeStudiesOfThePeriod() throws Exception {
        curation.setPolicy(budget(2));

        CurationDecision low = curation.decide(study(1.0), CLASSES);
        CurationDecision high = curation.decide(study(3.0), CLASSES);
        CurationDecision middle = curation.decide(study(2.0), CLASSES);
        CurationDecision lowest = curation.decide(study(0.5), CLASSES);

        assertThat(low.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(high.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(middle.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(middle.reason()).contains("beats task " + low.taskId(), "displaces");
        assertThat(lowest.outcome()).isEqualTo(Outcome.NOT_QUEUED);
        assertThat(lowest.reason()).contains("the budget of 2 tasks", "is spent",
                "least informative waiting task " + middle.taskId());
        AnnotationTask displaced = curation.task(low.taskId());
        assertThat(displaced.state()).isEqualTo(TaskState.SKIPPED);
        assertThat(displaced.skipReason()).contains("displaced by the more informative task " + middle.taskId());
        assertThat(displaced.history()).extracting(TaskEvent::action).containsExactly("QUEUED", "DISPLACED");
        // priority: the queue hands out the most informative first
        assertThat(curation.queue(10)).extracting(AnnotationTask::id).containsExactly(high.taskId(), middle.taskId());
    }

    @Test
    void theHolderRenewsALeaseButNotOneThatRanOutNorSomeoneElses() throws Exception {
        curation.decide(study(1.0), CLASSES);
        AnnotationTask claimed = curation.claimNext(annotator("annotator-a"), Duration.ofSeconds(30)).orElseThrow();

        AnnotationTask renewed = curation.renewLease(claimed.id(), annotator("annotator-a"), Duration.ofHours(1));

        assertThat(renewed.state()).isEqualTo(TaskState.CLAIMED);
        assertThat(renewed.leaseExpiresAt()).isAfter(claimed.leaseExpiresAt().plus(Duration.ofMinutes(50)));
        assertThat(renewed.history()).last().satisfies(event -> {
            assertThat(event.action()).isEqualTo("LEASE_RENEWED");
            assertThat(event.actor()).isEqualTo("annotator-a");
            assertThat(event.detail()).startsWith("leased until ");
        });
        assertThatThrownBy(() -> curation.renewLease(claimed.id(), annotator("annotator-b"), null))
                .isInstanceOf(TaskNotYoursException.class);

        curation.renewLease(claimed.id(), annotator("annotator-a"), Duration.ofMillis(300));
        Thread.sleep(600);
        assertThatThrownBy(() -> curation.renewLease(claimed.id(), annotator("annotator-a"), null))
                .isInstanceOf(LeaseExpiredException.class).hasMessageContaining("its lease ran out");
    }

    @Test
    void claimedTasksAreNotDisplacedByTheBudget() {
        curation.setPolicy(budget(1));
        CurationDecision first = curation.decide(study(1.0), CLASSES);
        curation.claimNext(annotator("annotator-a"), null);

        CurationDecision better = curation.decide(study(5.0), CLASSES);

        assertThat(better.outcome()).isEqualTo(Outcome.NOT_QUEUED);
        assertThat(better.reason()).contains("every task of the period is claimed or done");
        assertThat(curation.queue(10)).isEmpty();
        assertThat(first.outcome()).isEqualTo(Outcome.QUEUED);
    }

    @Test
    void policyChangeIsRecordedWithLaterDecisionsOnly() {
        CurationPolicy lenient = curation.setPolicy(everything());
        CurationDecision before = curation.decide(study(0.3), CLASSES);

        CurationPolicy strict = curation.setPolicy(threshold(0.5));
        CurationDecision after = curation.decide(study(0.3), CLASSES);

        assertThat(strict.version()).isGreaterThan(lenient.version());
        assertThat(curation.policy()).isEqualTo(strict);
        assertThat(before.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(after.outcome()).isEqualTo(Outcome.NOT_QUEUED);
        assertThat(curation.decision(before.studyInstanceUid(), MODEL).orElseThrow().policy()).isEqualTo(lenient);
        assertThat(curation.decision(after.studyInstanceUid(), MODEL).orElseThrow().policy()).isEqualTo(strict);
        assertThat(strict.changedBy()).isEqualTo("test-operator");
    }

    @Test
    void scoredStudyWithLabelsOutsideTheModelsClassesIsRefused() {
        assertThatThrownBy(() -> curation.decide(study(1.0), List.of("mass")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("objects labelled [nodule] are not among the model's classes [mass]");
    }

    @Test
    void restartKeepsTasksDecisionsAndAudit() throws Exception {
        curation.setPolicy(everything());
        CurationDecision submittedDecision = curation.decide(study(3.0), CLASSES);
        CurationDecision claimedDecision = curation.decide(study(2.0), CLASSES);
        AnnotationTask toSubmit = curation.claimNext(annotator("annotator-a"), null).orElseThrow();
        curation.submit(toSubmit.id(), annotator("annotator-a"), List.of(new ImageAnnotation(
                toSubmit.images().get(0).sopInstanceUid(), 1, List.of(new AnnotatedBox("mass", 1, 2, 30, 40)))));
        curation.claimNext(annotator("annotator-b"), Duration.ofHours(1));
        AnnotationTask submitted = curation.task(submittedDecision.taskId());
        AnnotationTask claimed = curation.task(claimedDecision.taskId());

        // A second server on the same database: a service with its own connections and no
        // state but the database's.
        PGSimpleDataSource fresh = new PGSimpleDataSource();
        fresh.setURL(jdbcUrl);
        fresh.setUser(username);
        fresh.setPassword(password);
        AuditTrail trail = new AuditTrail(fresh);
        TaskImageRepository images = new TaskImageRepository();
        CurationService restarted = new CurationService(fresh, new PolicyRepository(trail),
                new DecisionRepository(trail), new TaskRepository(images, trail), images, config, trail,
                annotationSubmitted);

        assertThat(restarted.task(submitted.id())).isEqualTo(submitted);
        assertThat(restarted.task(claimed.id())).isEqualTo(claimed);
        assertThat(restarted.decision(submittedDecision.studyInstanceUid(), MODEL)).contains(submittedDecision);
        assertThat(submitted.history()).extracting(TaskEvent::actor, TaskEvent::action)
                .containsExactly(tuple("glean", "QUEUED"),
                        tuple("annotator-a", "CLAIMED"),
                        tuple("annotator-a", "SUBMITTED"));
        assertThat(submitted.images().get(0).annotation()).containsExactly(new AnnotatedBox("mass", 1, 2, 30, 40));
        assertThat(submitted.images().get(1).annotation()).isEmpty();
        assertThat(claimed.state()).isEqualTo(TaskState.CLAIMED);
        assertThat(claimed.annotatorId()).isEqualTo("annotator-b");
    }
}
