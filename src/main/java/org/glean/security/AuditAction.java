package org.glean.security;

/**
 * What an audit trail row records. A call's action is the same whether it succeeded or was
 * refused (the row's outcome tells which); calls that read no patient-derived data are recorded
 * only when refused.
 */
public enum AuditAction {
    /** An IngestStudy call, one row per call. */
    STUDY_RECEIVED,
    /** A C-STORE association, one row per study it stored into (or one when it stored none). */
    ASSOCIATION,
    /** GetStudy. */
    STUDY_READ,
    /** DeleteStudy, or the retention period (actor glean). */
    STUDY_DELETED,
    /** ListQueue. */
    QUEUE_READ,
    /** GetPolicy (recorded when refused). */
    POLICY_READ,
    /** SetPolicy. */
    POLICY_CHANGED,
    /** ClaimNextTask. */
    CLAIMED,
    /** GetTask. */
    TASK_READ,
    /** SubmitAnnotation. */
    SUBMITTED,
    /** ReleaseTask. */
    RELEASED,
    /** An annotator extended the lease of a task they hold (the workspace's renewal). */
    LEASE_RENEWED,
    /** SkipTask. */
    SKIPPED,
    /** ExportAnnotations. */
    ANNOTATIONS_EXPORTED,
    /** ExportInstance: a de-identified copy of one instance. */
    INSTANCE_EXPORTED,
    /** The server queued a task for a scored study. */
    QUEUED,
    /** The server decided whether a scored study is annotated. */
    DECIDED,
    /** The server gave a waiting task's place in the budget to a more informative study. */
    DISPLACED,
    /** The server rescored a waiting task under a new model version. */
    RESCORED,
    /** A lease ran out and its task went back to the queue. */
    EXPIRED,
    /** ListModels (recorded when refused). */
    MODELS_READ,
    /** StartFineTune, or an automatic start (actor glean). */
    FINE_TUNE_STARTED,
    /** WatchJob (recorded when refused). */
    JOB_READ,
    /** Promote, or a fine-tuning job's passed gate (actor glean). */
    PROMOTED,
    /** Rollback. */
    ROLLED_BACK,
    /** Inference.Detect (recorded when refused). */
    DETECTED,
    /** IssueToken: a password sign-in. */
    TOKEN_ISSUED,
    /** AddUser. */
    USER_ADDED,
    /** ListAudit or VerifyAudit. */
    AUDIT_READ,
    /** ListOutbox: the deliveries of results to the PACS. */
    OUTBOX_READ,
    /** DELETE /api/session: the browser's session cookie cleared (the token itself runs out by its expiry). */
    SIGNED_OUT,
    /** A request to the web workspace or DICOMweb whose resource names no action of its own (recorded when refused). */
    WEB_REQUEST,
    /** DICOMweb QIDO-RS: a search for studies, series or instances. */
    IMAGES_SEARCHED,
    /** DICOMweb WADO-RS metadata of a study, series or instance. */
    METADATA_READ,
    /** DICOMweb WADO-RS retrieval of a study's, series' or instance's Part-10 files. */
    INSTANCES_RETRIEVED,
    /** DICOMweb WADO-RS frames or rendered images: at most one row per caller and study in a window. */
    FRAMES_READ,
    /** ListSources: the PACS sources and how their polling goes. */
    SOURCES_READ,
    /** PullSource: one pass of a PACS source run on demand (the studies it takes are STUDY_RECEIVED too). */
    SOURCE_PULLED,
    /** RetryDelivery: a failed delivery to a PACS destination queued again. */
    OUTBOX_RETRIED
}
