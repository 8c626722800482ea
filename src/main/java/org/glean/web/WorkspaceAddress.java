package org.glean.web;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code glean serve} says where the browser workspace is, on the port gRPC shares. */
@ApplicationScoped
public class WorkspaceAddress {

    void onStart(@Observes StartupEvent start,
                 @ConfigProperty(name = "glean.tls.enabled") boolean tls,
                 @ConfigProperty(name = "quarkus.http.host") String host,
                 @ConfigProperty(name = "quarkus.http.port") int port) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            System.out.println("Workspace: " + url(tls, host, port));
        }
    }

    /** The address a browser opens: this machine's name when the server listens on every interface. */
    static String url(boolean tls, String host, int port) {
        String name = host;
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = "localhost";
            }
        }
        return (tls ? "https" : "http") + "://" + (name.contains(":") ? "[" + name + "]" : name) + ":" + port + "/";
    }
}
