package org.glean.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code glean} command line: work that is not serving. {@code glean serve} runs the server. */
@Command(name = "glean", mixinStandardHelpOptions = true, version = "glean 0.1.0",
        description = "Glean: DICOM study scoring with an MDN detector. 'glean serve' runs the gRPC server.",
        subcommands = {CommandLine.HelpCommand.class, SendCommand.class, PullCommand.class, SynthCommand.class, TrainCommand.class,
                EvalCommand.class, ValidateUncertaintyCommand.class, BenchModelCommand.class,
                BenchIngestCommand.class, BenchPullCommand.class, BenchScoringCommand.class, BenchLoadCommand.class,
                BenchAdaptationCommand.class,
                CalibrateCommand.class, ExportCommand.class,
                TokenCommand.class, UsersCommand.class, AuditCommand.class, DeleteStudyCommand.class, OutboxCommand.class,
                SourcesCommand.class,
                SimulateCommand.class})
public final class GleanCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static int execute(String... args) {
        return new CommandLine(new GleanCommand()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
