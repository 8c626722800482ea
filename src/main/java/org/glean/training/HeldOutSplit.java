package org.glean.training;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which annotated studies are held out for validation: a study is held out when the first 64 bits
 * of SHA-256(StudyInstanceUID), read as a fraction of 2⁶⁴, fall below the share. The choice
 * depends on the study alone, so a study never moves between training and validation from one
 * job to the next, however many studies are added, and all frames of a study fall on one side.
 */
public final class HeldOutSplit {

    /**
     * A data set cut in two.
     *
     * @param validationStudies the held-out studies' keys
     */
    public record Split(PreprocessedDataset training, PreprocessedDataset validation, Set<String> validationStudies,
                        Set<String> trainingStudies) {
    }

    private final double share;

    public HeldOutSplit(double share) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("glean.training.held-out-share must be above 0 and below 1, got " + share);
        }
        this.share = share;
    }

    public double share() {
        return share;
    }

    /** Whether the study is held out for validation. */
    public boolean heldOut(String studyInstanceUid) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        long bits = ByteBuffer.wrap(sha256.digest(studyInstanceUid.getBytes(StandardCharsets.US_ASCII))).getLong();
        double fraction = (bits >>> 11) * 0x1.0p-53; // the top 53 bits: exact in a double, uniform in [0, 1)
        return fraction < share;
    }

    /** Splits {@code data} by the study of each image (its StudyInstanceUID, else its instance). */
    public Split split(PreprocessedDataset data) {
        List<Integer> training = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        Set<String> trainingStudies = new TreeSet<>();
        Set<String> validationStudies = new TreeSet<>();
        for (int i = 0; i < data.size(); i++) {
            String study = data.items().get(i).metadata().study();
            if (heldOut(study)) {
                validation.add(i);
                validationStudies.add(study);
            } else {
                training.add(i);
                trainingStudies.add(study);
            }
        }
        return new Split(data.subset(training), data.subset(validation), validationStudies, trainingStudies);
    }
}
