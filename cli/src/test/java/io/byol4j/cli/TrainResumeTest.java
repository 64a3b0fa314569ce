package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume} on a dataset of another size, through the command line. */
class TrainResumeTest {

    @TempDir
    Path tmp;

    private String[] train(Path out, String dataset, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--preset",
                "cpu-tiny",
                "--dataset",
                dataset,
                "--set",
                "imageSize=16",
                "--set",
                "encoder.width=8",
                "--set",
                "batchSize=16",
                "--set",
                "epochs=2",
                "--set",
                "checkpointEverySteps=2",
                "--set",
                "keepCheckpoints=10",
                "--set",
                "monitor.knnEveryEpochs=0",
                "--out",
                out.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void resumeOnAnotherDatasetSizeIsRefusedUnlessAllowed() throws Exception {
        Path run = tmp.resolve("run");
        Path images = tmp.resolve("images");
        writeImages(images, 0, 64);
        String folder = "folder:" + images;
        CliRun trained = CliRun.execute(train(run, folder));
        assertEquals(0, trained.code(), trained.out() + trained.err());
        // what a kill after step 3 leaves on disk: checkpoints up to step 2, "latest" pointing at it
        for (String late : List.of("ckpt-00000004", "ckpt-00000006", "ckpt-00000008")) {
            AtomicFiles.deleteRecursively(run.resolve(late));
        }
        Files.writeString(run.resolve("latest"), "ckpt-00000002\n");

        writeImages(images, 64, 96);
        CliRun refused = CliRun.execute(train(run, folder, "--resume"));
        assertEquals(2, refused.code(), refused.out());
        assertTrue(
                refused.err().contains("64 images then, 96 now; 4 steps per epoch then, 6 now")
                        && refused.err().contains("--allow-dataset-change"),
                refused.err());
        assertFalse(Files.exists(run.resolve("ckpt-00000004")), "nothing trained");

        CliRun notResuming = CliRun.execute(train(tmp.resolve("other"), folder, "--allow-dataset-change"));
        assertEquals(2, notResuming.code());
        assertTrue(notResuming.err().contains("--allow-dataset-change only applies with --resume"), notResuming.err());

        CliRun allowed = CliRun.execute(train(run, folder, "--resume", "--allow-dataset-change"));
        assertEquals(0, allowed.code(), allowed.out() + allowed.err());
        assertTrue(allowed.out().contains("trained 8/8 steps"), allowed.out());
        assertTrue(
                allowed.out().contains("warning: ") && allowed.out().contains("resumed at step 2 of 8"), allowed.out());
        assertTrue(Files.readString(run.resolve("resume-log.txt")).contains("64 images then, 96 now"));
    }

    /** Images {@code from} to {@code to - 1} of an ImageFolder with two classes: noisy 16x16 PNGs. */
    private static void writeImages(Path root, int from, int to) throws Exception {
        Random rng = new Random(from);
        for (int i = from; i < to; i++) {
            Path dir = Files.createDirectories(root.resolve("class" + i % 2));
            BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    image.setRGB(x, y, rng.nextInt(0x1000000) | (i % 2 == 0 ? 0xff0000 : 0x0000ff));
                }
            }
            ImageIO.write(
                    image, "png", dir.resolve(String.format("img%03d.png", i)).toFile());
        }
    }
}
