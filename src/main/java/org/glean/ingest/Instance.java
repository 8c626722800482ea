package org.glean.ingest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One stored DICOM instance: identity and technical attributes only (no patient data); its
 * bytes are in the {@link InstanceStore} under {@link #contentSha256}.
 */
@Entity
@Table(name = "instance")
public class Instance extends PanacheEntityBase {

    /** Whether Glean could use the instance. */
    public enum Status {
        /** Read, decoded and stored; its frames are analysed. */
        ACCEPTED,
        /** Stored as received but not analysed; {@link #rejectionReason} says why. */
        REJECTED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "series_id", nullable = false)
    public Series series;

    @Column(name = "sop_instance_uid", nullable = false, unique = true, length = 64)
    public String sopInstanceUid;

    @Column(name = "sop_class_uid", nullable = false, length = 64)
    public String sopClassUid;

    @Column(name = "transfer_syntax_uid", nullable = false, length = 64)
    public String transferSyntaxUid;

    /** InstanceNumber (0020,0013); 0 when absent. */
    @Column(name = "instance_number", nullable = false)
    public int instanceNumber;

    @Column(name = "pixel_rows", nullable = false)
    public int rows;

    @Column(name = "pixel_columns", nullable = false)
    public int columns;

    @Column(name = "number_of_frames", nullable = false)
    public int numberOfFrames;

    /** SHA-256 of the Part-10 bytes as received, lower-case hex: the file's name in the store. */
    @Column(name = "content_sha256", nullable = false, length = 64)
    public String contentSha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 16)
    public Status status;

    /** For {@link Status#REJECTED}: what Glean could not handle; null otherwise. */
    @Column(name = "rejection_reason")
    public String rejectionReason;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /** When start-up reconciliation found the store without this instance's file; null while it is there. */
    @Column(name = "file_missing_since")
    public Instant fileMissingSince;

    public static Instance findByUid(String sopInstanceUid) {
        return find("sopInstanceUid", sopInstanceUid).firstResult();
    }
}
