package org.glean.pacs;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.glean.curation.CurationService;
import org.glean.curation.TaskNotFoundException;
import org.glean.dicom.MalformedDicomException;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.StudyScores;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * Writes into the outbox the results that should be there and are not: documents are written
 * after what causes them commits, so a process that stops in between, or a write that fails,
 * leaves a gap. At start-up and every {@code glean.pacs.outbox.catch-up.interval} it walks the
 * results of the last {@code glean.pacs.outbox.catch-up.window}, a page at a time, and writes each
 * missing one as the event would have: the report (and the selection of a queued study) of each
 * study's latest analysis, and the SR of each submitted annotation. Documents' UIDs are derived
 * from what they are and the outbox keeps one delivery per destination and document, so writing
 * again adds nothing.
 */
@ApplicationScoped
public class OutboxCatchUp {

    static final int PAGE = 100;
    private static final Logger LOG = Logger.getLogger(OutboxCatchUp.class);

    private final PacsConfig config;
    private final Outbox outbox;
    private final OutboxDelivery delivery;
    private final ResultsForPacs results;
    private final AnalysisRepository analyses;
    private final CurationService curation;

    public OutboxCatchUp(PacsConfig config, Outbox outbox, OutboxDelivery delivery, ResultsForPacs results,
            AnalysisRepository analyses, CurationService curation) {
        this.config = config;
        this.outbox = outbox;
        this.delivery = delivery;
        this.results = results;
        this.analyses = analyses;
        this.curation = curation;
    }

    /**
     * One walk over the window: writes every missing document it can, logs (without patient data)
     * those it cannot, and goes on past them.
     *
     * @return the number of deliveries added
     */
    public int sweep() {
        Duration window = config.outbox().catchUp().window();
        Set<String> forReports = delivery.destinationsTaking(DocumentKind.SR);
        Set<String> forSelections = delivery.destinationsTaking(DocumentKind.KOS);
        Set<String> forAnnotations = delivery.destinationsTaking(DocumentKind.ANNOTATION_SR);
        int added = 0;
        if (!forReports.isEmpty() || !forSelections.isEmpty()) {
            added += walk(after -> outbox.scoredGaps(after, window, forReports, forSelections, PAGE), this::writeScored);
        }
        if (!forAnnotations.isEmpty()) {
            added += walk(after -> outbox.annotationGaps(after, window, forAnnotations, PAGE), this::writeAnnotation);
        }
        if (added > 0) {
            LOG.infof("The PACS outbox caught up with %d deliveries that had not been written", added);
        }
        return added;
    }

    // Page after page until a short one; a gap that cannot be written is passed, not asked for again.
    private static int walk(Function<Outbox.Position, List<Outbox.Gap>> query, ToIntFunction<Outbox.Gap> write) {
        int added = 0;
        Outbox.Position after = Outbox.Position.START;
        List<Outbox.Gap> page;
        do {
            page = query.apply(after);
            for (Outbox.Gap gap : page) {
                added += write.applyAsInt(gap);
                after = gap.position();
            }
        } while (page.size() == PAGE);
        return added;
    }

    @Scheduled(identity = "pacs-outbox-catch-up", every = "${glean.pacs.outbox.catch-up.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSweep() {
        if (config.destinations().values().stream().noneMatch(PacsConfig.Destination::enabled)) {
            return;
        }
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.errorf("The catch-up of the PACS outbox failed (%s); the next one tries again", e.getMessage());
        }
    }

    // The study's latest analysis now, which a rescoring since the query may have replaced: that one is written.
    private int writeScored(Outbox.Gap gap) {
        try {
            Optional<StudyScores> scores = analyses.latest(gap.studyInstanceUid());
            if (scores.isEmpty()) {
                return 0;
            }
            return results.writeScored(gap.studyInstanceUid(), scores.get(),
                    curation.decision(gap.studyInstanceUid(), scores.get().modelVersion()));
        } catch (MalformedDicomException | RuntimeException e) {
            LOG.errorf("The catch-up could not write the results of study %s to the PACS outbox: %s",
                    UidReference.of(gap.studyInstanceUid()), e.getMessage());
            return 0;
        }
    }

    private int writeAnnotation(Outbox.Gap gap) {
        try {
            return results.writeAnnotation(gap.taskId());
        } catch (TaskNotFoundException e) {
            return 0; // deleted with its study since the query
        } catch (MalformedDicomException | RuntimeException e) {
            LOG.errorf("The catch-up could not write the annotation of task %d to the PACS outbox: %s", gap.taskId(),
                    e.getMessage());
            return 0;
        }
    }
}
