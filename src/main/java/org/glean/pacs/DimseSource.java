package org.glean.pacs;

import java.io.IOException;
import java.util.List;
import org.glean.dicom.DimseException;
import org.glean.dicom.QueryRetrieveScu;
import org.jboss.logging.Logger;

/**
 * A source found by C-FIND and retrieved by C-MOVE to Glean's own C-STORE SCP, or by C-GET on
 * Glean's own association ({@link DimseRetrieve}).
 *
 * <p>C-MOVE: the PACS sends the study's instances to the SCP, where they take the path of any
 * C-STORE push, and its final response says how many arrived. C-GET: the instances arrive on the
 * association and are examined as they come, then stored together once the final response has
 * come, as by WADO-RS ({@link RetrievedStudy}); an instance Glean refuses is answered with the
 * reason.
 *
 * <p>A retrieve the PACS did not perform (a failure status, the association broken off or silent)
 * fails the study, which is not remembered and is retrieved again by a later pass. One it performed
 * in full completes the study (which scores it) and remembers it. One whose sub-operations partly
 * failed (B000) keeps the instances that arrived but neither completes nor remembers the study:
 * the next pass retrieves it again, and the instances it holds already are not stored twice.
 */
final class DimseSource implements StudySource {

    private static final Logger LOG = Logger.getLogger(DimseSource.class);

    private final String name;
    private final QueryRetrieveScu pacs;
    private final StudyQuery query;
    private final DimseRetrieve retrieve;
    private final String moveDestination;
    private final StudyRetrieval retrieval;

    /**
     * @param moveDestination Glean's own AE title, which the PACS must know with Glean's DICOM host
     *     and port for C-MOVE
     */
    DimseSource(String name, PacsConfig.Source settings, String moveDestination, StudyRetrieval retrieval) {
        this.name = name;
        this.pacs = new QueryRetrieveScu(settings.dimsePeer());
        this.query = settings.studyQuery();
        this.retrieve = settings.retrieve();
        this.moveDestination = moveDestination;
        this.retrieval = retrieval;
    }

    @Override
    public List<StudyMatch> findStudies() throws DimseException {
        return pacs.findStudies(query.modality(), query.studyDate(), query.stationName(), query.studyDescription())
                .stream().map(found -> new StudyMatch(found.studyInstanceUid(), found.studyDate(),
                        found.modalities(), found.instanceCount())).toList();
    }

    @Override
    public SourcePass.TakenStudy take(StudyMatch study) throws IOException {
        return retrieve == DimseRetrieve.C_GET ? get(study.studyInstanceUid()) : move(study.studyInstanceUid());
    }

    private SourcePass.TakenStudy move(String studyInstanceUid) throws DimseException {
        QueryRetrieveScu.RetrieveOutcome outcome = pacs.moveStudy(studyInstanceUid, moveDestination);
        if (!outcome.performed()) {
            throw new DimseException(pacs.peer().describe() + ": " + QueryRetrieveScu.explain(outcome, moveDestination));
        }
        // Refusals of Glean's SCP and failures at the PACS look alike here: both are sub-operations that failed.
        return finish(studyInstanceUid, outcome, outcome.completed() + outcome.warnings(), 0, "C-MOVE");
    }

    private SourcePass.TakenStudy get(String studyInstanceUid) throws IOException {
        try (RetrievedStudy arriving = retrieval.arriving(name, studyInstanceUid)) {
            QueryRetrieveScu.RetrieveOutcome outcome = pacs.getStudy(studyInstanceUid, arriving.receiver());
            if (!outcome.performed()) {
                throw new DimseException(pacs.peer().describe() + ": "
                        + QueryRetrieveScu.explainGet(outcome, pacs.peer().callingAeTitle()));
            }
            SourcePass.TakenStudy stored = arriving.store();
            return finish(studyInstanceUid, outcome, stored.stored(), stored.refused(), "C-GET");
        }
    }

    private SourcePass.TakenStudy finish(String studyInstanceUid, QueryRetrieveScu.RetrieveOutcome outcome,
            int stored, int refused, String how) {
        if (outcome.partial()) {
            LOG.warnf("PACS source %s: the %s of a study ended with %s; the instances that arrived are kept, and"
                    + " the next pass retrieves the study again (the PACS's log, and Glean's for instances it"
                    + " refused, say why)", name, how, outcome.describe());
            return new SourcePass.TakenStudy(stored, refused, false, outcome.failed());
        }
        if (stored > 0) {
            retrieval.complete(studyInstanceUid, stored + " instance(s) retrieved from PACS source " + name + " by "
                    + how + " (" + outcome.describe() + ")");
        }
        return new SourcePass.TakenStudy(stored, refused);
    }

    @Override
    public String describe() {
        return retrieve == DimseRetrieve.C_GET ? "C-FIND/C-GET at " + pacs.peer().describe()
                : "C-FIND/C-MOVE at " + pacs.peer().describe() + ", moving to AE " + moveDestination;
    }
}
