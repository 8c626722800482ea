package org.glean.pacs;

/**
 * A configured source as its passes use it, over DICOMweb ({@link DicomWebSource}) or DIMSE
 * ({@link DimseSource}): it finds the studies its query matches and takes one into Glean's
 * ingest path, stored whole and completed (which scores it).
 */
interface StudySource extends SourcePass.StudyFinder, SourcePass.StudyTaker {

    /** Where it is, for the log: the protocol, host and port, never a path or a study. */
    String describe();
}
