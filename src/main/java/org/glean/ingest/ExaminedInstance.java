package org.glean.ingest;

import org.glean.dicom.DicomHeader;

/**
 * A received instance that {@link IngestService#examine} read and checked, on its way to
 * {@link IngestService#store}: its bytes wait in the upload, on disk; only the header is in
 * memory. Either it needs storing, or its bytes turned out to be stored already.
 */
public final class ExaminedInstance {

    private final InstanceUpload upload;
    private final DicomHeader header;
    private final Instance.Status status;
    private final String rejectionReason;
    private final StoredInstance alreadyStored;

    private ExaminedInstance(InstanceUpload upload, DicomHeader header, Instance.Status status, String rejectionReason,
            StoredInstance alreadyStored) {
        this.upload = upload;
        this.header = header;
        this.status = status;
        this.rejectionReason = rejectionReason;
        this.alreadyStored = alreadyStored;
    }

    static ExaminedInstance toStore(InstanceUpload upload, DicomHeader header, Instance.Status status,
            String rejectionReason) {
        return new ExaminedInstance(upload, header, status, rejectionReason, null);
    }

    static ExaminedInstance alreadyStored(StoredInstance stored) {
        return new ExaminedInstance(null, null, stored.status(), stored.rejectionReason(), stored);
    }

    /** StudyInstanceUID of the instance. */
    public String studyInstanceUid() {
        return alreadyStored != null ? alreadyStored.studyInstanceUid() : header.studyInstanceUid();
    }

    /** Forgets the instance: its upload is deleted. */
    public void discard() {
        if (upload != null) {
            upload.discard();
        }
    }

    InstanceUpload upload() {
        return upload;
    }

    DicomHeader header() {
        return header;
    }

    Instance.Status status() {
        return status;
    }

    String rejectionReason() {
        return rejectionReason;
    }

    StoredInstance alreadyStoredAs() {
        return alreadyStored;
    }
}
