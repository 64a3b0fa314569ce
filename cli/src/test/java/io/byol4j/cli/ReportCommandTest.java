package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code byol4j report} end to end at a tiny scale, through a size conversion (20px data, 16px encoder). */
class ReportCommandTest {

    @TempDir
    Path tmp;

    @Test
    void everyMethodAtEveryFractionAndSeedInOneReport() throws Exception {
        Path byol = TinyCheckpoint.create(tmp.resolve("byol"));
        Path out = tmp.resolve("report");
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));

        StringWriter refused = new StringWriter();
        CommandLine first = Main.commandLine();
        first.setErr(new PrintWriter(refused, true));
        assertEquals(
                2,
                first.execute(
                        "report",
                        "--checkpoint",
                        byol.toString(),
                        "--train",
                        "synthetic:size=60,seed=3,image=20",
                        "--test",
                        "synthetic:size=30,seed=8,image=20",
                        "--out",
                        out.toString()));
        assertTrue(refused.toString().contains("--convert-inputs"), refused.toString());
        assertTrue(!Files.exists(out), "nothing written before the checks pass");

        int code = cl.execute(
                "report",
                "--checkpoint",
                byol.toString(),
                "--train",
                "synthetic:size=60,seed=3,image=20",
                "--test",
                "synthetic:size=30,seed=8,image=20",
                "--convert-inputs",
                "--fractions",
                "0.2,1",
                "--seeds",
                "1,2",
                "--lr",
                "0.05",
                "--epochs",
                "1",
                "--batch-size",
                "8",
                "--device",
                "cpu",
                "--out",
                out.toString());
        assertEquals(0, code, err.toString());

        JsonNode results = CommandConfigs.JSON.readTree(
                out.resolve(ReportCommand.RESULTS_FILE).toFile());
        assertEquals(2 * 6 + 2 * 5, results.size(), "6 methods at 20% (x2 seeds), 5 at 100% (no propagation)");
        Set<String> methods = new HashSet<>();
        for (JsonNode m : results) {
            methods.add(m.get("method").asText());
            double acc = m.get("accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, m.toString());
        }
        assertEquals(Set.copyOf(ReportCommand.METHODS), methods);
        String md = Files.readString(out.resolve(ReportCommand.REPORT_FILE));
        for (String method : ReportCommand.METHODS) {
            assertTrue(md.contains("| " + method + " |"), method);
        }
        assertTrue(
                md.contains("20% labels") && md.contains("100% labels") && md.contains("./byol4j report --config"), md);
        assertTrue(Files.size(out.resolve(ReportCommand.PLOT_FILE)) > 1000);
        assertTrue(Files.isRegularFile(out.resolve("finetune/byol-f0.2-s1/final/curves.png")));
        assertTrue(Files.isRegularFile(out.resolve("report-config.json")));
    }

    /** A report stopped part-way continues with --resume: finished work is kept, the rest is measured as before. */
    @Test
    void resumesAnUnfinishedReportAndRefusesToMixConfigurations() throws Exception {
        Path byol = TinyCheckpoint.create(tmp.resolve("byol"));
        Path out = tmp.resolve("report");
        java.util.List<String> args = java.util.List.of(
                "report",
                "--checkpoint",
                byol.toString(),
                "--train",
                "synthetic:size=40,seed=3,image=16",
                "--test",
                "synthetic:size=20,seed=8,image=16",
                "--fractions",
                "0.25",
                "--seeds",
                "1",
                "--lr",
                "0.05",
                "--epochs",
                "2",
                "--batch-size",
                "8",
                "--device",
                "cpu",
                "--out",
                out.toString());
        assertEquals(0, execute(args).code(), "the whole report");
        JsonNode whole = CommandConfigs.JSON.readTree(
                out.resolve(ReportCommand.RESULTS_FILE).toFile());
        assertTrue(!Files.exists(out.resolve(ReportCommand.PROGRESS_FILE)), "no progress file once finished");
        java.util.List<String> resumeFinished = new java.util.ArrayList<>(args);
        resumeFinished.add("--resume");
        Run finished = execute(resumeFinished);
        assertEquals(2, finished.code());
        assertTrue(finished.err().contains("is finished"), finished.err());

        // As if killed while training the last method's final model: its measurement and final run are missing.
        Files.delete(out.resolve(ReportCommand.REPORT_FILE));
        Files.delete(out.resolve(ReportCommand.RESULTS_FILE));
        java.util.List<JsonNode> kept = new java.util.ArrayList<>();
        whole.forEach(m -> {
            if (!m.get("method").asText().equals("supervised from scratch")) {
                kept.add(m);
            }
        });
        assertEquals(whole.size() - 1, kept.size());
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("measurements", kept);
        progress.put("seconds", 12.0);
        CommandConfigs.saveJson(out.resolve(ReportCommand.PROGRESS_FILE), progress);
        Path scratch = out.resolve("finetune/random-f0.25-s1");
        io.byol4j.sdk.internal.io.AtomicFiles.deleteRecursively(scratch.resolve("final"));
        Files.delete(scratch.resolve("result.json"));
        Path features = out.resolve("eval/features/byol/train/features.npy");
        Path byolResult = out.resolve("finetune/byol-f0.25-s1/result.json");
        java.nio.file.attribute.FileTime featuresTime = Files.getLastModifiedTime(features);
        java.nio.file.attribute.FileTime byolTime = Files.getLastModifiedTime(byolResult);

        Run fresh = execute(args);
        assertEquals(2, fresh.code());
        assertTrue(fresh.err().contains("unfinished report") && fresh.err().contains("--resume"), fresh.err());
        java.util.List<String> otherSeeds = new java.util.ArrayList<>(args);
        otherSeeds.set(otherSeeds.indexOf("--seeds") + 1, "1,2");
        otherSeeds.add("--resume");
        Run mixed = execute(otherSeeds);
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("seeds (was [1], now [1,2])"), mixed.err());

        java.util.List<String> resume = new java.util.ArrayList<>(args);
        resume.add("--resume");
        Run resumed = execute(resume);
        assertEquals(0, resumed.code(), resumed.err());
        JsonNode again = CommandConfigs.JSON.readTree(
                out.resolve(ReportCommand.RESULTS_FILE).toFile());
        assertEquals(whole, again, "the resumed report measures what the whole run measured");
        assertEquals(featuresTime, Files.getLastModifiedTime(features), "features kept, not extracted again");
        assertEquals(byolTime, Files.getLastModifiedTime(byolResult), "finished fine-tuning kept");
        assertTrue(Files.isRegularFile(scratch.resolve("final/curves.png")), "the unfinished run was completed");
        assertTrue(Files.isRegularFile(out.resolve(ReportCommand.REPORT_FILE)));
        assertTrue(!Files.exists(out.resolve(ReportCommand.PROGRESS_FILE)));
    }

    private record Run(int code, String err) {}

    private static Run execute(java.util.List<String> args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, err.toString());
    }
}
