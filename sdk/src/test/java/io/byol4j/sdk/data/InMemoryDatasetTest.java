package io.byol4j.sdk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryDatasetTest {

    /** A binary PPM of a {@code 2 × 1} RGB image. */
    private static byte[] ppm(byte[] rgb) {
        byte[] header = "P6\n2 1\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[header.length + rgb.length];
        System.arraycopy(header, 0, file, 0, header.length);
        System.arraycopy(rgb, 0, file, header.length, rgb.length);
        return file;
    }

    @Test
    void decodesEachEntryOnAccessAndIsUnlabeled() throws Exception {
        byte[] first = {10, 20, 30, 40, 50, 60};
        byte[] second = {(byte) 200, 0, 0, 0, (byte) 200, 0};
        InMemoryDataset ds = new InMemoryDataset(List.of(ppm(first), ppm(second), ppm(first)), 3);
        assertEquals(3, ds.size());
        assertEquals(3, ds.channels());
        Sample s = ds.get(1);
        assertEquals("memory-1", s.id());
        assertEquals(Sample.UNLABELED, s.label());
        DecodedImage image = s.image();
        assertEquals(2, image.width());
        assertEquals(1, image.height());
        assertArrayEquals(second, image.pixels());
        assertArrayEquals(first, ds.get(2).image().pixels());
        assertEquals(Sample.UNLABELED, ds.label(0));
        assertEquals(List.of(), ds.classNames());
        assertTrue(ds.describe().contains("3 encoded images"), ds.describe());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.label(3));

        InMemoryDataset gray = new InMemoryDataset(List.of(ppm(first)), 1);
        assertEquals(1, gray.get(0).image().channels());
    }

    @Test
    void anEntryThatIsNotAnImageFailsOnlyItsOwnSample() throws Exception {
        InMemoryDataset ds =
                new InMemoryDataset(List.of(ppm(new byte[6]), "not an image".getBytes(StandardCharsets.US_ASCII)), 3);
        assertThrows(ImageDecodeException.class, () -> ds.get(1));
        assertEquals(2, ds.get(0).image().width());
    }

    @Test
    void rejectsNoImagesAndBadChannels() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryDataset(List.of(), 3));
        assertThrows(IllegalArgumentException.class, () -> new InMemoryDataset(List.of(ppm(new byte[6])), 2));
    }
}
