package io.byol4j.sdk.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds small images and encodes them in memory for tests. */
final class TestImages {

    /** Colours of the four quadrants of {@link #quadrants}: top-left, top-right, bottom-left, bottom-right. */
    static final int[][] QUADRANT_RGB = {{220, 30, 30}, {30, 200, 40}, {20, 40, 210}, {240, 230, 60}};

    private TestImages() {}

    /** A {@code size × size} RGB image with four flat-coloured quadrants. */
    static BufferedImage quadrants(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int q = (y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1);
                int[] c = QUADRANT_RGB[q];
                img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
            }
        }
        return img;
    }

    /** The expected colour of quadrant-image pixel {@code (x, y)}. */
    static int[] quadrantColour(int size, int x, int y) {
        return QUADRANT_RGB[(y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1)];
    }

    /** An RGB image whose every pixel differs: r = 10x + 3, g = 7y + 11, b = (x * y) % 256. */
    static BufferedImage pattern(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (patternR(x) << 16) | (patternG(y) << 8) | patternB(x, y));
            }
        }
        return img;
    }

    static int patternR(int x) {
        return (10 * x + 3) & 0xFF;
    }

    static int patternG(int y) {
        return (7 * y + 11) & 0xFF;
    }

    static int patternB(int x, int y) {
        return (x * y) & 0xFF;
    }

    static byte[] imageIo(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " / type " + img.getType());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] jpeg(BufferedImage img, float quality, boolean progressive) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A PNM file: ASCII header followed by {@code body}. */
    static byte[] pnm(String header, byte[] body) {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }
}
