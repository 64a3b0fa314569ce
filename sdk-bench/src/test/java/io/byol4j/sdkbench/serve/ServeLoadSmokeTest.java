package io.byol4j.sdkbench.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        LoadOptions o = new LoadOptions(
                model,
                1,
                List.of(2),
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                8,
                Duration.ofMillis(2),
                64,
                Duration.ofMillis(1000),
                2,
                2,
                300,
                16,
                64,
                1,
                1,
                "cpu-tiny",
                false,
                Duration.ofMillis(100),
                false,
                Duration.ofMillis(300),
                Duration.ofMillis(100),
                0.5,
                null,
                "cpu");
        List<String> lines = new ArrayList<>();
        ServeLoad.Report report = ServeLoad.run(o, lines::add);

        assertEquals(3, report.warmups().size(), "the in-process reference and both servers are warmed up");
        assertTrue(
                report.warmups().stream().allMatch(w -> w.windows().size() >= 2 * SteadyState.WINDOWS),
                report.warmups().toString());
        assertEquals(3, lines.stream().filter(l -> l.startsWith("warm-up ")).count(), lines.toString());
        LoadResult sdk = report.cells().get(ServeLoad.key("sdk", 1));
        assertTrue(sdk.throughput() > 0, lines.toString());
        assertEquals(0, sdk.images() % 8, "the in-process reference runs whole batches of 8");
        for (int c : o.concurrency()) {
            for (String mode : List.of(ServeLoad.SDK_BATCHER, ServeLoad.OFF, ServeLoad.ON)) {
                LoadResult r = report.cells().get(ServeLoad.key(mode, c));
                assertTrue(r.calls() > 0, lines.toString());
                assertEquals(r.calls(), r.images(), "one image per call");
                assertEquals(0, r.failed(), r.failures().toString());
                assertTrue(r.latencyMillis(0.5) > 0 && r.latencyMillis(0.5) <= r.latencyMillis(0.99));
            }
            for (String mode : List.of(ServeLoad.OFF, ServeLoad.ON)) {
                StageProfile p = report.profiles().get(ServeLoad.key(mode, c));
                LoadResult r = report.cells().get(ServeLoad.key(mode, c));
                assertTrue(p.calls() >= r.calls(), "the server saw at least the measured calls (warm-up too): " + p);
                assertTrue(p.decode() > 0 && p.model() > 0 && p.parse() > 0 && p.respond() > 0, p.toString());
                assertTrue(p.batchImages() >= r.images(), p.toString());
                assertTrue(p.restMillis() > 0, "the client's latency includes the server's stages: " + p.describe());
            }
            assertEquals(1, report.ratios().get("on/off@" + c).size(), "one ratio per round");
            assertEquals(1, report.ratios().get("on/sdk@" + c).size(), "one ratio per round");
        }
        Overload.Result overload = report.overload();
        assertTrue(overload.sent() > 0, lines.toString());
        assertEquals(0, overload.lost(), lines.toString());
        assertTrue(overload.count("OK") > 0, lines.toString());
        assertEquals(
                overload.sent(),
                overload.outcomes().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(overload.samples().stream().allMatch(s -> s.rssMb() > 0), "resident memory is sampled");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("| 2 |")), "the summary table has a row per concurrency");
        assertEquals(1, lines.stream().filter(l -> l.startsWith("round ")).count());
        assertEquals(6, report.ceiling().size(), "batch 1 three ways, batch 16, the max batch 8, 8 without spinning");
        assertTrue(
                report.ceiling().stream().allMatch(p -> p.imagesPerSecond() > 0),
                report.ceiling().toString());
    }

    @Test
    void aServerInAChildJvmServesAndReportsItsOwnProcess() throws Exception {
        ModelContract contract = TestModels.contract(3, 16, 8);
        Path model = dir.resolve("tiny.onnx");
        Files.write(model, TestModels.model(contract));
        LoadOptions o = LoadOptions.parse(new String[] {"--max-batch", "4", "--max-concurrent-calls", "16"});
        ServerUnderTest server = ServerUnderTest.spawn(model, true, o);
        try (io.byol4j.grpc.client.FeatureClient client = io.byol4j.grpc.client.FeatureClient.builder(
                        "127.0.0.1", server.port())
                .deadline(Duration.ofSeconds(30))
                .build()) {
            byte[] jpeg = io.byol4j.sdkbench.BenchData.jpegs(io.byol4j.sdkbench.BenchData.images(1, 16, 5))
                    .get(0);
            assertTrue(client.embed(jpeg).ok());
            ProcStatus child = server.status();
            assertTrue(child.rssKb() > 0 && child.threads() > 0, child.toString());
            assertTrue(server.description().contains("child JVM pid"), server.description());
            assertTrue(server.queueDepth() >= 0, "the queue depth is scraped from the child's metrics endpoint");
            assertTrue(MetricsScrape.of(server.metricsPort()).sum("byol4j_images_inferred_total") >= 1);
        } finally {
            server.close();
        }
        assertThrows(java.io.IOException.class, server::status, "the child process has ended");
    }

    @Test
    void warmUpRunsUntilTheLastWindowsAgree() throws Exception {
        assertFalse(SteadyState.steady(List.of(1.0, 1.0, 1.0, 1.0, 1.0), 0.1), "fewer windows than two spans");
        assertFalse(SteadyState.steady(List.of(8.0, 4.0, 2.0, 1.5, 1.0, 1.0), 0.1), "still falling");
        assertTrue(SteadyState.steady(List.of(8.0, 4.0, 1.0, 1.05, 0.97, 1.0, 0.98, 1.02), 0.1));
        assertFalse(
                SteadyState.steady(List.of(1.0, 0.98, 0.96, 0.9, 0.88, 0.86), 0.05),
                "a slow fall (10% from one span to the next) is not steady at 5%");

        double[] cpuMs = {8, 4, 2, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
        int[] next = {0};
        SteadyState.Result falling = SteadyState.warm(
                "falling",
                Duration.ofMillis(1),
                Duration.ofSeconds(60),
                0.1,
                w -> new SteadyState.Window(100, cpuMs[next[0]++]));
        assertTrue(falling.steady());
        assertEquals(
                10, falling.windows().size(), "stops when two spans of three windows agree: " + falling.describe());

        double[] swinging = {1, 2, 1, 2, 1, 2, 1, 2};
        next[0] = 0;
        SteadyState.Result capped = SteadyState.warm(
                "swinging",
                Duration.ofMillis(1),
                Duration.ZERO,
                0.1,
                w -> new SteadyState.Window(swinging[next[0]++], Double.NaN));
        assertFalse(capped.steady(), "throughput is the metric without CPU; it never settles");
        assertEquals(2 * SteadyState.WINDOWS, capped.windows().size(), "the cap still runs two spans");
        assertTrue(capped.describe().contains("NOT steady"), capped.describe());
    }

    @Test
    void metricsTextIsParsedAndSummedByLabel() {
        MetricsScrape s = MetricsScrape.parse(String.join(
                "\n",
                "# HELP x y",
                "byol4j_call_stage_seconds_sum{method=\"a\",stage=\"decode\"} 1.5",
                "byol4j_call_stage_seconds_sum{method=\"b\",stage=\"decode\"} 2.0",
                "byol4j_call_stage_seconds_sum{method=\"a\",stage=\"model\"} 4.0",
                "byol4j_queue_depth 7"));
        assertEquals(3.5, s.sum("byol4j_call_stage_seconds_sum", "stage=\"decode\""), 1e-12);
        assertEquals(1.5, s.sum("byol4j_call_stage_seconds_sum", "method=\"a\"", "stage=\"decode\""), 1e-12);
        assertEquals(7, s.sum("byol4j_queue_depth"), 1e-12);
        assertEquals(0, s.sum("byol4j_missing"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> MetricsScrape.parse("garbage"));
    }

    @Test
    void badFlagsAreNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--seconds", "ten"}));
        assertTrue(e.getMessage().contains("--seconds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--bogus", "1"}));
        IllegalArgumentException preset = assertThrows(
                IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--preset", "resnet9000"}));
        assertTrue(preset.getMessage().contains("resnet9000"), preset.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server-process", "yes"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--model", "m.onnx", "--preset", "cifar10"}));
        assertEquals(
                "cifar10",
                LoadOptions.parse(new String[] {"--preset", "cifar10"}).preset());
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--concurrency", "1,4", "--overload-base", "16"}));
        assertEquals(
                List.of(2, 8),
                LoadOptions.parse(new String[] {"--concurrency", "2,8", "--overload-base", "8"})
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
