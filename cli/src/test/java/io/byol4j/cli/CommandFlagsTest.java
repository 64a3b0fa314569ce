package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.cli.bench.BenchCommand;
import io.byol4j.cli.bench.BenchConfig;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
        IllegalStateException misnamed = assertThrows(IllegalStateException.class,
                () -> CommandConfigs.resolve(Sample.class, defaults, null, new MisnamedCommand()));
        assertTrue(misnamed.getMessage().contains("MisnamedCommand.step (--step) is not a key of Sample"),
                misnamed.getMessage());
        IllegalStateException mistyped = assertThrows(IllegalStateException.class,
                () -> CommandConfigs.resolve(Sample.class, defaults, null, new MistypedCommand()));
        assertTrue(mistyped.getMessage().contains("java.lang.Long but Sample.steps is java.lang.Integer"),
                mistyped.getMessage());
    }

    @Test
    void everyBenchKeyHasItsFlag() {
        Map<String, Object> flags = CommandConfigs.flagValues(BenchConfig.class, new BenchCommand());
        List<String> keys = Arrays.stream(BenchConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
        assertEquals(keys, List.copyOf(flags.keySet()));
    }
}
