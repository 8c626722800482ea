package org.glean.web.dicomweb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An Accept header's media ranges (RFC 9110 §12.5.1) with their parameters, which DICOMweb uses
 * ({@code type}, {@code transfer-syntax}) and JAX-RS matching ignores. No header accepts anything.
 */
final class AcceptHeader {

    /** One media range: type and subtype in lower case ({@code *} for any), parameters without q. */
    record MediaRange(String type, String subtype, Map<String, String> parameters) {

        /** Whether the range covers {@code type/subtype} (e.g. {@code multipart/*} covers multipart/related). */
        boolean covers(String wantedType, String wantedSubtype) {
            return type.equals("*") || type.equals(wantedType) && (subtype.equals("*") || subtype.equals(wantedSubtype));
        }

        /** The parameter, or {@code absent} when the range has none of that name. */
        String parameter(String name, String absent) {
            return parameters.getOrDefault(name, absent);
        }
    }

    private final List<MediaRange> ranges;

    private AcceptHeader(List<MediaRange> ranges) {
        this.ranges = ranges;
    }

    /** The ranges of one or more Accept headers; ranges with q=0 are left out, as they refuse. */
    static AcceptHeader parse(List<String> headers) {
        List<MediaRange> ranges = new ArrayList<>();
        boolean any = false;
        for (String header : headers == null ? List.<String>of() : headers) {
            for (String element : split(header, ',')) {
                if (element.isBlank()) {
                    continue;
                }
                any = true;
                List<String> pieces = split(element, ';');
                String[] type = pieces.get(0).strip().toLowerCase(Locale.ROOT).split("/", 2);
                Map<String, String> parameters = new TreeMap<>();
                double quality = 1;
                for (String piece : pieces.subList(1, pieces.size())) {
                    int equals = piece.indexOf('=');
                    if (equals < 0) {
                        continue;
                    }
                    String name = piece.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                    String value = unquote(piece.substring(equals + 1).strip());
                    if (name.equals("q")) {
                        quality = quality(value);
                    } else {
                        parameters.put(name, value);
                    }
                }
                if (quality > 0) {
                    ranges.add(new MediaRange(type[0], type.length == 2 ? type[1] : "*", parameters));
                }
            }
        }
        if (!any) {
            ranges.add(new MediaRange("*", "*", Map.of()));
        }
        return new AcceptHeader(ranges);
    }

    /** Whether any acceptable range satisfies {@code producible}. */
    boolean allows(Predicate<MediaRange> producible) {
        return ranges.stream().anyMatch(producible);
    }

    /** The first acceptable range (in the header's order) that satisfies {@code producible}. */
    Optional<MediaRange> first(Predicate<MediaRange> producible) {
        return ranges.stream().filter(producible).findFirst();
    }

    /** Whether the header accepts {@code type/subtype} itself, parameters aside. */
    boolean allows(String type, String subtype) {
        return allows(range -> range.covers(type, subtype));
    }

    private static double quality(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** Splits on {@code separator} outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
