package org.glean.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.List;
import org.glean.cli.GleanCommand;
import sun.misc.Signal;

/**
 * One jar, two fronts: {@code glean serve} (or no arguments) runs the gRPC server; any other
 * subcommand is a command-line tool that runs without starting the server.
 */
@QuarkusMain
public final class GleanMain {

    private GleanMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && !"serve".equals(args[0])) {
            System.exit(GleanCommand.execute(args));
        }
        EmbeddedDatabase.startUnlessExternalConfigured();
        LocalSecurityMaterial.prepare();
        stopOnSignals();
        Quarkus.run();
    }

    // SIGTERM (Kubernetes, docker stop), SIGINT (Ctrl-C) and SIGHUP stop the server first, which
    // drains its calls (ServerShutdown), and only then let the JVM run its shutdown hooks; the
    // JVM's own handling would run them all at once, and zonky's stops the embedded PostgreSQL
    // under calls that are still finishing. The process then exits with status 0.
    private static void stopOnSignals() {
        for (String name : List.of("TERM", "INT", "HUP")) {
            Signal.handle(new Signal(name), signal -> Quarkus.asyncExit());
        }
    }
}
