-- The learning curve (validation mAP against annotations so far) needs, per version, how many
-- annotations existed when it was trained. No patient data.
ALTER TABLE model_version
    -- Submitted annotation tasks the job that made it trained and validated on, the held-out ones
    -- included; NULL for an installed model and for versions fine-tuned before this column existed.
    ADD COLUMN training_annotations INTEGER CHECK (training_annotations >= 0);
