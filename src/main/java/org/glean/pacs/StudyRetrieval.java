package org.glean.pacs;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.StudyReceived;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * Retrieves a study from a source into the ingest path that gRPC and C-STORE use: each instance
 * streams from the WADO-RS answer (or a C-GET, see {@link DimseSource}) into an upload and is
 * examined as it arrives; only once the answer has ended well are the instances stored, as one
 * group, and the study completed (which scores it). A transfer that breaks off leaves nothing
 * stored. An instance Glean refuses is logged and counted; the rest of the study is kept, as a
 * C-STORE push would be.
 */
@ApplicationScoped
public class StudyRetrieval {

    private static final int PIECE_SIZE = 256 * 1024;

    private final IngestService ingest;
    private final AuditTrail trail;

    public StudyRetrieval(IngestService ingest, AuditTrail trail) {
        this.ingest = ingest;
        this.trail = trail;
    }

    /**
     * Retrieves and stores one study by WADO-RS.
     *
     * @param source names the source in logs
     */
    public SourcePass.TakenStudy retrieve(DicomWebClient client, String source, String studyInstanceUid)
            throws IOException, InterruptedException {
        try (RetrievedStudy study = arriving(source, studyInstanceUid)) {
            client.retrieveStudy(studyInstanceUid, (index, bytes) -> {
                String origin = study.origin(index);
                try {
                    study.add(upload(study, bytes), origin);
                } catch (SizeLimitException e) {
                    study.refuse(origin, e.getMessage());
                }
            });
            SourcePass.TakenStudy taken = study.store();
            if (taken.stored() > 0) {
                complete(studyInstanceUid, taken.stored() + " instance(s) retrieved from PACS source " + source);
            }
            return taken;
        }
    }

    /** A study about to arrive from {@code source}, instance by instance; see {@link RetrievedStudy}. */
    RetrievedStudy arriving(String source, String studyInstanceUid) {
        return new RetrievedStudy(ingest, source, studyInstanceUid);
    }

    /**
     * Marks a retrieved study complete, which scores it, with its row in the audit trail.
     *
     * @param detail how many instances came from where, without patient data
     */
    void complete(String studyInstanceUid, String detail) {
        ingest.completeStudy(studyInstanceUid, StudyReceived.Completion.RETRIEVED, connection -> trail.append(
                connection, AuditEntry.of(Actor.GLEAN, AuditAction.STUDY_RECEIVED).target(studyInstanceUid)
                        .detail(detail)));
    }

    // Streams one instance into an upload; the upload is gone again if the stream fails.
    private static InstanceUpload upload(RetrievedStudy study, InputStream bytes)
            throws IOException, SizeLimitException {
        InstanceUpload upload = study.newUpload();
        try {
            byte[] piece = new byte[PIECE_SIZE];
            for (int n = bytes.read(piece); n >= 0; n = bytes.read(piece)) {
                upload.write(ByteBuffer.wrap(piece, 0, n));
            }
            return upload;
        } catch (IOException | SizeLimitException | RuntimeException e) {
            upload.discard();
            throw e;
        }
    }
}
