package org.glean.pacs;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.glean.ingest.ExaminedInstance;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceOutcome;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.InvalidInstanceException;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.StudyReceived;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.jboss.logging.Logger;

/**
 * Retrieves a study from a DICOMweb source into the ingest path that gRPC and C-STORE use: each
 * instance streams from the WADO-RS answer into an upload and is examined as it arrives; only
 * once the answer has ended well are the instances stored, as one group, and the study completed
 * (which scores it). A transfer that breaks off leaves nothing stored. An instance Glean refuses
 * is logged and counted; the rest of the study is kept, as a C-STORE push would be.
 */
@ApplicationScoped
public class StudyRetrieval {

    private static final Logger LOG = Logger.getLogger(StudyRetrieval.class);
    private static final int PIECE_SIZE = 256 * 1024;

    private final IngestService ingest;
    private final AuditTrail trail;

    public StudyRetrieval(IngestService ingest, AuditTrail trail) {
        this.ingest = ingest;
        this.trail = trail;
    }

    /**
     * Retrieves and stores one study.
     *
     * @param source names the source in logs
     */
    public SourcePass.TakenStudy retrieve(DicomWebClient client, String source, String studyInstanceUid)
            throws IOException, InterruptedException {
        List<ExaminedInstance> examined = new ArrayList<>();
        int[] refused = {0};
        boolean stored = false;
        try {
            client.retrieveStudy(studyInstanceUid, (index, bytes) -> {
                String origin = "PACS source " + source + ", instance " + index + " of a study";
                try {
                    examined.add(ingest.examine(upload(bytes), studyInstanceUid, origin,
                            IngestService.FrameSink.NONE));
                } catch (InvalidInstanceException | SizeLimitException e) {
                    refused[0]++;
                    LOG.warnf("%s refused: %s", origin, e.getMessage());
                }
            });
            List<InstanceOutcome> outcomes = ingest.storeAll(examined, false);
            stored = true;
            int storedCount = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                if (outcomes.get(i).isStored()) {
                    storedCount++;
                } else {
                    refused[0]++;
                    LOG.warnf("%s refused: %s", examined.get(i).origin(), refusal(outcomes.get(i)));
                }
            }
            if (storedCount > 0) {
                complete(studyInstanceUid, storedCount + " instance(s) retrieved from PACS source " + source);
            }
            return new SourcePass.TakenStudy(storedCount, refused[0]);
        } finally {
            if (!stored) {
                examined.forEach(ExaminedInstance::discard);
            }
        }
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
    private InstanceUpload upload(InputStream bytes) throws IOException, SizeLimitException {
        InstanceUpload upload = ingest.newUpload();
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

    private static String refusal(InstanceOutcome outcome) {
        try {
            outcome.storedOrThrow();
            return "";
        } catch (InvalidInstanceException | SizeLimitException e) {
            return e.getMessage();
        }
    }
}
