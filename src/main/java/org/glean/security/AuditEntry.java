package org.glean.security;

/**
 * One row to append to the audit trail: who, what, on which objects, with which outcome. The
 * time, the row's place in the chain and its hash are the database's to set.
 *
 * @param outcome {@link #OK}, or the gRPC status code the call was answered with
 * @param studyInstanceUid the study concerned; the trail keeps only its SHA-256
 * @param target any other object concerned, in words ("model bb985f073178d5e7", "user bob")
 * @param fromState a task's state before, for task transitions
 * @param toState a task's state after
 * @param detail what else a reader needs, in words; never patient data or UIDs
 */
public record AuditEntry(Actor actor, AuditAction action, String outcome, String studyInstanceUid, Long taskId,
        String target, String fromState, String toState, String detail) {

    public static final String OK = "OK";
    /** A refusal: the caller may not do this (gRPC's code, used for refused DICOM associations too). */
    public static final String PERMISSION_DENIED = "PERMISSION_DENIED";

    public AuditEntry {
        if (actor == null || action == null || outcome == null || detail == null) {
            throw new IllegalArgumentException("an audit entry needs an actor, an action, an outcome and a detail");
        }
    }

    /** A successful act with nothing else said yet. */
    public static AuditEntry of(Actor actor, AuditAction action) {
        return new AuditEntry(actor, action, OK, null, null, null, null, null, "");
    }

    public AuditEntry outcome(String code) {
        return new AuditEntry(actor, action, code, studyInstanceUid, taskId, target, fromState, toState, detail);
    }

    public AuditEntry study(String uid) {
        return new AuditEntry(actor, action, outcome, uid, taskId, target, fromState, toState, detail);
    }

    public AuditEntry task(Long id) {
        return new AuditEntry(actor, action, outcome, studyInstanceUid, id, target, fromState, toState, detail);
    }

    public AuditEntry target(String object) {
        return new AuditEntry(actor, action, outcome, studyInstanceUid, taskId, object, fromState, toState, detail);
    }

    public AuditEntry transition(String from, String to) {
        return new AuditEntry(actor, action, outcome, studyInstanceUid, taskId, target, from, to, detail);
    }

    public AuditEntry detail(String words) {
        return new AuditEntry(actor, action, outcome, studyInstanceUid, taskId, target, fromState, toState, words);
    }
}
