package org.glean.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;

/**
 * What the audit trail needs of one guarded call to record its refusal or failure: who made it,
 * its action, and the objects its request named (a study, a task, a model version, a job, a user).
 */
final class CallAudit {

    private final Actor actor;
    private final AuditAction action;
    private volatile Message request;
    private volatile String studyInstanceUid;

    CallAudit(Actor actor, AuditAction action) {
        this.actor = actor;
        this.action = action;
    }

    Actor actor() {
        return actor;
    }

    /** The first request message: the objects it names go into a failure's row. */
    void request(Message message) {
        if (request == null) {
            request = message;
        }
    }

    /** The study the call concerns, when no request field names it (IngestStudy). */
    void study(String uid) {
        studyInstanceUid = uid;
    }

    /** The call's row as far as the call itself knows it: who, what, and the study once known. */
    AuditEntry entry() {
        return AuditEntry.of(actor, action).study(studyInstanceUid);
    }

    /** The row for the call answered with {@code code}; {@code detail} must hold no patient data. */
    AuditEntry failed(String code, String detail) {
        AuditEntry entry = entry().outcome(code).detail(detail);
        Message named = request;
        if (named == null) {
            return entry;
        }
        String study = text(named, "study_instance_uid");
        if (study != null) {
            entry = entry.study(study);
        }
        Object taskId = field(named, "task_id");
        if (taskId instanceof Long id && id != 0) {
            entry = entry.task(id);
        }
        Object jobId = field(named, "job_id");
        String version = text(named, "version_id");
        String user = text(named, "name");
        String source = text(named, "source");
        return entry.target(version != null ? "model " + version
                : jobId instanceof Long id && id != 0 ? "job " + id
                : user != null ? "user " + user
                : source != null ? "source " + source : null);
    }

    private static String text(Message message, String name) {
        return field(message, name) instanceof String text && !text.isEmpty() ? text : null;
    }

    private static Object field(Message message, String name) {
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
        return field == null || field.isRepeated() ? null : message.getField(field);
    }
}
