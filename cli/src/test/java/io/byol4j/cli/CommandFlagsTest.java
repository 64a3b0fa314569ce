package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.cli.bench.BenchCommand;
import io.byol4j.cli.bench.BenchConfig;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Typed flag plumbing: option fields are the config record's components, by name and type. */
class CommandFlagsTest {

    record Sample(String out, int steps, List<String> names) {}

    static final class GoodCommand {
        @Option(names = "--config")
        Path configFile;

        @Option(names = "--steps")
        Integer steps;

        @Option(names = "--names", split = ",")
        List<String> names;
    }

    static final class MisnamedCommand {
        @Option(names = "--step")
        Integer step;
    }

    static final class MistypedCommand {
        @Option(names = "--steps")
        Long steps;
    }

    @Test
    void setFlagsOverrideDefaultsAndUnsetOnesKeepThem() {
        GoodCommand command = new GoodCommand();
        new CommandLine(command).parseArgs("--steps", "7");
        Sample resolved = CommandConfigs.resolve(Sample.class, new Sample("o", 3, List.of("a")), null, command);
        assertEquals(new Sample("o", 7, List.of("a")), resolved);
    }

    @Test
    void aFlagThatNamesNoKeyOrHasAnotherTypeIsAProgrammingError() {
        Sample defaults = new Sample("o", 3, List.of());
        IllegalStateException misnamed = assertThrows(
                IllegalStateException.class,
                () -> CommandConfigs.resolve(Sample.class, defaults, null, new MisnamedCommand()));
        assertTrue(
                misnamed.getMessage().contains("MisnamedCommand.step (--step) is not a key of Sample"),
                misnamed.getMessage());
        IllegalStateException mistyped = assertThrows(
                IllegalStateException.class,
                () -> CommandConfigs.resolve(Sample.class, defaults, null, new MistypedCommand()));
        assertTrue(
                mistyped.getMessage().contains("java.lang.Long but Sample.steps is java.lang.Integer"),
                mistyped.getMessage());
    }

    @Test
    void everyKeyOfTheTypedCommandsHasItsFlag() {
        assertEveryKeyHasAFlag(BenchConfig.class, new BenchCommand());
        assertEveryKeyHasAFlag(ProbeCommand.ProbeConfig.class, new ProbeCommand());
        assertEveryKeyHasAFlag(SemiCommand.SemiConfig.class, new SemiCommand());
        assertEveryKeyHasAFlag(ExportCommand.ExportConfig.class, new ExportCommand());
        assertEveryKeyHasAFlag(EmbedCommand.EmbedConfig.class, new EmbedCommand());
        assertEveryKeyHasAFlag(EvalCommand.EvalConfig.class, new EvalCommand());
        assertEveryKeyHasAFlag(DemoCommand.DemoConfig.class, new DemoCommand());
        assertEveryKeyHasAFlag(SweepCommand.SweepConfig.class, new SweepCommand());
        assertEveryKeyHasAFlag(ServeCommand.ServeConfig.class, new ServeCommand());
        assertEveryKeyHasAFlag(FinetuneCommand.FinetuneConfig.class, new FinetuneCommand());
        assertEveryKeyHasAFlag(ReportCommand.ReportConfig.class, new ReportCommand());
    }

    /** Section 5: finetune's flags are FinetuneConfig keys; --class-names reads its file into the key's list. */
    @Test
    void finetuneFlagsReachTheConfig(@TempDir Path dir) throws Exception {
        Path names = dir.resolve("names.txt");
        Files.writeString(names, "cat\n\n dog \n", StandardCharsets.UTF_8);
        FinetuneCommand finetune = new FinetuneCommand();
        new CommandLine(finetune)
                .parseArgs(
                        "--checkpoint",
                        "runs/byol",
                        "--dataset",
                        "folder:/data/train",
                        "--lr",
                        "0.1,0.2",
                        "--epochs",
                        "5",
                        "--no-retrain-on-all",
                        "--momentum",
                        "0.8",
                        "--workers",
                        "3",
                        "--class-names=" + names,
                        "--no-export",
                        "--force");
        FinetuneCommand.FinetuneConfig c =
                CommandConfigs.resolve(FinetuneCommand.FinetuneConfig.class, FinetuneCommand.DEFAULTS, null, finetune);
        assertEquals("runs/byol", c.checkpoint());
        assertEquals("folder:/data/train", c.dataset());
        assertEquals(List.of(0.1, 0.2), c.learningRates());
        assertEquals(List.of(5), c.epochs());
        assertEquals(false, c.retrainOnAll());
        assertEquals(0.8, c.momentum());
        assertEquals(3, c.workers());
        assertEquals(List.of("cat", "dog"), c.classNames());
        assertEquals(false, c.export());
        assertTrue(finetune.force, "--force is a run flag, not a key");
        assertEquals(FinetuneCommand.DEFAULTS.batchSize(), c.batchSize());
        assertEquals(FinetuneCommand.DEFAULTS.logEverySteps(), c.logEverySteps());
        assertEquals(true, FinetuneCommand.DEFAULTS.export());
        assertEquals(true, FinetuneCommand.DEFAULTS.retrainOnAll());

        FinetuneCommand unset = new FinetuneCommand();
        new CommandLine(unset).parseArgs("--checkpoint", "c");
        FinetuneCommand.FinetuneConfig d =
                CommandConfigs.resolve(FinetuneCommand.FinetuneConfig.class, FinetuneCommand.DEFAULTS, null, unset);
        assertEquals(true, d.export(), "export stays on without --no-export");
        assertEquals(null, d.classNames());

        CommandLine.ParameterException missing = assertThrows(
                CommandLine.ParameterException.class,
                () -> new CommandLine(new FinetuneCommand())
                        .parseArgs("--class-names", dir.resolve("absent.txt").toString()));
        assertTrue(missing.getMessage().contains("absent.txt"), missing.getMessage());
    }

