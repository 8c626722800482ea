package org.glean.retention;

/**
 * What deleting a study removed.
 *
 * @param tasks annotation tasks of the study, in any state
 * @param submittedAnnotations of those, the SUBMITTED ones
 * @param filesRemoved files removed from the instance store by this deletion, including any an
 *     earlier, interrupted deletion of the study left
 */
public record DeletedStudy(String studyInstanceUid, int series, int instances, int analyses, int tasks,
        int submittedAnnotations, int filesRemoved) {
}
