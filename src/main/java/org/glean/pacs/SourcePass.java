package org.glean.pacs;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * One pass over a source: list every study its query matches, then take each one not taken
 * before, in listing order. Listing first keeps paging stable while studies are being taken. The
 * first failure of the source ends the pass; studies taken until then stay taken. A study the
 * source sent only in part (some of its retrieve's sub-operations failed) does not end the pass;
 * it is counted, and not remembered, so that a later pass takes it again.
 */
public final class SourcePass {

    private final StudyFinder finder;

    public SourcePass(StudyFinder finder) {
        this.finder = finder;
    }

    /** A pass over a DICOMweb origin, listing by QIDO-RS (see {@link QidoStudyFinder}). */
    public static SourcePass overDicomWeb(DicomWebClient client, StudyQuery query, int pageSize) {
        return new SourcePass(new QidoStudyFinder(client, query, pageSize));
    }

    /** Lists the studies a source's query matches, each once. */
    @FunctionalInterface
    public interface StudyFinder {

        List<StudyMatch> findStudies() throws IOException, InterruptedException;
    }

    /** Takes one study: retrieves and stores it, and remembers it taken when it came whole. */
    @FunctionalInterface
    public interface StudyTaker {

        TakenStudy take(StudyMatch study) throws IOException, InterruptedException;
    }

    /**
     * What became of one study's instances.
     *
     * @param refused instances Glean refused (not DICOM it can keep, another study's)
     * @param whole false when the source did not send all of them (a C-MOVE or C-GET whose
     *     sub-operations partly failed): the study is not remembered, and a later pass takes it again
     * @param missing for a study not whole, the sub-operations that failed, as the source counts them
     */
    public record TakenStudy(int stored, int refused, boolean whole, int missing) {

        /** A study that came whole. */
        public TakenStudy(int stored, int refused) {
            this(stored, refused, true, 0);
        }
    }

    /** Hears of the listing and of each study as it is taken, e.g. to print progress. */
    @FunctionalInterface
    public interface Progress {

        Progress NONE = (position, total, study, taken) -> {
        };

        /** The listing's result, before any study is taken. */
        default void found(int matched, int alreadyTaken) {
        }

        /** @param position 1 for the first study to take, up to {@code total} */
        void taken(int position, int total, StudyMatch study, TakenStudy taken);

        /** Taking a study failed, which ends the pass; it is not remembered as taken. */
        default void failed(int position, int total, StudyMatch study, Exception failure) {
        }
    }

    /**
     * What a pass did.
     *
     * @param matched studies the query matched
     * @param alreadyTaken of those, taken by an earlier pass
     * @param taken taken whole by this pass, and remembered
     * @param partlyTaken sent only in part by the source: not remembered, taken again by a later pass
     */
    public record Outcome(int matched, int alreadyTaken, int taken, int partlyTaken, long instancesStored,
            long instancesRefused) {
    }

    /**
     * Runs the pass.
     *
     * @param alreadyTaken StudyInstanceUIDs to skip
     */
    public Outcome run(Set<String> alreadyTaken, StudyTaker taker, Progress progress)
            throws IOException, InterruptedException {
        List<StudyMatch> matches = finder.findStudies();
        List<StudyMatch> toTake = matches.stream()
                .filter(study -> !alreadyTaken.contains(study.studyInstanceUid())).toList();
        progress.found(matches.size(), matches.size() - toTake.size());
        long stored = 0;
        long refused = 0;
        int partlyTaken = 0;
        int position = 0;
        for (StudyMatch study : toTake) {
            position++;
            TakenStudy taken;
            try {
                taken = taker.take(study);
            } catch (IOException | RuntimeException e) {
                progress.failed(position, toTake.size(), study, e);
                throw e;
            }
            stored += taken.stored();
            refused += taken.refused();
            if (!taken.whole()) {
                partlyTaken++;
            }
            progress.taken(position, toTake.size(), study, taken);
        }
        return new Outcome(matches.size(), matches.size() - toTake.size(), toTake.size() - partlyTaken, partlyTaken,
                stored, refused);
    }
}
