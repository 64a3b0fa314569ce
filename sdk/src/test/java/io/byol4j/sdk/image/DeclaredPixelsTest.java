package io.byol4j.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link ImageDecoder#declaredPixels}: the header's size, without decoding. */
class DeclaredPixelsTest {

    @Test
    void readsTheHeaderOfPngAndJpeg() {
        assertEquals(37L * 21, ImageDecoder.declaredPixels(TestImages.imageIo(TestImages.pattern(37, 21), "png")));
        assertEquals(16L * 40, ImageDecoder.declaredPixels(TestImages.jpeg(TestImages.pattern(16, 40), 0.9f, false)));
    }

    @Test
    void aHeaderThatClaimsHugeDimensionsIsReportedWithoutDecoding() {
        byte[] png = TestImages.imageIo(TestImages.pattern(8, 8), "png");
        // IHDR width and height live at bytes 16..23; claim 30000 x 30000 (the CRC is now wrong, the
        // header is still read, and nothing is decoded).
        byte[] bomb = Arrays.copyOf(png, png.length);
        writeInt(bomb, 16, 30_000);
        writeInt(bomb, 20, 30_000);
        assertEquals(900_000_000L, ImageDecoder.declaredPixels(bomb));
    }

    @Test
    void unreadableHeadersGiveMinusOne() {
        assertEquals(-1, ImageDecoder.declaredPixels("not an image".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(-1, ImageDecoder.declaredPixels(new byte[0]));
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
