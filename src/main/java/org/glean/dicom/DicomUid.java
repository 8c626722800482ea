package org.glean.dicom;

/**
 * DICOM UID syntax (PS3.5 §9.1): 1 to 64 characters, components of digits separated by single
 * dots, no component with a leading zero unless it is "0" itself. Anything else — in particular
 * path characters such as '/', or "..", or a value that a file system would interpret — fails.
 */
public final class DicomUid {

    public static final int MAX_LENGTH = 64;

    private DicomUid() {
    }

    public static boolean isValid(String uid) {
        if (uid == null || uid.isEmpty() || uid.length() > MAX_LENGTH) {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= uid.length(); i++) {
            if (i == uid.length() || uid.charAt(i) == '.') {
                int componentLength = i - componentStart;
                if (componentLength == 0 || componentLength > 1 && uid.charAt(componentStart) == '0') {
                    return false;
                }
                componentStart = i + 1;
            } else if (uid.charAt(i) < '0' || uid.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
