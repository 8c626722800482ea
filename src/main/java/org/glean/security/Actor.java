package org.glean.security;

import java.net.InetSocketAddress;

/**
 * Who acts, as the audit trail records it: a token's subject or a DICOM calling AE title, and
 * the network address the act came from (null for the server's own acts).
 */
public record Actor(String name, String peer) {

    /** The server itself: queuing, expiring leases, gates, retention. */
    public static final Actor GLEAN = new Actor("glean", null);

    /** A call whose token was missing or not valid: whoever it was is not known. */
    public static final String ANONYMOUS = "anonymous";

    public Actor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an actor needs a name");
        }
    }

    /** A peer as the trail writes it: IP address and port, an IPv6 address in brackets. */
    public static String address(InetSocketAddress address) {
        return address(address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress(),
                address.getPort());
    }

    /** A peer's IP address and port as the trail writes them. */
    public static String address(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
