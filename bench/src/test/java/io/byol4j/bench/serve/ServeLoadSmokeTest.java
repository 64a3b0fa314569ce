package io.byol4j.bench.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load benchmark's whole code path on a tiny model, in about two seconds. */
class ServeLoadSmokeTest {

    @TempDir
    Path dir;

    @Test
    void runsEveryModeAndReportsSaneNumbers() throws Exception {
        ModelContract contract = TestModels.contract(3, 16, 8);
        Path model = dir.resolve("tiny.onnx");
        Files.write(model, TestModels.model(contract));
        LoadOptions o = new LoadOptions(model, 2, List.of(1, 3), Duration.ofMillis(100), Duration.ofMillis(400), 8,
                Duration.ofMillis(2), 64, Duration.ZERO, 10, 3, 1000, 16);
        List<String> lines = new ArrayList<>();
        ServeLoad.Report report = ServeLoad.run(o, lines::add);

        LoadResult sdk = report.cells().get(ServeLoad.key("sdk", 1));
        assertTrue(sdk.throughput() > 0, lines.toString());
        assertEquals(0, sdk.images() % 8, "the in-process reference runs whole batches of 8");
        for (int c : o.concurrency()) {
            LoadResult off = report.cells().get(ServeLoad.key("batching off", c));
            assertTrue(off.calls() > 0, lines.toString());
            assertEquals(off.calls(), off.images(), "one image per call");
            assertEquals(0, off.failed(), off.failures().toString());
            assertTrue(off.latencyMillis(0.5) > 0 && off.latencyMillis(0.5) <= off.latencyMillis(0.99));
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("| 3 |")), "the summary table has a row per concurrency");
        assertEquals(2, lines.stream().filter(l -> l.startsWith("round ")).count());
    }

    @Test
    void badFlagsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--seconds", "ten"}));
        assertTrue(e.getMessage().contains("--seconds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--concurrency", "1,4", "--overload-base", "16"}));
        assertEquals(List.of(2, 8), LoadOptions.parse(new String[] {"--concurrency", "2,8", "--overload-base", "8"})
                .concurrency());
    }

    @Test
    void percentilesUseNearestRank() {
        long[] l = new long[100];
        for (int i = 0; i < 100; i++) {
            l[i] = (100 - i) * 1_000_000L;
        }
        LoadResult r = new LoadResult("x", 1, 100, 100, java.util.Map.of(), 2.0, l);
        assertEquals(50.0, r.latencyMillis(0.5), 1e-9);
        assertEquals(99.0, r.latencyMillis(0.99), 1e-9);
        assertEquals(50.0, r.throughput(), 1e-9);
        LoadResult both = LoadResult.merge(List.of(r, r));
        assertEquals(200, both.images());
        assertEquals(50.0, both.throughput(), 1e-9);
        assertEquals(200, both.latencyNanos().length);
        assertEquals(1.5, ServeLoad.median(List.of(2.0, 1.0)), 1e-12);
        assertEquals(2.0, ServeLoad.median(List.of(3.0, 1.0, 2.0)), 1e-12);
    }
}
