package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.features.FeatureWriter;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.internal.io.FaultInjection;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, item 4: each of these failures says what went wrong and where. */
class ErrorMessagesTest {

    @TempDir
    Path tmp;

    @Test
    void aModelPathThatIsAFolderIsNamedAsSuch() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("models"));
        IOException e = assertThrows(IOException.class, () -> Encoder.open(folder));
        assertTrue(
                e.getMessage().contains(folder.toString())
                        && e.getMessage().contains("is a directory")
                        && e.getMessage().contains(".onnx"),
                e.getMessage());
    }

    @Test
    void anUnreadableModelSaysPermissionDenied() {
        // tests may run as root, who reads any file: the message is checked on the exception the JDK throws
        Path model = tmp.resolve("m.onnx");
        IOException e = ModelLoader.readFailure(model, new AccessDeniedException(model.toString()));
        assertTrue(
                e.getMessage().contains(model.toString()) && e.getMessage().contains("permission denied"),
                e.getMessage());
        IOException other = ModelLoader.readFailure(model, new IOException("Input/output error"));
        assertTrue(
                other.getMessage().contains(model.toAbsolutePath().toString())
                        && other.getMessage().contains("Input/output error"),
                other.getMessage());
    }

    @Test
    void aFullDiskDuringEmbedNamesTheFile() throws IOException {
        Path out = tmp.resolve("features");
        try (FaultInjection faults = FaultInjection.install()) {
            faults.failAtFirst("write", "features.npy");
            IOException e = assertThrows(IOException.class, () -> {
                try (FeatureWriter w = FeatureWriter.create(out, 2, List.of())) {
                    w.append(new float[] {1, 2}, -1, "a");
                }
            });
            assertTrue(
                    e.getMessage().contains(out.resolve("features.npy").toString())
                            && e.getMessage().contains("No space left on device"),
                    e.getMessage());
        }
    }

    @Test
    void aSymbolicLinkLoopIsNamed() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("imgs/cls"));
        Path link = Files.createSymbolicLink(root.resolve("loop"), root.getParent());
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> Datasets.open("folder:" + tmp.resolve("imgs"), 3));
        assertTrue(
                e.getMessage().contains("symbolic link loop at " + link), e.getMessage()); // the link, not just a path
    }

    @Test
    void aPngWithADamagedHeaderSaysSoInsteadOfANegativeSize() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] bytes = png.toByteArray();
        bytes[8 + 8 + 4] = (byte) 0xFF; // high byte of the IHDR height: 40 -> -16777176, CRC now wrong
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> new ImageDecoder().decode(bytes, 3));
        assertEquals(ImageDecodeException.Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("CRC") && !e.getMessage().contains("-16777176"), e.getMessage());
    }
}
