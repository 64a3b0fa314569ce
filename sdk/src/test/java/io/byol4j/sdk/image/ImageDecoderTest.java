package io.byol4j.sdk.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.byol4j.sdk.image.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.Imaging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "gif", "tiff"})
    void losslessFormatsWrittenByImageIoDecodeExactly(String format) throws Exception {
        BufferedImage src = format.equals("gif") ? TestImages.quadrants(16) : TestImages.pattern(13, 9);
        DecodedImage img = decoder.decode(TestImages.imageIo(src, format), 3);
        assertSameRgb(src, img);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PNG", "BMP", "TIFF", "GIF"})
    void losslessFormatsWrittenByCommonsImagingDecodeExactly(String format) throws Exception {
        BufferedImage src = format.equals("GIF") ? TestImages.quadrants(16) : TestImages.pattern(11, 7);
        byte[] bytes = Imaging.writeImageToBytes(src, ImageFormats.valueOf(format));
        assertSameRgb(src, decoder.decode(bytes, 3));
    }

    @Test
    void baselineJpegDecodesCloseToTheOriginal() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(32), 0.95f, false);
        DecodedImage img = decoder.decode(jpeg, 3);
        assertEquals(32, img.width());
        assertEquals(32, img.height());
        assertQuadrantCentresClose(img, 32, 12);
    }

    @Test
    void progressiveJpegDecodesThroughTheImageIoFallback() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(32), 0.95f, true);
        assertThrows(
                Exception.class,
                () -> Imaging.getBufferedImage(jpeg),
                "Commons Imaging is expected to reject progressive JPEG, so this test exercises the fallback");
        DecodedImage img = decoder.decode(jpeg, 3);
        assertQuadrantCentresClose(img, 32, 12);
    }

    @Test
    void binaryPgmAndPpmDecodeExactly() throws Exception {
        byte[] gray = {0, 64, (byte) 128, (byte) 255, 10, 20};
        DecodedImage pgm = decoder.decode(TestImages.pnm("P5\n3 2\n255\n", gray), 1);
        assertEquals(3, pgm.width());
        assertEquals(2, pgm.height());
        assertArrayEquals(gray, pgm.pixels());

        byte[] rgb = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 1, 2, 3};
        DecodedImage ppm = decoder.decode(TestImages.pnm("P6\n# a comment\n2 2\n255\n", rgb), 3);
        assertArrayEquals(rgb, ppm.pixels());
    }

    @Test
    void asciiPnmAndPbmDecode() throws Exception {
        DecodedImage ppm = decoder.decode(TestImages.pnm("P3\n2 1\n255\n10 20 30  40 50 60\n", new byte[0]), 3);
        assertArrayEquals(new byte[] {10, 20, 30, 40, 50, 60}, ppm.pixels());

        // PBM: 1 is black. Row of 3 pixels: black, white, black.
        DecodedImage ascii = decoder.decode(TestImages.pnm("P1\n3 1\n1 0 1\n", new byte[0]), 1);
        assertArrayEquals(new byte[] {0, (byte) 255, 0}, ascii.pixels());
        DecodedImage binary = decoder.decode(TestImages.pnm("P4\n3 1\n", new byte[] {(byte) 0b1010_0000}), 1);
        assertArrayEquals(new byte[] {0, (byte) 255, 0}, binary.pixels());
    }

    @Test
    void grayImageBecomesRgbByReplication() throws Exception {
        BufferedImage gray = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 77, 150, 255};
        for (int x = 0; x < 4; x++) {
            gray.getRaster().setSample(x, 0, 0, values[x]);
        }
        for (String format : new String[] {"png", "bmp"}) {
            byte[] bytes = TestImages.imageIo(gray, format);
            DecodedImage asGray = decoder.decode(bytes, 1);
            DecodedImage asRgb = decoder.decode(bytes, 3);
            for (int x = 0; x < 4; x++) {
                assertEquals(values[x], asGray.get(x, 0, 0), format);
                for (int c = 0; c < 3; c++) {
                    assertEquals(values[x], asRgb.get(x, 0, c), format);
                }
            }
        }
    }

    @Test
    void rgbImageBecomesGrayWithBt601Luma() throws Exception {
        BufferedImage rgb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(1, 0, 0x00FF00);
        rgb.setRGB(2, 0, 0x0000FF);
        DecodedImage gray = decoder.decode(TestImages.imageIo(rgb, "png"), 1);
        assertEquals(76, gray.get(0, 0, 0)); // 0.299 * 255 = 76.2
        assertEquals(150, gray.get(1, 0, 0)); // 0.587 * 255 = 149.7
        assertEquals(29, gray.get(2, 0, 0)); // 0.114 * 255 = 29.1
    }

    @Test
    void alphaIsCompositedOverBlack() throws Exception {
        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00FFFFFF); // fully transparent white
        argb.setRGB(1, 0, 0x80C86432); // half-transparent (200, 100, 50)
        argb.setRGB(2, 0, 0xFF102030); // opaque
        DecodedImage img = decoder.decode(TestImages.imageIo(argb, "png"), 3);
        assertArrayEquals(new int[] {0, 0, 0}, rgbAt(img, 0));
        assertArrayEquals(new int[] {100, 50, 25}, rgbAt(img, 1));
        assertArrayEquals(new int[] {0x10, 0x20, 0x30}, rgbAt(img, 2));
        DecodedImage gray = decoder.decode(TestImages.imageIo(argb, "png"), 1);
        assertEquals(0, gray.get(0, 0, 0));
    }

    @Test
    void paletteImagesDecodeToTheirColours() throws Exception {
        BufferedImage indexed = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.createGraphics().drawImage(TestImages.quadrants(16), 0, 0, null);
        BufferedImage expected = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        expected.createGraphics().drawImage(indexed, 0, 0, null);
        for (String format : new String[] {"png", "gif", "bmp"}) {
            assertSameRgb(expected, decoder.decode(TestImages.imageIo(indexed, format), 3));
        }
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws Exception {
        BufferedImage gray16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0);
        gray16.getRaster().setSample(1, 0, 0, 0x8080);
        gray16.getRaster().setSample(2, 0, 0, 0xFFFF);
        DecodedImage img = decoder.decode(TestImages.imageIo(gray16, "png"), 1);
        assertArrayEquals(new byte[] {0, (byte) 128, (byte) 255}, img.pixels());
    }

    @Test
    void fromBufferedImageHandlesCommonTypes() {
        BufferedImage src = TestImages.pattern(5, 4);
        int[] types = {
            BufferedImage.TYPE_INT_RGB,
            BufferedImage.TYPE_INT_BGR,
            BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_4BYTE_ABGR,
            BufferedImage.TYPE_INT_ARGB_PRE,
            BufferedImage.TYPE_USHORT_565_RGB
        };
        for (int type : types) {
            BufferedImage converted = new BufferedImage(5, 4, type);
            converted.createGraphics().drawImage(src, 0, 0, null);
            DecodedImage img = ImageDecoder.fromBufferedImage(converted, 3);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    int argb = converted.getRGB(x, y);
                    assertEquals((argb >> 16) & 0xFF, img.get(x, y, 0), "type " + type);
                    assertEquals((argb >> 8) & 0xFF, img.get(x, y, 1), "type " + type);
                    assertEquals(argb & 0xFF, img.get(x, y, 2), "type " + type);
                }
            }
        }
    }

    @Test
    void decodesFilesAndNamesThemInErrors(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.png");
        Files.write(good, TestImages.imageIo(TestImages.pattern(6, 5), "png"));
        assertEquals(6, decoder.decode(good, 3).width());

        Path missing = dir.resolve("missing.png");
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(missing, 3));
        assertEquals(Reason.IO, e.reason());
        assertTrue(e.getMessage().contains("missing.png"), e.getMessage());

        Path junk = dir.resolve("junk.jpg");
        Files.write(junk, "definitely not an image".getBytes(StandardCharsets.US_ASCII));
        e = assertThrows(ImageDecodeException.class, () -> decoder.decode(junk, 3));
        assertEquals(Reason.UNKNOWN_FORMAT, e.reason());
        assertTrue(e.getMessage().contains("junk.jpg"), e.getMessage());

        e = assertThrows(ImageDecodeException.class, () -> decoder.decode(dir, 3));
        assertEquals(Reason.IO, e.reason());
    }

    @Test
    void randomBytesAreAnUnknownFormat() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        noise[0] = 0x42; // never a valid magic by accident
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(noise, 3));
        assertEquals(Reason.UNKNOWN_FORMAT, e.reason());
    }

    @Test
    void emptyDataIsTruncated() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(new byte[0], 3));
        assertEquals(Reason.TRUNCATED, e.reason());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.9})
    void truncatedPngIsReportedAsTruncated(double keep) {
        byte[] png = TestImages.imageIo(noiseImage(64, 64), "png");
        byte[] cut = Arrays.copyOf(png, (int) (png.length * keep));
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(cut, 3));
        assertEquals(Reason.TRUNCATED, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedJpegIsReportedAsTruncated(boolean progressive) {
        byte[] jpeg = TestImages.jpeg(noiseImage(64, 64), 0.9f, progressive);
        for (double keep : new double[] {0.05, 0.5, 0.95}) {
            byte[] cut = Arrays.copyOf(jpeg, (int) (jpeg.length * keep));
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(cut, 3));
            assertEquals(Reason.TRUNCATED, e.reason(), e.getMessage());
        }
    }

    @Test
    void truncatedBmpIsTruncatedOrCorrupt() {
        byte[] bmp = TestImages.imageIo(TestImages.pattern(40, 40), "bmp");
        byte[] cut = Arrays.copyOf(bmp, bmp.length / 2);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(cut, 3));
        assertTrue(e.reason() == Reason.TRUNCATED || e.reason() == Reason.CORRUPT, e.getMessage());
    }

    @Test
    void pngWithGarbageImageDataIsCorrupt() {
        byte[] png = TestImages.imageIo(noiseImage(32, 32), "png");
        int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII));
        int length = ByteBuffer.wrap(png, idat - 4, 4).getInt();
        byte[] broken = png.clone();
        Random random = new Random(3);
        for (int i = idat + 4; i < idat + 4 + length; i++) {
            broken[i] = (byte) random.nextInt(256);
        }
        CRC32 crc = new CRC32();
        crc.update(broken, idat, 4 + length);
        ByteBuffer.wrap(broken, idat + 4 + length, 4).putInt((int) crc.getValue());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(broken, 3));
        assertEquals(Reason.CORRUPT, e.reason(), e.getMessage());
    }

    @Test
    void hugeDeclaredPngIsRejectedFromTheHeader() {
        byte[] png = pngHeaderOnly(100_000, 100_000);
        ImageDecodeException e = assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThrows(ImageDecodeException.class, () -> decoder.decode(png, 3)));
        assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    }

    @Test
    void hugeDeclaredBmpIsRejectedFromTheHeader() {
        ByteBuffer bmp = ByteBuffer.allocate(54 + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(54 + 16).putInt(0).putInt(54);
        bmp.putInt(40).putInt(100_000).putInt(100_000).putShort((short) 1).putShort((short) 24);
        bmp.putInt(0).putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
        ImageDecodeException e = assertTimeoutPreemptively(
                Duration.ofSeconds(5),
                () -> assertThrows(ImageDecodeException.class, () -> decoder.decode(bmp.array(), 3)));
        assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        byte[] png = TestImages.imageIo(TestImages.pattern(20, 10), "png");
        ImageDecoder strictPixels = new ImageDecoder(199, 1 << 20);
        assertEquals(
                Reason.TOO_LARGE,
                assertThrows(ImageDecodeException.class, () -> strictPixels.decode(png, 3))
                        .reason());
        assertEquals(20, new ImageDecoder(200, 1 << 20).decode(png, 3).width());
        ImageDecoder strictBytes = new ImageDecoder(1 << 20, png.length - 1);
        assertEquals(
                Reason.TOO_LARGE,
                assertThrows(ImageDecodeException.class, () -> strictBytes.decode(png, 3))
                        .reason());
        assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0, 10));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(png, 2));
    }

    @Test
    void mutatedFilesNeverThrowUncheckedExceptions() {
        BufferedImage src = noiseImage(24, 24);
        byte[][] samples = {
            TestImages.imageIo(src, "png"), TestImages.imageIo(src, "bmp"), TestImages.imageIo(src, "gif"),
            TestImages.imageIo(src, "tiff"), TestImages.jpeg(src, 0.8f, false), TestImages.jpeg(src, 0.8f, true),
            TestImages.pnm("P6\n4 4\n255\n", new byte[48]),
        };
        ImageDecoder small = new ImageDecoder(1 << 20, 1 << 20);
        Random random = new Random(7);
        int decoded = 0;
        int rejected = 0;
        for (byte[] sample : samples) {
            for (int trial = 0; trial < 100; trial++) {
                byte[] mutated = sample.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                if (trial % 5 == 0) {
                    mutated = Arrays.copyOf(mutated, 1 + random.nextInt(mutated.length));
                }
                try {
                    small.decode(mutated, trial % 2 == 0 ? 3 : 1);
                    decoded++;
                } catch (ImageDecodeException e) {
                    rejected++;
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                } catch (RuntimeException | Error e) {
                    fail("unchecked " + e + " escaped for a mutated " + formatName(sample), e);
                }
            }
        }
        assertTrue(decoded > 0 && rejected > 0, "decoded " + decoded + ", rejected " + rejected);
    }

    private static String formatName(byte[] data) {
        try {
            return Imaging.guessFormat(data).getName();
        } catch (IOException e) {
            return "file";
        }
    }

    private static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        writeChunk(out, "IHDR", ihdr.array());
        writeChunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static BufferedImage noiseImage(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static int[] rgbAt(DecodedImage img, int x) {
        return new int[] {img.get(x, 0, 0), img.get(x, 0, 1), img.get(x, 0, 2)};
    }

    private static void assertSameRgb(BufferedImage expected, DecodedImage actual) {
        assertEquals(expected.getWidth(), actual.width());
        assertEquals(expected.getHeight(), actual.height());
        assertEquals(3, actual.channels());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int rgb = expected.getRGB(x, y);
                int[] want = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                for (int c = 0; c < 3; c++) {
                    assertEquals(want[c], actual.get(x, y, c), "pixel (" + x + "," + y + ") channel " + c);
                }
            }
        }
    }

    private static void assertQuadrantCentresClose(DecodedImage img, int size, int tolerance) {
        int[][] points = {
            {size / 4, size / 4}, {3 * size / 4, size / 4}, {size / 4, 3 * size / 4}, {3 * size / 4, 3 * size / 4}
        };
        for (int[] p : points) {
            int[] want = TestImages.quadrantColour(size, p[0], p[1]);
            for (int c = 0; c < 3; c++) {
                int got = img.get(p[0], p[1], c);
                assertTrue(
                        Math.abs(got - want[c]) <= tolerance,
                        "pixel " + Arrays.toString(p) + " channel " + c + ": " + got + " vs " + want[c]);
            }
        }
    }
}
