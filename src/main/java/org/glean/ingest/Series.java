package org.glean.ingest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One series of a study, as its first received instance described it. */
@Entity
@Table(name = "series")
public class Series extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "study_id", nullable = false)
    public Study study;

    @Column(name = "series_instance_uid", nullable = false, unique = true, length = 64)
    public String seriesInstanceUid;

    /** Modality (0008,0060); empty when absent. */
    @Column(name = "modality", nullable = false, length = 16)
    public String modality;

    /** SeriesNumber (0020,0011); 0 when absent. */
    @Column(name = "series_number", nullable = false)
    public int seriesNumber;

    public static Series findByUid(String seriesInstanceUid) {
        return find("seriesInstanceUid", seriesInstanceUid).firstResult();
    }
}
