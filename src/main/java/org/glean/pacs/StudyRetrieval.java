package org.glean.pacs;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.StudyReceived;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * Retrieves a study from a source into the ingest path that gRPC and C-STORE use: each instance
 * streams from the WADO-RS answer (or a C-GET, see {@link DimseSource}) into an upload and is
 * examined as it arrives; only once the answer has ended well are the instances stored, as one
 * group, and the study completed (which scores it, see {@link #complete}). A transfer that breaks off leaves nothing
 * stored. An instance Glean refuses is logged and counted; the rest of the study is kept, as a
 * C-STORE push would be.
 */
@ApplicationScoped
public class StudyRetrieval {

    private static final Logger LOG = Logger.getLogger(StudyRetrieval.class);
    private static final int PIECE_SIZE = 256 * 1024;

    private final IngestService ingest;
    private final AuditTrail trail;
    private final ExecutorService completions = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pacs-completion");
        thread.setDaemon(true);
        return thread;
    });

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
     * Has a retrieved study marked complete, which scores it, with its row in the audit trail: on
     * a thread of its own, one study after the other, so that a pass goes on to retrieve the next
     * study while this one is scored (observers of the completion run in the thread that
     * completes). A study whose completion has not run when the server stops stays stored and
     * receiving, and the quiet period completes it once the server runs again.
     *
     * @param detail how many instances came from where, without patient data
     */
    void complete(String studyInstanceUid, String detail) {
        completions.execute(() -> {
            try {
                ingest.completeStudy(studyInstanceUid, StudyReceived.Completion.RETRIEVED, connection -> trail.append(
                        connection, AuditEntry.of(Actor.GLEAN, AuditAction.STUDY_RECEIVED).target(studyInstanceUid)
                                .detail(detail)));
            } catch (RuntimeException e) {
                LOG.errorf(e, "Completing retrieved study %s failed; the quiet period completes it",
                        UidReference.of(studyInstanceUid));
            }
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        completions.shutdown();
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
