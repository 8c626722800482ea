package org.glean.coco;

import java.util.List;

/**
 * A labelled dataset (COCO file and DICOM folder) that cannot be used as it is. The message
 * names the source and each problem by its entry (image id, annotation id, file_name), so that
 * a person can fix the file; it never carries patient data.
 */
public class InvalidDatasetException extends Exception {

    private static final int PROBLEMS_LISTED = 20;

    private final transient List<String> problems;

    public InvalidDatasetException(String source, List<String> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, not only those listed in the message. */
    public List<String> problems() {
        return problems;
    }

    private static String message(String source, List<String> problems) {
        StringBuilder text = new StringBuilder(source).append(": ");
        if (problems.size() == 1) {
            return text.append(problems.get(0)).toString();
        }
        text.append(problems.size()).append(" problems");
        problems.stream().limit(PROBLEMS_LISTED).forEach(problem -> text.append("\n  - ").append(problem));
        if (problems.size() > PROBLEMS_LISTED) {
            text.append("\n  ... and ").append(problems.size() - PROBLEMS_LISTED).append(" more");
        }
        return text.toString();
    }
}
