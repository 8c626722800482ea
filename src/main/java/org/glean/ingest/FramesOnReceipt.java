package org.glean.ingest;

import java.util.concurrent.CompletableFuture;
import org.glean.dicom.DecodedImage;

/**
 * Where a front hands the frames it decoded on receipt, so that they need not be decoded again from
 * the store: the detector, for a study scored while it arrives. Implemented upward (inference), so
 * that ingest knows nothing of models.
 */
public interface FramesOnReceipt {

    /** Takes nothing: the study is scored, if at all, from the store. */
    FramesOnReceipt NONE = new FramesOnReceipt() {
        @Override
        public CompletableFuture<Void> add(String contentSha256, DecodedImage decoded) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void lastInstanceReceived() {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Hands over an accepted instance's frames.
     *
     * @param contentSha256 the SHA-256 of the instance's bytes
     * @return completes when the front may hand over more; until then it holds its sender back
     */
    CompletableFuture<Void> add(String contentSha256, DecodedImage decoded);

    /** No more instances come: frames short of a batch go on now. */
    void lastInstanceReceived();

    /** Stops: what was handed over and not yet used is dropped. */
    void close();
}
