package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.byol4j.exporter.testing.OrtRunner;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.model.EncoderSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * For every encoder family: BatchNorm folding stays within the float32 tolerance, float16 weights within
 * theirs, and both files survive ONNX Runtime's full graph optimisation, including writing the
 * optimised model to disk and running that file.
 */
class EncoderFamiliesTest {

    private static final int SIZE = 32;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} width {1} cifarStem={2}")
    @CsvSource({
        "resnet10, 4, false",
        "resnet18, 4, true",
        "resnet34, 2, false",
        "resnet50, 2, true",
    })
    void foldedAndFloat16ExportsPassAndSurviveFullOptimisation(String architecture, int width, boolean cifarStem)
            throws Exception {
        EncoderSpec spec = new EncoderSpec(architecture, width, cifarStem, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedEncoder encoder = TestEncoders.loaded(spec, SIZE, manager, 5);
            float[] x = TestEncoders.normal(new Random(13), 2 * 3 * SIZE * SIZE, 1f);
            long[] shape = {2, 3, SIZE, SIZE};
            float[] expected = OrtRunner.djl(encoder.encoder(), manager, x, shape);
            double scale = OrtRunner.maxAbs(expected);

            Path folded = dir.resolve(architecture + "-folded.onnx");
            ExportReport foldedReport = OnnxExporter.export(
                    encoder, folded, ExportOptions.builder().foldBatchNorm(true).build());
            assertTrue(foldedReport.passed() && foldedReport.foldedBatchNorm(), foldedReport.summary());
            assertEquals(ParityTolerance.FLOAT32, foldedReport.tolerance());
            assertTrue(ParityTolerance.FLOAT32.accepts(foldedReport.random()), foldedReport.summary());

            Path half = dir.resolve(architecture + "-fp16.onnx");
            ExportReport halfReport = OnnxExporter.export(
                    encoder, half, ExportOptions.builder().float16(true).build());
            assertTrue(halfReport.passed() && halfReport.float16(), halfReport.summary());
            assertEquals(ParityTolerance.FLOAT16, halfReport.tolerance());

            for (Path model : new Path[] {folded, half}) {
                ParityTolerance tolerance = model == half ? ParityTolerance.FLOAT16 : ParityTolerance.FLOAT32;
                Path optimised = dir.resolve(model.getFileName() + ".optimised.onnx");
                float[] actual = OrtRunner.runOptimisedAndSave(model, optimised, x, shape)
                        .get("embedding");
                assertTrue(Files.size(optimised) > 0, "ONNX Runtime wrote no optimised model");
                double diff = OrtRunner.maxAbsDiff(expected, actual);
                assertTrue(
                        diff <= tolerance.allowedDiff(scale),
                        model.getFileName() + ": diff " + diff + " on outputs up to " + scale
                                + " with full optimisation");

                float[] reloaded = runSaved(optimised, x, shape);
                assertEquals(
                        0.0,
                        OrtRunner.maxAbsDiff(actual, reloaded),
                        1e-6 * scale,
                        "the saved optimised model computes something else");
            }
        }
    }

    private static float[] runSaved(Path optimised, float[] x, long[] shape) throws OrtException, java.io.IOException {
        return OrtRunner.run(Files.readAllBytes(optimised), x, shape, OptLevel.NO_OPT)
                .get("embedding");
    }
}
