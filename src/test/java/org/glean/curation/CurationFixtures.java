package org.glean.curation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.curation.ScoredStudy.ScoredImage;
import org.glean.security.Actor;

/** Scored studies as the scoring path hands them over, and a clean slate of curation tables per test. */
public final class CurationFixtures {

    public static final List<String> CLASSES = List.of("nodule", "mass", "calcification");
    public static final String MODEL = "model-1";
    public static final Actor OPERATOR = new Actor("test-operator", null);

    private CurationFixtures() {
    }

    /** Removes every task and decision; policies stay (each test sets its own), and the audit trail, which is append-only. */
    public static void clear(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE curation_decision, task_image, annotation_task");
        }
    }

    public static String newUid() {
        return "2.25." + Long.toUnsignedString(UUID.randomUUID().getMostSignificantBits() >>> 1);
    }

    /** A study of two 64×48 frames (Columns 64, Rows 48), one with a nodule proposal, the other empty. */
    public static ScoredStudy study(double informativeness) {
        return study(newUid(), MODEL, informativeness);
    }

    public static ScoredStudy study(String studyInstanceUid, String modelVersion, double informativeness) {
        return new ScoredStudy(studyInstanceUid, modelVersion, informativeness, List.of(
                new ScoredImage(newUid(), 1, 48, 64, informativeness,
                        List.of(new PreAnnotation("nodule", 0.8, 10, 12, 20, 22))),
                new ScoredImage(newUid(), 1, 48, 64, ScoredImage.NO_OBJECTS, List.of())));
    }

    public static CurationPolicy.Change threshold(double threshold) {
        return new CurationPolicy.Change(threshold, 0, Duration.ofDays(1), OPERATOR);
    }

    /** A budget per 366-day period, so that a test never straddles two periods. */
    public static CurationPolicy.Change budget(int tasks) {
        return new CurationPolicy.Change(null, tasks, CurationPolicy.MAX_BUDGET_PERIOD, OPERATOR);
    }

    public static CurationPolicy.Change everything() {
        return new CurationPolicy.Change(null, 0, Duration.ofDays(1), OPERATOR);
    }
}
