package org.glean.curation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glean.curation.AnnotationTask.AnnotatedBox;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.curation.ScoredStudy.ScoredImage;

/**
 * The frames of annotation tasks (table task_image, db/migration/V5__curation.sql): the model's
 * objects as pre-annotations and, once submitted, the annotator's boxes, both as JSON; in the
 * caller's transaction.
 */
@ApplicationScoped
class TaskImageRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<PreAnnotation>> PRE_ANNOTATIONS = new TypeReference<>() { };
    private static final TypeReference<List<AnnotatedBox>> BOXES = new TypeReference<>() { };

    /** The task's frames with the model's objects as pre-annotations, not annotated yet. */
    void insert(Connection connection, long taskId, List<ScoredImage> images) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO task_image (task_id, position, sop_instance_uid, frame, pixel_rows, pixel_columns,
                                        informativeness, pre_annotations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
            for (int position = 0; position < images.size(); position++) {
                ScoredImage image = images.get(position);
                insert.setLong(1, taskId);
                insert.setInt(2, position);
                insert.setString(3, image.sopInstanceUid());
                insert.setInt(4, image.frame());
                insert.setInt(5, image.rows());
                insert.setInt(6, image.columns());
                insert.setDouble(7, image.informativeness());
                insert.setString(8, json(image.objects()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Replaces the task's frames by those of a new scoring of its study. */
    void replace(Connection connection, long taskId, List<ScoredImage> images) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM task_image WHERE task_id = ?")) {
            delete.setLong(1, taskId);
            delete.executeUpdate();
        }
        insert(connection, taskId, images);
    }

    /** The task's frames in their order. */
    List<AnnotationTask.Image> ofTask(Connection connection, long taskId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT sop_instance_uid, frame, pixel_rows, pixel_columns, informativeness, pre_annotations::text,
                       annotation::text
                FROM task_image WHERE task_id = ? ORDER BY position""")) {
            select.setLong(1, taskId);
            List<AnnotationTask.Image> images = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String annotation = row.getString(7);
                    images.add(new AnnotationTask.Image(row.getString(1), row.getInt(2), row.getInt(3),
                            row.getInt(4), row.getDouble(5), parse(row.getString(6), PRE_ANNOTATIONS),
                            annotation == null ? null : parse(annotation, BOXES)));
                }
            }
            return images;
        }
    }

    /** Stores the boxes of every frame of the task: the listed ones, and no findings for the others. */
    void recordAnnotation(Connection connection, AnnotationTask task, List<ImageAnnotation> annotations)
            throws SQLException {
        Map<String, List<AnnotatedBox>> boxes = new HashMap<>();
        annotations.forEach(image -> boxes.put(SubmissionCheck.key(image.sopInstanceUid(), image.frame()),
                image.boxes()));
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE task_image SET annotation = ?::jsonb
                WHERE task_id = ? AND sop_instance_uid = ? AND frame = ?""")) {
            for (AnnotationTask.Image image : task.images()) {
                update.setString(1, json(boxes.getOrDefault(SubmissionCheck.key(image.sopInstanceUid(), image.frame()),
                        List.of())));
                update.setLong(2, task.id());
                update.setString(3, image.sopInstanceUid());
                update.setInt(4, image.frame());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Whether a SUBMITTED task has a frame of this instance. */
    boolean isInSubmittedTask(Connection connection, String sopInstanceUid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM task_image i JOIN annotation_task t ON t.id = i.task_id
                               WHERE i.sop_instance_uid = ? AND t.state = 'SUBMITTED')""")) {
            select.setString(1, sopInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write boxes as JSON", e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored boxes are not valid JSON", e);
        }
    }
}
