package org.glean.ingest;

/**
 * Where the frames decoded on receipt go for instances that arrive without a call around their
 * study (C-STORE): the study's scoring, open from its first instance until the study is complete.
 * Implemented upward (inference), so that ingest knows nothing of models.
 */
public interface StudyFramesOnReceipt {

    /** The study's frames on receipt; {@link FramesOnReceipt#NONE} when the study will not be scored. */
    FramesOnReceipt of(String studyInstanceUid);
}
