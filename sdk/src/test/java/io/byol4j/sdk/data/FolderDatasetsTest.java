package io.byol4j.sdk.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderDatasetsTest {

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void imageFolderListsClassesAndFilesInNameOrder(@TempDir Path root) throws Exception {
        writeImage(root.resolve("dogs/b.png"), 0x00FF00, "png");
        writeImage(root.resolve("dogs/a.bmp"), 0x0000FF, "bmp");
        writeImage(root.resolve("cats/z.PNG"), 0xFF0000, "png");
        writeImage(root.resolve("cats/nested/y.png"), 0x808080, "png");
        Files.writeString(root.resolve("cats/notes.txt"), "not an image");
        writeImage(root.resolve("cats/.hidden.png"), 0x123456, "png");
        writeImage(root.resolve(".cache/x.png"), 0x123456, "png");

        ImageFolderDataset ds = new ImageFolderDataset(root, 3, decoder);
        assertEquals(List.of("cats", "dogs"), ds.classNames());
        assertTrue(ds.isLabeled());
        assertEquals(4, ds.size());
        assertEquals(3, ds.channels());
        assertEquals(
                List.of("cats/nested/y.png", "cats/z.PNG", "dogs/a.bmp", "dogs/b.png"),
                List.of(
                        ds.get(0).id(),
                        ds.get(1).id(),
                        ds.get(2).id(),
                        ds.get(3).id()));
        assertEquals(0, ds.label(1));
        assertEquals(1, ds.label(2));

        Sample red = ds.get(1);
        assertEquals(0, red.label());
        assertEquals(255, red.image().get(1, 1, 0));
        assertEquals(0, red.image().get(1, 1, 1));
        Sample blue = ds.get(2);
        assertEquals(1, blue.label());
        assertEquals(255, blue.image().get(0, 0, 2));
        assertTrue(ds.describe().contains("4 images in 2 classes"), ds.describe());

        ImageFolderDataset gray = new ImageFolderDataset(root, 1, decoder);
        assertEquals(1, gray.get(0).image().channels());
        assertEquals(128, gray.get(0).image().get(0, 0, 0));
    }

    @Test
    void imageFolderRejectsBadLayoutsWithTheFolderName(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nope");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(missing, 3, decoder));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("nope"), e.getMessage());

        Path flat = tmp.resolve("flat");
        writeImage(flat.resolve("a.png"), 0, "png");
        e = assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(flat, 3, decoder));
        assertTrue(e.getMessage().contains("no class folders"), e.getMessage());

        Path withEmpty = tmp.resolve("root");
        writeImage(withEmpty.resolve("full/a.png"), 0, "png");
        Files.createDirectories(withEmpty.resolve("empty"));
        Files.writeString(withEmpty.resolve("empty/readme.txt"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(withEmpty, 3, decoder));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("no image files"), e.getMessage());

        Path file = tmp.resolve("file.png");
        writeImage(file, 0, "png");
        e = assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(file, 3, decoder));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(withEmpty, 2, decoder));
    }

    @Test
    void aBrokenImageFailsOnlyItsOwnSample(@TempDir Path root) throws Exception {
        writeImage(root.resolve("a/good.png"), 0xFFFFFF, "png");
        Files.write(root.resolve("a/bad.png"), new byte[] {1, 2, 3, 4, 5});
        ImageFolderDataset ds = new ImageFolderDataset(root, 3, decoder);
        assertEquals(2, ds.size());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ds.get(0));
        assertTrue(e.getMessage().contains("bad.png"), e.getMessage());
        assertEquals(255, ds.get(1).image().get(0, 0, 0));
    }

    @Test
    void flatFolderIsUnlabeledRecursiveAndSorted(@TempDir Path root) throws Exception {
        writeImage(root.resolve("b.gif"), 0x00FF00, "gif");
        writeImage(root.resolve("a/c.jpg"), 0x0000FF, "jpg");
        writeImage(root.resolve("a.tiff"), 0xFF0000, "tiff");
        Files.writeString(root.resolve("z.csv"), "1,2");

        FlatFolderDataset ds = new FlatFolderDataset(root, 3, decoder);
        assertEquals(3, ds.size());
        assertFalse(ds.isLabeled());
        assertEquals(List.of(), ds.classNames());
        assertEquals(
                List.of("a.tiff", "a/c.jpg", "b.gif"),
                List.of(ds.get(0).id(), ds.get(1).id(), ds.get(2).id()));
        assertEquals(Sample.UNLABELED, ds.get(0).label());
        assertEquals(Sample.UNLABELED, ds.label(2));
        DecodedImage green = ds.get(2).image();
        assertEquals(255, green.get(2, 2, 1));

        Path empty = Files.createDirectories(root.resolve("empty"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FlatFolderDataset(empty, 3, decoder));
        assertTrue(e.getMessage().contains("no image files"), e.getMessage());
    }

    static void writeImage(Path file, int rgb, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
    }
}
