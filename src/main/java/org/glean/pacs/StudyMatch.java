package org.glean.pacs;

import java.util.List;

/**
 * One study a QIDO-RS search found.
 *
 * @param studyDate as the origin holds it (YYYYMMDD), or empty
 * @param modalities ModalitiesInStudy, possibly empty
 * @param instanceCount NumberOfStudyRelatedInstances, or -1 when the origin did not say
 */
public record StudyMatch(String studyInstanceUid, String studyDate, List<String> modalities, int instanceCount) {
}
