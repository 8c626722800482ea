package org.glean.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a benchmark or test starts a Glean server: its packaged jar, its JVM options and the
 * transport its gRPC and HTTP clients use.
 *
 * @param jar the packaged Glean jar (quarkus-run.jar)
 * @param javaOptions JVM options of the server, e.g. -Xmx2g
 * @param transport TLS with the server's local CA, as {@code make run} serves; or plaintext on
 *        loopback, to measure what TLS costs
 */
public record ServerLaunch(Path jar, List<String> javaOptions, Transport transport) {

    public enum Transport {
        TLS, PLAINTEXT
    }

    public ServerLaunch {
        javaOptions = List.copyOf(javaOptions);
    }

    /** The same launch with the server's configuration {@code properties} set as system properties. */
    public ServerLaunch withProperties(Map<String, String> properties) {
        List<String> options = new ArrayList<>(javaOptions);
        properties.forEach((key, value) -> options.add("-D" + key + "=" + value));
        return new ServerLaunch(jar, options, transport);
    }

    /** The server as {@code make run} starts it: TLS on. */
    public static ServerLaunch tls(Path jar, List<String> javaOptions) {
        return new ServerLaunch(jar, javaOptions, Transport.TLS);
    }
}
