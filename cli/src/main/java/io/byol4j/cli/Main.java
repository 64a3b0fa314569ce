package io.byol4j.cli;

import io.byol4j.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code byol4j} command line. */
@Command(
        name = "byol4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "BYOL self-supervised pretraining, ONNX export and feature extraction for Java.",
        subcommands = {
            DemoCommand.class,
            EvalCommand.class,
            TrainCommand.class,
            ExportCommand.class,
            EmbedCommand.class,
            ProbeCommand.class,
            SemiCommand.class,
            FinetuneCommand.class,
            ReportCommand.class,
            ServeCommand.class,
            BenchCommand.class,
            SweepCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with byol4j's error handling: a clear one-line message, exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("byol4j " + commandLine.getCommandName() + ": error: " + message(ex));
            if (Boolean.getBoolean("byol4j.stacktrace")) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 2;
        });
        return cl;
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        LauncherArgFile.deleteIfGiven();
        System.exit(commandLine().execute(args));
    }
}
