package org.glean.pacs;

import java.util.Arrays;
import java.util.Locale;

/** The documents Glean sends to a PACS, by the name configuration and the outbox use. */
public enum DocumentKind {
    /** The detector's region report of a scored study (Comprehensive SR). */
    SR,
    /** The key object selection of a study queued for annotation. */
    KOS,
    /** A clinician's submitted annotation (Comprehensive SR). */
    ANNOTATION_SR;

    /** The name in configuration and in the outbox: {@code sr}, {@code kos}, {@code annotation-sr}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static DocumentKind ofCode(String code) {
        return Arrays.stream(values()).filter(kind -> kind.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a document kind: " + code
                        + " (sr, kos, annotation-sr)"));
    }
}
