package io.byol4j.sdkbench;

import io.byol4j.sdk.data.SyntheticDataset;
import io.byol4j.sdk.image.DecodedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Benchmark inputs: synthetic shape images (the demo's data) and their JPEG encodings. */
public final class BenchData {

    private BenchData() {}

    /** {@code n} synthetic RGB images of {@code size × size} pixels. */
    public static List<DecodedImage> images(int n, int size, long seed) {
        SyntheticDataset data = new SyntheticDataset(n, seed, size);
        List<DecodedImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(data.get(i).image());
        }
        return out;
    }

    /** Each image encoded as a JPEG with the JDK encoder's default quality. */
    public static List<byte[]> jpegs(List<DecodedImage> images) {
        List<byte[]> out = new ArrayList<>(images.size());
        for (DecodedImage image : images) {
            out.add(jpeg(image));
        }
        return out;
    }

    static byte[] jpeg(DecodedImage image) {
        if (image.channels() != 3) {
            throw new IllegalArgumentException("expected an RGB image, got " + image.channels() + " channel(s)");
        }
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                img.setRGB(x, y, image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "jpeg", out)) {
                throw new IllegalStateException("the JDK has no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
