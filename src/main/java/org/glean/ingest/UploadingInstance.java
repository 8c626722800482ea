package org.glean.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glean.dicom.CStoreHandler;
import org.glean.dicom.CStoreOutcome;

/**
 * An instance arriving by C-STORE (pushed, or a C-GET's sub-operation), streamed into an
 * {@link InstanceUpload}. One that arrives while the store is below its low-water mark, or grows
 * past glean.ingest.max-instance-size, is read off the wire and dropped, and answered with out
 * of resources (0xA700) and the reason; what a complete upload becomes is the subclass's.
 */
public abstract class UploadingInstance implements CStoreHandler.IncomingInstance {

    private final InstanceUpload upload;
    private SizeLimitException overflow;

    protected UploadingInstance(IngestService ingest) throws IOException {
        InstanceUpload started = null;
        try {
            started = ingest.newUpload();
        } catch (SizeLimitException storeFull) {
            overflow = storeFull;
        }
        this.upload = started;
    }

    /** Answers the instance, all of whose bytes are in {@code upload}, which it consumes. */
    protected abstract CStoreOutcome completed(InstanceUpload upload);

    /** Answers an instance refused for its size or the store's (counted and logged as the caller does). */
    protected abstract CStoreOutcome refused(CStoreOutcome outOfResources);

    @Override
    public final void append(ByteBuffer bytes) throws IOException {
        if (overflow != null) {
            return; // the rest of it is read off the wire and dropped
        }
        try {
            upload.write(bytes);
        } catch (SizeLimitException e) {
            overflow = e;
            upload.discard();
        }
    }

    @Override
    public final CStoreOutcome complete() {
        return overflow != null ? refused(CStoreOutcome.outOfResources(overflow.getMessage())) : completed(upload);
    }

    @Override
    public final void abort() {
        if (overflow == null) {
            upload.discard();
        }
    }
}
