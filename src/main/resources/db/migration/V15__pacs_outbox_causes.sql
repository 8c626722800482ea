-- What caused each outbox document, so that the catch-up (org.glean.pacs.OutboxCatchUp) finds
-- the results that should be in the outbox and are not: the model version of the analysis a
-- detector report or key object selection comes from, and the task of an annotation's SR.
-- Documents written before stay null until the catch-up writes them again and fills them in.
ALTER TABLE pacs_outbox_document
    ADD COLUMN model_version TEXT,
    ADD COLUMN task_id       BIGINT;

CREATE INDEX pacs_outbox_document_task ON pacs_outbox_document (task_id) WHERE task_id IS NOT NULL;

-- The catch-up's walk over recent analyses, oldest first.
CREATE INDEX study_analysis_analysed ON study_analysis (analysed_at, study_id);
