package org.glean.pacs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glean.dicom.CStoreHandler;
import org.glean.dicom.CStoreOutcome;
import org.glean.ingest.ExaminedInstance;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceOutcome;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.InvalidInstanceException;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.UploadingInstance;
import org.jboss.logging.Logger;

/**
 * The instances of one study on their way in from a source, by WADO-RS or C-GET: each is examined
 * as it arrives (one that belongs to another study, or is not DICOM Glean can keep, is refused,
 * logged with the reason and counted), and only {@link #store} stores them, as one group. Closing
 * it before discards whatever arrived, so a transfer that breaks off leaves nothing stored.
 */
final class RetrievedStudy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RetrievedStudy.class);

    private final IngestService ingest;
    private final String source;
    private final String studyInstanceUid;
    private final List<ExaminedInstance> examined = new ArrayList<>();
    private int refused;
    private boolean stored;

    RetrievedStudy(IngestService ingest, String source, String studyInstanceUid) {
        this.ingest = ingest;
        this.source = source;
        this.studyInstanceUid = studyInstanceUid;
    }

    /** Names the study's {@code index}-th instance (from 1) in logs, without patient data. */
    String origin(int index) {
        return "PACS source " + source + ", instance " + index + " of a study";
    }

    /** A new upload for the next instance's bytes. */
    InstanceUpload newUpload() throws IOException, SizeLimitException {
        return ingest.newUpload();
    }

    /**
     * Examines an instance whose bytes are all in {@code upload}, which it consumes.
     *
     * @return null when it is to be stored, or why it is refused
     */
    String add(InstanceUpload upload, String origin) {
        try {
            examined.add(ingest.examine(upload, studyInstanceUid, origin, IngestService.FrameSink.NONE));
            return null;
        } catch (InvalidInstanceException e) {
            return refuse(origin, e.getMessage());
        }
    }

    /** Counts and logs an instance refused before it was examined. */
    String refuse(String origin, String reason) {
        refused++;
        LOG.warnf("%s refused: %s", origin, reason);
        return reason;
    }

    /** Stores what was examined, as one group. */
    SourcePass.TakenStudy store() throws IOException {
        List<InstanceOutcome> outcomes = ingest.storeAll(examined, false);
        stored = true;
        int storedCount = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).isStored()) {
                storedCount++;
            } else {
                refuse(examined.get(i).origin(), refusal(outcomes.get(i)));
            }
        }
        return new SourcePass.TakenStudy(storedCount, refused);
    }

    @Override
    public void close() {
        if (!stored) {
            examined.forEach(ExaminedInstance::discard);
        }
    }

    /**
     * The receiver of a C-GET's sub-operations: each instance streams into an upload and is
     * examined once complete; a refusal is answered with its reason (0xC000, or 0xA700 when the
     * store is full or the instance too large), as Glean's C-STORE SCP answers one.
     */
    CStoreHandler.Session receiver() {
        int[] arrived = {0};
        return () -> new Arriving(origin(++arrived[0]));
    }

    private final class Arriving extends UploadingInstance {

        private final String origin;

        Arriving(String origin) throws IOException {
            super(ingest);
            this.origin = origin;
        }

        @Override
        protected CStoreOutcome completed(InstanceUpload upload) {
            String refusal = add(upload, origin);
            return refusal == null ? CStoreOutcome.success() : CStoreOutcome.cannotUnderstand(refusal);
        }

        @Override
        protected CStoreOutcome refused(CStoreOutcome outOfResources) {
            refuse(origin, outOfResources.errorComment());
            return outOfResources;
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
