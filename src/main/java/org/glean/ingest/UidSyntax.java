package org.glean.ingest;

import java.util.regex.Pattern;

/** The DICOM UID syntax (PS3.5 §9.1): dot-separated numbers without leading zeros, ≤ 64 characters. */
final class UidSyntax {

    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    private UidSyntax() {
    }

    static boolean isValid(String uid) {
        return uid != null && uid.length() <= 64 && UID.matcher(uid).matches();
    }
}
