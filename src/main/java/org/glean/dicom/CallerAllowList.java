package org.glean.dicom;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which calling AE titles, from which addresses, may open an association with the SCP. Each
 * entry is {@code AETITLE}, {@code AETITLE@ADDRESS} or {@code AETITLE@ADDRESS/PREFIX}: the AE
 * title exactly as the caller sends it (case-sensitive, surrounding spaces ignored) or
 * {@code *} for any, and an IPv4 or IPv6 literal, optionally a CIDR block. An entry without an
 * address admits that AE title from anywhere. Host names are refused: the check must not depend
 * on DNS. A caller is admitted when any entry matches both its AE title and its address.
 */
public final class CallerAllowList {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final int AE_TITLE_MAX = 16;

    private final List<Entry> entries;

    private CallerAllowList(List<Entry> entries) {
        this.entries = entries;
    }

    /** Parses entries as described above; throws IllegalArgumentException naming a bad entry. */
    public static CallerAllowList parse(List<String> entries) {
        return new CallerAllowList(entries.stream().map(String::trim).filter(entry -> !entry.isEmpty())
                .map(CallerAllowList::entry).toList());
    }

    /** Admits {@code callingAeTitle} (trimmed) calling from {@code address}? */
    public boolean admits(String callingAeTitle, InetAddress address) {
        String title = callingAeTitle.trim();
        return entries.stream().anyMatch(entry -> entry.matches(title, address));
    }

    @Override
    public String toString() {
        return entries.stream().map(Entry::text).toList().toString();
    }

    private static Entry entry(String text) {
        int at = text.lastIndexOf('@');
        String title = (at < 0 ? text : text.substring(0, at)).trim();
        if (title.isEmpty() || title.length() > AE_TITLE_MAX || title.contains("\\")
                || title.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new IllegalArgumentException("glean.scp.allowed-callers entry '" + text
                    + "': the AE title must be * or 1 to 16 printable ASCII characters without a backslash");
        }
        if (at < 0) {
            return new Entry(text, title.equals("*") ? null : title, null, 0);
        }
        String where = text.substring(at + 1).trim();
        int slash = where.indexOf('/');
        String literal = slash < 0 ? where : where.substring(0, slash);
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            throw new IllegalArgumentException("glean.scp.allowed-callers entry '" + text
                    + "': after @ comes an IPv4 or IPv6 address, optionally /prefix; host names are not accepted");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(literal).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("glean.scp.allowed-callers entry '" + text + "': bad address", e);
        }
        int prefix = network.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(where.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("glean.scp.allowed-callers entry '" + text
                        + "': the prefix length must be 0 to " + network.length * 8);
            }
        }
        return new Entry(text, title.equals("*") ? null : title, network, prefix);
    }

    /** {@code title} null: any AE title; {@code network} null: any address. */
    private record Entry(String text, String title, byte[] network, int prefixBits) {

        boolean matches(String callingAeTitle, InetAddress address) {
            if (title != null && !title.equals(callingAeTitle)) {
                return false;
            }
            if (network == null) {
                return true;
            }
            byte[] actual = address.getAddress();
            if (actual.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (actual[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (actual[whole] & mask) == (network[whole] & mask);
        }
    }
}
