package org.glean.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.AddUserRequest;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glean users add NAME --role ROLE[,ROLE]}: adds a user to the server's user store (an admin's token). */
@Command(name = "users", mixinStandardHelpOptions = true, subcommands = UsersCommand.Add.class,
        description = "Manages the users of a Glean server's built-in user store.")
public final class UsersCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a user; asks the password (or reads it from standard input), at least 12 characters.",
                    "Needs an admin's token. Exit status: 0 on success, 1 when refused, 2 for bad arguments."})
    static final class Add implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "the user's name, the subject of their tokens")
        String name;

        @Option(names = "--role", required = true, split = ",", paramLabel = "ROLE",
                description = "ingest, annotator, curator, admin, inference (comma-separated)")
        List<String> roles;

        @Mixin
        ServerConnection server;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return server.call(spec, channel -> {
                char[] password;
                try {
                    password = Passwords.read("Password for " + name + ": ");
                } catch (IllegalArgumentException e) {
                    err.println("glean users add: " + e.getMessage());
                    return 2;
                }
                User user = IdentityGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .addUser(AddUserRequest.newBuilder().setName(name).addAllRoles(roles)
                                .setPassword(new String(password)).build());
                out.println("Added " + user.getName() + " with the roles " + String.join(", ", user.getRolesList()));
                return 0;
            });
        }
    }
}
