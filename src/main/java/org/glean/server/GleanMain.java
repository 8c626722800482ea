package org.glean.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.glean.cli.GleanCommand;

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
        Quarkus.run();
    }
}
