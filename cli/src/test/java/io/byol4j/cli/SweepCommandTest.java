package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 2-cell x 2-seed sweep of 3-step trainings end to end through the command line, then its resumption. */
class SweepCommandTest {

    @TempDir
    Path tmp;

    private String[] sweepArgs(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "sweep",
                "--preset",
                "cpu-tiny",
                "--set",
                "imageSize=16",
                "--set",
                "encoder.width=8",
                "--set",
                "heads.projectorHidden=32",
                "--set",
                "heads.projectionDim=16",
                "--set",
                "heads.predictorHidden=32",
                "--set",
                "batchSize=16",
                "--set",
                "steps=3",
                "--set",
                "warmupEpochs=0",
                "--set",
                "workers=1",
                "--set",
                "monitor.knnEveryEpochs=0",
                "--grid",
                "tauBase=0.97,0.99",
                "--seeds",
                "1,2",
                "--dataset",
                "synthetic:size=64,seed=3,image=16",
                "--train",
                "synthetic:size=64,seed=3,image=16",
                "--test",
                "synthetic:size=40,seed=4,image=16",
                "--budget-minutes",
                "5",
                "--out",
                out.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void sweepsTheGridWritesTheTableAndPlotAndContinuesWhereItStopped() throws Exception {
        Path out = tmp.resolve("sweep");
        CliRun first = CliRun.execute(sweepArgs(out));
        assertEquals(0, first.code(), first.out() + first.err());

        // one result per cell and seed, 3 steps each, accuracies that are fractions
        List<SweepReport.RunResult> runs = new ArrayList<>();
        for (String cell : List.of("tauBase=0.97", "tauBase=0.99")) {
            for (int seed : new int[] {1, 2}) {
                Path result = out.resolve("runs/" + cell + "/seed-" + seed + "/result.json");
                SweepReport.RunResult r = CommandConfigs.JSON.readValue(result.toFile(), SweepReport.RunResult.class);
                assertEquals(cell, r.cell());
                assertEquals(seed, r.seed());
                assertEquals(3, r.steps());
                assertTrue(r.trainSeconds() > 0, r.toString());
                for (double acc : new double[] {r.linear(), r.knn(), r.randomLinear(), r.randomKnn()}) {
                    assertTrue(acc >= 0 && acc <= 1, r.toString());
                }
                runs.add(r);
            }
        }
        // the two cells differ only in tau: they start from the same weights per seed and share one random-init
        // evaluation per seed
        assertEquals(runs.get(0).randomInit(), runs.get(2).randomInit());
        assertEquals(runs.get(1).randomInit(), runs.get(3).randomInit());
        assertFalse(runs.get(0).randomInit().equals(runs.get(1).randomInit()));
        assertEquals(runs.get(0).randomLinear(), runs.get(2).randomLinear());
        try (Stream<Path> dirs = Files.list(out.resolve("random-init"))) {
            assertEquals(2, dirs.count());
        }

        // the summary: two BYOL rows with the mean and sample sd of the seeds, and one random-init row
        List<String> summary = Files.readAllLines(out.resolve(SweepReport.SUMMARY_CSV));
        assertEquals(4, summary.size(), summary.toString());
        String[] cell1 = summary.get(1).split(",");
        assertEquals("byol", cell1[0]);
        assertEquals("tauBase=0.97", cell1[1]);
        double mean = (runs.get(0).linear() + runs.get(1).linear()) / 2;
        double sd = Math.abs(runs.get(0).linear() - runs.get(1).linear()) / Math.sqrt(2);
        assertEquals(mean, Double.parseDouble(cell1[4]), 1e-4);
        assertEquals(sd, Double.parseDouble(cell1[5]), 1e-4);
        assertEquals(Math.min(runs.get(0).linear(), runs.get(1).linear()), Double.parseDouble(cell1[6]), 1e-4);
        assertEquals("true", cell1[14], "3-step runs are within 5 minutes");
        assertTrue(summary.get(3).startsWith("random-init,"), summary.get(3));
        assertTrue(summary.get(3).contains("tauBase=0.97 tauBase=0.99"), summary.get(3));
        assertEquals(5, Files.readAllLines(out.resolve(SweepReport.RUNS_CSV)).size());
        String md = Files.readString(out.resolve(SweepReport.SUMMARY_MD));
        assertTrue(md.contains("| tauBase=0.97 | 1 2 |") && md.contains("| tauBase=0.99 | 1 2 |"), md);
        assertTrue(md.contains("Random initialisation"), md);
        assertTrue(Files.size(out.resolve(SweepReport.PLOT)) > 5000);
        assertTrue(Files.exists(out.resolve("sweep-config.json")));
        assertTrue(first.out().contains("| tauBase=0.99 |"), first.out());

        // kill simulation: one run lost its evaluation, another its whole training
        Path evalOnly = out.resolve("runs/tauBase=0.97/seed-2");
        Files.delete(evalOnly.resolve("result.json"));
        Path retrain = out.resolve("runs/tauBase=0.99/seed-1");
        Files.delete(retrain.resolve("result.json"));
        AtomicFiles.deleteRecursively(retrain.resolve("train"));
        String before = Files.readAllLines(out.resolve(SweepReport.RUNS_CSV)).get(1);

        CliRun second = CliRun.execute(sweepArgs(out));
        assertEquals(0, second.code(), second.out() + second.err());
        assertEquals(2, count(second.out(), "finished before, skipped"), second.out());
        assertEquals(1, count(second.out(), "training finished before; evaluating"), second.out());
        assertEquals(1, count(second.out(), "done: 3 steps"), second.out());
        assertEquals(2, count(second.out(), "; reused"), "random-init evaluations come from the cache");
        assertTrue(Files.exists(evalOnly.resolve("result.json")));
        assertTrue(Files.exists(retrain.resolve("result.json")));
        assertEquals(
                before, Files.readAllLines(out.resolve(SweepReport.RUNS_CSV)).get(1), "finished runs kept");

        // another base config in the same folder is refused before any training
        CliRun other = CliRun.execute(sweepArgs(out, "--set", "optimizer.baseLr=0.5"));
        assertEquals(2, other.code());
        assertTrue(
                other.err().contains("holds a sweep whose cells start from another config")
                        && other.err().contains("optimizer.baseLr"),
                other.err());
    }

    @Test
    void aDivergingCellIsRecordedAndTheSweepGoesOn() throws Exception {
        Path out = tmp.resolve("diverging");
        String[] args = {
            "sweep",
            "--preset",
            "cpu-tiny",
            "--set",
            "imageSize=16",
            "--set",
            "encoder.width=8",
            "--set",
            "batchSize=16",
            "--set",
            "steps=3",
            "--set",
            "warmupEpochs=0",
            "--set",
            "optimizer.type=sgd",
            "--set",
            "monitor.knnEveryEpochs=0",
            "--grid",
            "optimizer.baseLr=1e300,0.1",
            "--seeds",
            "1",
            "--train",
            "synthetic:size=48,seed=3,image=16",
            "--test",
            "synthetic:size=30,seed=4,image=16",
            "--out",
            out.toString()
        };
        CliRun first = CliRun.execute(args);
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("training diverged") && first.out().contains("goes on"), first.out());
        SweepReport.DivergedRun d = CommandConfigs.JSON.readValue(
                out.resolve("runs/optimizer.baseLr=1e300/seed-1/" + SweepCommand.DIVERGED)
                        .toFile(),
                SweepReport.DivergedRun.class);
        assertTrue(d.step() >= 1 && d.step() <= 3, d.toString());
        assertTrue(Files.exists(out.resolve("runs/optimizer.baseLr=0.1/seed-1/result.json")));
        String md = Files.readString(out.resolve(SweepReport.SUMMARY_MD));
        assertTrue(md.contains("Diverged runs") && md.contains("| optimizer.baseLr=1e300 | 1 |"), md);
        assertEquals(
                2,
                Files.readAllLines(out.resolve(SweepReport.SUMMARY_CSV)).size() - 1,
                "one byol row, one" + " random-init row: the diverged cell has no mean");

        CliRun again = CliRun.execute(args);
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("diverged before"), again.out());
        assertFalse(again.out().contains("The sweep records it and goes on"), "not trained again");
    }

    @Test
    void badGridsAreRefusedBeforeTraining() {
        Path out = tmp.resolve("bad");
        CliRun seed = CliRun.execute(
                "sweep", "--grid", "seed=1,2", "--train", "synthetic", "--test", "synthetic", "--out", out.toString());
        assertEquals(2, seed.code());
        assertTrue(seed.err().contains("cannot vary 'seed'") && seed.err().contains("--seeds"), seed.err());

        CliRun unknown = CliRun.execute(
                "sweep",
                "--grid",
                "tauBase=0.9,1.5",
                "--train",
                "synthetic",
                "--test",
                "synthetic",
                "--out",
                out.toString());
        assertEquals(2, unknown.code());
        assertTrue(
                unknown.err().contains("grid cell 'tauBase=1.5' is not a valid config")
                        && unknown.err().contains("tauBase must be in [0, 1]"),
                unknown.err());

        CliRun dry = CliRun.execute(
                "sweep",
                "--grid",
                "tauBase=0.9,0.99",
                "--seeds",
                "1,2",
                "--train",
                "synthetic",
                "--test",
                "synthetic",
                "--out",
                out.toString(),
                "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("2 cell(s) x 2 seed(s) = 4 runs"), dry.out());
        assertEquals(4, count(dry.out(), "train and evaluate"), dry.out());
        assertTrue(dry.out().contains("[tauBase, seed, outputDir]"), dry.out());

        CliRun missing = CliRun.execute("sweep", "--grid", "tauBase=0.9", "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--train and --test"), missing.err());
        assertFalse(Files.exists(out), "nothing written for a refused sweep");
    }

    @Test
    void gridCellsAreEveryCombinationWithStableNames() {
        List<SweepGrid.Cell> cells = SweepGrid.parse(List.of("tauBase=0.97,0.99", "optimizer.type=lars,sgd"))
                .cells();
        assertEquals(4, cells.size());
        assertEquals(
                Map.of("tauBase", "0.97", "optimizer.type", "sgd"), cells.get(1).settings());
        assertEquals("tauBase=0.97__optimizer.type=sgd", cells.get(1).id());
        assertEquals("tauBase=0.99 optimizer.type=lars", cells.get(2).label());
        assertEquals("base", SweepGrid.parse(List.of()).cells().get(0).id());
        assertEquals("normalization.mean=0.5_0.5", new SweepGrid.Cell(Map.of("normalization.mean", "0.5 0.5")).id());
        // linked keys vary together: 2 x 2 cells, not 2 x 2 x 2
        List<SweepGrid.Cell> linked = SweepGrid.parse(
                        List.of("optimizer.type+optimizer.baseLr=sgd+0.2,lars+1.0", "tauBase=0.97,0.99"))
                .cells();
        assertEquals(4, linked.size());
        assertEquals(
                Map.of("optimizer.type", "lars", "optimizer.baseLr", "1.0", "tauBase", "0.97"),
                linked.get(2).settings());
        assertEquals(
                "optimizer.type=lars__optimizer.baseLr=1.0__tauBase=0.97",
                linked.get(2).id());
        CliException parts = assertThrows(
                CliException.class, () -> SweepGrid.parse(List.of("optimizer.type+optimizer.baseLr=sgd+0.2,lars")));
        assertTrue(parts.getMessage().contains("value 'lars' has 1 part(s) for 2 keys"), parts.getMessage());
        CliException twice =
                assertThrows(CliException.class, () -> SweepGrid.parse(List.of("tauBase=0.9", "tauBase=0.8")));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        CliException empty = assertThrows(CliException.class, () -> SweepGrid.parse(List.of("tauBase=0.9,,0.8")));
        assertTrue(empty.getMessage().contains("empty value"), empty.getMessage());
        CliException clash = assertThrows(
                CliException.class,
                () -> SweepGrid.parse(List.of("dataset=a b,a_b")).cells());
        assertTrue(clash.getMessage().contains("same folder name"), clash.getMessage());
    }

    @Test
    void statsAreMeanSampleSdMinAndMax() {
        SweepReport.Stats s = SweepReport.Stats.of(List.of(0.5, 0.6, 0.7));
        assertEquals(0.6, s.mean(), 1e-12);
        assertEquals(0.1, s.sd(), 1e-12);
        assertEquals(0.5, s.min(), 1e-12);
        assertEquals(0.7, s.max(), 1e-12);
        assertEquals(0.0, SweepReport.Stats.of(List.of(0.4)).sd());
        assertEquals("\"a,b\"", SweepReport.quote("a,b"));
        assertEquals("\"say \"\"x\"\"\"", SweepReport.quote("say \"x\""));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
