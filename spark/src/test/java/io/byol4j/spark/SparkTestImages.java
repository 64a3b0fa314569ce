package io.byol4j.spark;

import io.byol4j.sdk.testing.TestModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/** Shared fixtures of the Spark tests: a small local session, a tiny model and generated images. */
final class SparkTestImages {

    private SparkTestImages() {}

    /** A local[2] session with the UI off and few shuffle partitions; one per test class. */
    static SparkSession session() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("byol4j-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }

    /** A random-weight 3-channel 16x16 model with 8-dim embeddings, written to {@code dir}. */
    static Path model(Path dir) throws IOException {
        return TestModels.write(dir, "encoder.onnx", TestModels.model(TestModels.contract(3, 16, 8)));
    }

    /**
     * An ImageFolder under {@code root}: class folders "blue" and "red", {@code perClass} PNGs each, mostly
     * that colour with random speckles.
     */
    static void imageFolder(Path root, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (String cls : new String[] {"blue", "red"}) {
            Path dir = Files.createDirectories(root.resolve(cls));
            Color base = cls.equals("red") ? new Color(210, 30, 30) : new Color(30, 40, 210);
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(base);
                g.fillRect(0, 0, 20, 20);
                g.dispose();
                for (int k = 0; k < 30; k++) {
                    img.setRGB(random.nextInt(20), random.nextInt(20), random.nextInt(0xFFFFFF));
                }
                ImageIO.write(
                        img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
            }
        }
    }
}
