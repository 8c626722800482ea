package org.glean.pacs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pass over a DICOMweb source: list every study the query matches (QIDO-RS, page by page),
 * then take each one not taken before, in listing order. Listing first keeps paging stable
 * while studies are being taken. The first failure of the source ends the pass; studies taken
 * until then stay taken.
 */
public final class SourcePass {

    private final DicomWebClient client;
    private final StudyQuery query;
    private final int pageSize;

    /** @param pageSize studies per QIDO-RS request, or 0 for one request without limit and offset */
    public SourcePass(DicomWebClient client, StudyQuery query, int pageSize) {
        if (pageSize < 0) {
            throw new IllegalArgumentException("the page size must be 0 (no paging) or more");
        }
        this.client = client;
        this.query = query;
        this.pageSize = pageSize;
    }

    /** Takes one study: retrieves and stores it, and remembers it taken. */
    @FunctionalInterface
    public interface StudyTaker {

        TakenStudy take(StudyMatch study) throws IOException, InterruptedException;
    }

    /** What became of one study's instances. */
    public record TakenStudy(int stored, int refused) {
    }

    /** Hears of each study as it is taken, e.g. to print progress. */
    @FunctionalInterface
    public interface Progress {

        Progress NONE = (position, total, study, taken) -> {
        };

        /** @param position 1 for the first study to take, up to {@code total} */
        void taken(int position, int total, StudyMatch study, TakenStudy taken);
    }

    /**
     * What a pass did.
     *
     * @param matched studies the query matched
     * @param alreadyTaken of those, taken by an earlier pass
     * @param taken taken by this pass
     */
    public record Outcome(int matched, int alreadyTaken, int taken, long instancesStored, long instancesRefused) {
    }

    /**
     * Runs the pass.
     *
     * @param alreadyTaken StudyInstanceUIDs to skip
     */
    public Outcome run(Set<String> alreadyTaken, StudyTaker taker, Progress progress)
            throws IOException, InterruptedException {
        List<StudyMatch> matches = listAll();
        List<StudyMatch> toTake = matches.stream()
                .filter(study -> !alreadyTaken.contains(study.studyInstanceUid())).toList();
        long stored = 0;
        long refused = 0;
        int position = 0;
        for (StudyMatch study : toTake) {
            TakenStudy taken = taker.take(study);
            stored += taken.stored();
            refused += taken.refused();
            progress.taken(++position, toTake.size(), study, taken);
        }
        return new Outcome(matches.size(), matches.size() - toTake.size(), toTake.size(), stored, refused);
    }

    private List<StudyMatch> listAll() throws IOException, InterruptedException {
        List<StudyMatch> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int offset = 0;
        while (true) {
            List<StudyMatch> page = client.searchStudies(query, offset, pageSize);
            if (pageSize == 0) {
                return page.stream().filter(study -> seen.add(study.studyInstanceUid())).toList();
            }
            offset += page.size();
            // An origin may cap a page below the limit asked for, so only an empty page ends the
            // list; one that ignores the offset repeats itself, which ends it too.
            boolean anyNew = false;
            for (StudyMatch study : page) {
                if (seen.add(study.studyInstanceUid())) {
                    all.add(study);
                    anyNew = true;
                }
            }
            if (!anyNew) {
                return all;
            }
        }
    }
}
