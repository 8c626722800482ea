package org.glean.ingest;

/** Glean holds no study with the requested StudyInstanceUID. */
public class StudyNotFoundException extends Exception {

    public StudyNotFoundException(String studyInstanceUid) {
        super("no study with StudyInstanceUID " + studyInstanceUid + " has been received");
    }
}
