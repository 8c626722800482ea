package org.glean.pacs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Lists a DICOMweb origin's matching studies by QIDO-RS, page by page, each study once. */
final class QidoStudyFinder implements SourcePass.StudyFinder {

    private final DicomWebClient client;
    private final StudyQuery query;
    private final int pageSize;

    /** @param pageSize studies per QIDO-RS request, or 0 for one request without limit and offset */
    QidoStudyFinder(DicomWebClient client, StudyQuery query, int pageSize) {
        if (pageSize < 0) {
            throw new IllegalArgumentException("the page size must be 0 (no paging) or more");
        }
        this.client = client;
        this.query = query;
        this.pageSize = pageSize;
    }

    @Override
    public List<StudyMatch> findStudies() throws IOException, InterruptedException {
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
