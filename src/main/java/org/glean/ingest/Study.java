package org.glean.ingest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A study Glean holds instances of: its identity, size and whether more instances are expected. */
@Entity
@Table(name = "study")
public class Study extends PanacheEntityBase {

    /** Whether Glean expects more instances of the study. */
    public enum Reception {
        /** Instances are arriving, or the last call carrying the study failed. */
        RECEIVING,
        /** The last IngestStudy call ended, or a C-STORE quiet period passed without a new instance. */
        COMPLETE
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "study_instance_uid", nullable = false, unique = true, length = 64)
    public String studyInstanceUid;

    @Enumerated(EnumType.STRING)
    @Column(name = "reception", nullable = false, length = 16)
    public Reception reception;

    /** Sum of the sizes of the study's stored instances, in bytes. */
    @Column(name = "stored_bytes", nullable = false)
    public long storedBytes;

    @Column(name = "first_received_at", nullable = false)
    public Instant firstReceivedAt;

    @Column(name = "last_received_at", nullable = false)
    public Instant lastReceivedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    public static Study findByUid(String studyInstanceUid) {
        return find("studyInstanceUid", studyInstanceUid).firstResult();
    }
}