    /** Section 5: report's flags are ReportConfig keys (--l2 included); --force is a run flag. */
    @Test
    void reportFlagsReachTheConfig() {
        ReportCommand report = new ReportCommand();
        new CommandLine(report)
                .parseArgs(
                        "--checkpoint",
                        "runs/byol",
                        "--seeds",
                        "4,5",
                        "--l2",
                        "0.25",
                        "--batch-size",
                        "32",
                        "--convert-inputs",
                        "--force");
        ReportCommand.ReportConfig c =
                CommandConfigs.resolve(ReportCommand.ReportConfig.class, ReportCommand.DEFAULTS, null, report);
        assertEquals("runs/byol", c.checkpoint());
        assertEquals(List.of(4L, 5L), c.seeds());
        assertEquals(0.25, c.l2());
        assertEquals(32, c.batchSize());
        assertTrue(c.convertInputs());
        assertTrue(report.force);
        assertEquals(ReportCommand.DEFAULTS.fractions(), c.fractions());
        assertEquals(ReportCommand.DEFAULTS.epochs(), c.epochs());
    }

    @Test
    void serveFlagsReachTheConfig() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve)
                .parseArgs(
                        "--model-repository",
                        "/srv/models",
                        "--version-policy",
                        "specific:1,3",
                        "--max-calls-per-connection",
                        "8",
                        "--no-batching",
                        "--max-pixels-in-flight",
                        "7000000",
                        "--device",
                        "CUDA:1");
        ServeCommand.ServeConfig c =
                CommandConfigs.resolve(ServeCommand.ServeConfig.class, ServeCommand.DEFAULTS, null, serve);
        assertEquals("/srv/models", c.modelRepository());
        assertEquals("specific:1,3", c.versionPolicy());
        assertEquals(8, c.maxCallsPerConnection());
        assertEquals(false, c.batching());
        assertEquals(7_000_000L, c.maxPixelsInFlight());
        assertEquals(ServeCommand.DEFAULTS.port(), c.port());
        assertEquals("latest:1", ServeCommand.DEFAULTS.versionPolicy());
        assertEquals("gpu:1", c.device(), "the device word reaches the config in its canonical form");
        assertEquals("cpu", ServeCommand.DEFAULTS.device());
    }

    @Test
    void serveRefusesAnUnknownDeviceWhileParsingNamingIt() {
        CommandLine cl = new CommandLine(new ServeCommand());
        CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(
                CommandLine.ParameterException.class, () -> cl.parseArgs("--model", "m.onnx", "--device", "gpu:x"));
        assertTrue(e.getMessage().contains("--device") && e.getMessage().contains("gpu:x"), e.getMessage());
        assertTrue(e.getMessage().contains("gpu:N"), e.getMessage());
    }

    @Test
    void embedDecodeThreadsHasAFlagNow() {
        EmbedCommand embed = new EmbedCommand();
        new CommandLine(embed).parseArgs("--decode-threads", "3", "--normalize");
        EmbedCommand.EmbedConfig e =
                CommandConfigs.resolve(EmbedCommand.EmbedConfig.class, EmbedCommand.DEFAULTS, null, embed);
        assertEquals(3, e.decodeThreads());
        assertTrue(e.normalize());
        assertEquals(EmbedCommand.DEFAULTS.batchSize(), e.batchSize());
    }

    @Test
    void newProbeAndSemiFlagsReachTheConfig() {
        ProbeCommand probe = new ProbeCommand();
        new CommandLine(probe).parseArgs("--l2-grid", "0.5,0.25", "--val-fraction", "0.3", "--knn-temperature", "0.2");
        ProbeCommand.ProbeConfig p =
                CommandConfigs.resolve(ProbeCommand.ProbeConfig.class, ProbeCommand.DEFAULTS, null, probe);
        assertArrayEquals(new double[] {0.5, 0.25}, p.l2Grid());
        assertEquals(0.3, p.valFraction());
        assertEquals(0.2, p.knnTemperature());
        assertEquals(ProbeCommand.DEFAULTS.knnK(), p.knnK());

        SemiCommand semi = new SemiCommand();
        new CommandLine(semi).parseArgs("--propagation-k", "7", "--min-confidence", "0.5");
        SemiCommand.SemiConfig s =
                CommandConfigs.resolve(SemiCommand.SemiConfig.class, SemiCommand.DEFAULTS, null, semi);
        assertEquals(7, s.propagationK());
        assertEquals(0.5, s.minConfidence());
        assertEquals(SemiCommand.DEFAULTS.propagationAlpha(), s.propagationAlpha());
    }

    /** Section 5 of docs/sdk-api.md: train's flags are TrainConfig keys by field name and type; --set comes last. */
    @Test
    void trainFlagsAreTypedTrainConfigKeys() {
        assertEquals(
                List.of("batchSize", "dataset", "device", "epochs", "outputDir", "seed"),
                CommandConfigs.flagValues(io.byol4j.trainer.config.TrainConfig.class, new TrainCommand())
                        .keySet()
                        .stream()
                        .sorted()
                        .toList());
        TrainCommand train = new TrainCommand();
        new CommandLine(train)
                .parseArgs(
                        "--preset",
                        "cpu-tiny",
                        "--epochs",
                        "3",
                        "--batch-size",
                        "16",
                        "--out",
                        "/tmp/run-x",
                        "--seed",
                        "9",
                        "--dataset",
                        "synthetic:size=64",
                        "--set",
                        "seed=11",
                        "--set",
                        "optimizer.baseLr=0.5");
        io.byol4j.trainer.config.TrainConfig cfg = train.resolve();
        io.byol4j.trainer.config.TrainConfig preset = io.byol4j.trainer.config.TrainConfig.preset("cpu-tiny");
        assertEquals(3, cfg.epochs());
        assertEquals(16, cfg.batchSize());
        assertEquals("/tmp/run-x", cfg.outputDir());
        assertEquals("synthetic:size=64", cfg.dataset());
        assertEquals(11, cfg.seed(), "--set is applied after the typed flags");
        assertEquals(0.5, cfg.optimizer().baseLr());
        assertEquals(preset.device(), cfg.device(), "an unset flag keeps the preset's value");
        assertEquals(
                List.of("dataset", "batchSize", "epochs", "optimizer.baseLr", "seed", "outputDir"),
                preset.differences(cfg));
    }

    /** Section 4 of docs/sdk-api.md: one --device vocabulary, parsed by DeviceFlag in every command that has it. */
    @Test
    void deviceFlagSpeaksOneVocabularyInEveryCommand() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--device", "CUDA:1");
        assertEquals("gpu:1", train.device);
        assertEquals("gpu:1", train.resolve().device());
        FinetuneCommand finetune = new FinetuneCommand();
        new CommandLine(finetune).parseArgs("--device", " cuda ");
        assertEquals("gpu", finetune.device);
        ReportCommand report = new ReportCommand();
        new CommandLine(report).parseArgs("--device", "cpu");
        assertEquals("cpu", report.device);
        for (Object command : List.of(new TrainCommand(), new FinetuneCommand(), new ReportCommand())) {
            CommandLine.ParameterException e = assertThrows(
                    CommandLine.ParameterException.class,
                    () -> new CommandLine(command).parseArgs("--device", "gpu:x"));
            assertTrue(
                    e.getMessage().contains("'gpu:x'")
                            && e.getMessage().contains(io.byol4j.sdk.internal.DeviceRequest.VOCABULARY),
                    e.getMessage());
        }
    }

    private static void assertEveryKeyHasAFlag(Class<? extends Record> type, Object command) {
        Map<String, Object> flags = CommandConfigs.flagValues(type, command);
        List<String> keys = Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .sorted()
                .toList();
        assertEquals(keys, flags.keySet().stream().sorted().toList(), type.getSimpleName());
    }
}
