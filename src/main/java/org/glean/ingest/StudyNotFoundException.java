package org.glean.ingest;

import org.glean.security.UidReference;

/** Glean holds no study with the requested StudyInstanceUID. */
public class StudyNotFoundException extends Exception {

    public StudyNotFoundException(String studyInstanceUid) {
        super("no study with this StudyInstanceUID (" + UidReference.of(studyInstanceUid) + ") has been received");
    }
}
