package org.glean.pacs;

import java.util.List;
import org.glean.dicom.DimseException;
import org.glean.dicom.QueryRetrieveScu;
import org.jboss.logging.Logger;

/**
 * A source found by C-FIND and retrieved by C-MOVE to Glean's own C-STORE SCP: the PACS sends
 * the study's instances there, where they take the path of any C-STORE push, and its final
 * response says how many arrived. A move the PACS did not perform (a failure status, or the
 * association broken off) fails the study, which is not remembered and is moved again by a later
 * pass; one it performed completes the study. Sub-operations that failed in a performed move
 * (Glean refused an instance; the log of the C-STORE SCP says why) are counted as refused, and
 * the rest of the study is kept, as with WADO-RS.
 */
final class DimseSource implements StudySource {

    private static final Logger LOG = Logger.getLogger(DimseSource.class);

    private final String name;
    private final QueryRetrieveScu pacs;
    private final StudyQuery query;
    private final String moveDestination;
    private final StudyRetrieval retrieval;

    /** @param moveDestination Glean's own AE title, which the PACS must know with Glean's DICOM host and port */
    DimseSource(String name, PacsConfig.Source settings, String moveDestination, StudyRetrieval retrieval) {
        this.name = name;
        this.pacs = new QueryRetrieveScu(settings.dimsePeer());
        this.query = settings.studyQuery();
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
    public SourcePass.TakenStudy take(StudyMatch study) throws DimseException {
        QueryRetrieveScu.MoveOutcome outcome = pacs.moveStudy(study.studyInstanceUid(), moveDestination);
        if (!outcome.performed()) {
            throw new DimseException(pacs.peer().describe() + ": " + QueryRetrieveScu.explain(outcome, moveDestination));
        }
        int arrived = outcome.completed() + outcome.warnings();
        if (outcome.failed() > 0) {
            LOG.warnf("PACS source %s: the C-MOVE of a study ended with %s; the instances that arrived are kept,"
                    + " and the C-STORE SCP's log says why the others were refused", name, outcome.describe());
        }
        if (arrived > 0) {
            retrieval.complete(study.studyInstanceUid(), arrived + " instance(s) moved from PACS source " + name
                    + " by C-MOVE (" + outcome.describe() + ")");
        }
        return new SourcePass.TakenStudy(arrived, outcome.failed());
    }

    @Override
    public String describe() {
        return "C-FIND/C-MOVE at " + pacs.peer().describe() + ", moving to AE " + moveDestination;
    }
}
