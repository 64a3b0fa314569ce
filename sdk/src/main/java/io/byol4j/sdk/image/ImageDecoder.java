package io.byol4j.sdk.image;

import io.byol4j.sdk.image.ImageDecodeException.Reason;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.commons.imaging.ImageFormat;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.Imaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes PNG, JPEG (baseline and progressive), BMP, GIF (first frame), TIFF and PNM (PBM/PGM/PPM)
 * files, plus the other formats Apache Commons Imaging reads, into 8-bit {@link DecodedImage}s with 1
 * or 3 channels.
 *
 * <p>Decoding uses Apache Commons Imaging; when it cannot decode a file of a format it recognises
 * (for example a progressive JPEG), {@code javax.imageio} is tried. Gray PNGs are read with
 * {@code javax.imageio} first because Commons Imaging quantises them through a linear gray raster,
 * losing dark tones. Colour handling:
 * <ul>
 *   <li>gray, RGB and palette images are converted to the requested channel count; gray from colour
 *       uses ITU-R BT.601 luma ({@code 0.299 R + 0.587 G + 0.114 B});
 *   <li>alpha is composited over black ({@code value * alpha / 255}), so fully transparent pixels
 *       become black whatever colour they store;
 *   <li>16-bit samples are scaled to 8 bits; EXIF orientation is not applied.
 * </ul>
 *
 * <p>Limits protect against hostile input: a file larger than {@code maxBytes}, or whose header
 * declares more than {@code maxPixels} pixels, is rejected with {@link Reason#TOO_LARGE} before any
 * pixel is decoded. Every failure, including unchecked exceptions thrown by the underlying libraries,
 * is reported as an {@link ImageDecodeException} whose message names the source.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImageDecoder {

    /** Default limit on declared pixels (width × height). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    /** Default limit on encoded size: 100 MiB. */
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);
    private static final String IN_MEMORY = "in-memory image";
    private static final Pattern TRUNCATION_HINT = Pattern.compile(
            "\\bEOF\\b|end of (file|stream|data|input)|premature|truncat|not enough|"
                    + "couldn'?t read|could not read|unexpected end|insufficient data|ran out of",
            Pattern.CASE_INSENSITIVE);

    private final long maxPixels;
    private final long maxBytes;

    /** A decoder with the default limits: {@value #DEFAULT_MAX_PIXELS} pixels and 100 MiB. */
    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }

    /**
     * A decoder with explicit limits.
     *
     * @param maxPixels largest accepted width × height, as declared by the header
     * @param maxBytes largest accepted encoded size
     */
    public ImageDecoder(long maxPixels, long maxBytes) {
        if (maxPixels <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException(
                    "limits must be positive, got maxPixels=" + maxPixels + ", maxBytes=" + maxBytes);
        }
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
    }

    /** Largest accepted width × height. */
    public long maxPixels() {
        return maxPixels;
    }

    /** Largest accepted encoded size in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Decodes an encoded image held in memory.
     *
     * @param channels 1 (gray) or 3 (RGB)
     * @throws ImageDecodeException with the reason the bytes could not be decoded
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3
     */
    public DecodedImage decode(byte[] data, int channels) throws ImageDecodeException {
        Objects.requireNonNull(data, "data");
        ImageOps.checkChannels(channels);
        return decodeBytes(data, channels, IN_MEMORY);
    }

    /**
     * Reads and decodes an image file.
     *
     * @param channels 1 (gray) or 3 (RGB)
     * @throws ImageDecodeException with the reason; {@link Reason#IO} when the file cannot be read
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3
     */
    public DecodedImage decode(Path file, int channels) throws ImageDecodeException {
        Objects.requireNonNull(file, "file");
        ImageOps.checkChannels(channels);
        String source = file.toString();
        byte[] data;
        try {
            if (Files.isDirectory(file)) {
                throw new ImageDecodeException(Reason.IO, source + ": is a directory, not an image file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new ImageDecodeException(
                        Reason.TOO_LARGE, source + ": file is " + size + " bytes, over the limit of " + maxBytes);
            }
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException(Reason.IO, source + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new ImageDecodeException(Reason.IO, source + ": permission denied", e);
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(Reason.IO, source + ": cannot read file: " + e, e);
        }
        return decodeBytes(data, channels, source);
    }

    /**
     * Converts an image already in memory to an 8-bit {@link DecodedImage}, with the colour rules of
     * this class (alpha over black, BT.601 luma for gray). Samples of 8-bit sRGB and gray rasters are
     * taken as stored, the way {@code javax.imageio} stores a file's values; other colour models are
     * converted to sRGB through {@link BufferedImage#getRGB}.
     *
     * @param channels 1 (gray) or 3 (RGB)
     */
    public static DecodedImage fromBufferedImage(BufferedImage img, int channels) {
        Objects.requireNonNull(img, "img");
        return BufferedImages.toDecoded(img, channels);
    }

    /**
     * Width × height as the header of an encoded image declares it, read without decoding any pixel, so
     * that a caller can budget memory before {@link #decode}; -1 when no header can be read (then
     * {@code decode} fails on the header too, before decoding pixels). No limit is applied here.
     * Thread-safe.
     */
    public static long declaredPixels(byte[] data) {
        Objects.requireNonNull(data, "data");
        Dimension size;
        try {
            size = Imaging.getImageSize(data);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            size = imageIoHeaderSize(data);
        }
        return size == null || size.width <= 0 || size.height <= 0 ? -1 : (long) size.width * size.height;
    }

    private DecodedImage decodeBytes(byte[] data, int channels, String source) throws ImageDecodeException {
        if (data.length > maxBytes) {
            throw new ImageDecodeException(
                    Reason.TOO_LARGE, source + ": data is " + data.length + " bytes, over the limit of " + maxBytes);
        }
        if (data.length == 0) {
            throw new ImageDecodeException(Reason.TRUNCATED, source + ": is empty (0 bytes)");
        }
        ImageFormat format = guessFormat(data);
        if (format == ImageFormats.UNKNOWN) {
            throw new ImageDecodeException(
                    Reason.UNKNOWN_FORMAT,
                    source
                            + ": not a supported image format (PNG, JPEG, BMP, GIF, TIFF, PNM, ...); starts with "
                            + hexPrefix(data));
        }
        String what = source + " (" + format.getName() + ")";
        if (format == ImageFormats.PNG && ContainerCheck.isPngHeaderDamaged(data)) {
            throw new ImageDecodeException(
                    Reason.CORRUPT,
                    what + ": the IHDR header chunk fails its CRC-32 check,"
                            + " so its width and height cannot be trusted (the file is damaged)");
        }
        boolean truncated = isStructurallyTruncated(format, data);
        checkDeclaredSize(data, what, truncated);
        if (truncated) {
            throw new ImageDecodeException(
                    Reason.TRUNCATED,
                    what + ": truncated, the data ends before " + "the image does (" + data.length + " bytes)");
        }
        BufferedImage img = decodePixels(data, format, what);
        long pixels = (long) img.getWidth() * img.getHeight();
        if (pixels > maxPixels) {
            throw tooLarge(what, img.getWidth(), img.getHeight());
        }
        try {
            return BufferedImages.toDecoded(img, channels);
        } catch (RuntimeException e) {
            throw new ImageDecodeException(Reason.CORRUPT, what + ": cannot convert pixels: " + e, e);
        }
    }

    private static ImageFormat guessFormat(byte[] data) {
        try {
            ImageFormat format = Imaging.guessFormat(data);
            return format == null ? ImageFormats.UNKNOWN : format;
        } catch (IOException | RuntimeException e) {
            return ImageFormats.UNKNOWN;
        }
    }

    private static boolean isStructurallyTruncated(ImageFormat format, byte[] data) {
        if (format == ImageFormats.PNG) {
            return ContainerCheck.isTruncatedPng(data);
        }
        if (format == ImageFormats.JPEG) {
            return ContainerCheck.isTruncatedJpeg(data);
        }
        if (format == ImageFormats.GIF) {
            return ContainerCheck.isTruncatedGif(data);
        }
        return false;
    }

    /** Reads width and height from the header only and enforces the pixel limit. */
    private void checkDeclaredSize(byte[] data, String what, boolean truncated) throws ImageDecodeException {
        Dimension size;
        try {
            size = Imaging.getImageSize(data);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            size = imageIoHeaderSize(data);
            if (size == null) {
                if (truncated) {
                    throw new ImageDecodeException(
                            Reason.TRUNCATED, what + ": truncated inside the header (" + data.length + " bytes)", e);
                }
                throw failure(what, "cannot read the header", e);
            }
        }
        if (size.width <= 0 || size.height <= 0) {
            throw new ImageDecodeException(
                    Reason.CORRUPT,
                    what + ": header declares an invalid size, width " + size.width + " and height " + size.height
                            + " (both must be at least 1)");
        }
        if ((long) size.width * size.height > maxPixels) {
            throw tooLarge(what, size.width, size.height);
        }
    }

    private static Dimension imageIoHeaderSize(byte[] data) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Dimension(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    /**
     * Decodes the pixels with Commons Imaging, or javax.imageio when Commons cannot. Gray PNGs go to
     * javax.imageio first: Commons Imaging stores their samples in a linear gray raster quantised to
     * 8 bits, which loses dark tones, while javax.imageio keeps the file's values.
     */
    private BufferedImage decodePixels(byte[] data, ImageFormat format, String what) throws ImageDecodeException {
        boolean imageIoFirst = format == ImageFormats.PNG && isGrayPngWithoutAlpha(data);
        if (imageIoFirst) {
            try {
                return decodeWithImageIo(data, what);
            } catch (ImageDecodeException e) {
                if (e.reason() == Reason.TOO_LARGE || e.reason() == Reason.TRUNCATED) {
                    throw e;
                }
                LOG.debug("{}: javax.imageio failed ({}), trying Commons Imaging", what, e.getMessage());
            }
        }
        Throwable primary;
        try {
            BufferedImage img = Imaging.getBufferedImage(data);
            if (img != null) {
                return isPlainPbm(format, data) ? invertedPbm(img) : img;
            }
            primary = new IOException("Commons Imaging returned no image");
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            primary = e;
        }
        if (imageIoFirst) {
            throw failure(what, "cannot decode pixels", primary);
        }
        LOG.debug("{}: Commons Imaging failed ({}), trying javax.imageio", what, primary.toString());
        try {
            return decodeWithImageIo(data, what);
        } catch (ImageDecodeException e) {
            if (e.reason() == Reason.TOO_LARGE) {
                throw e;
            }
            boolean truncated = e.reason() == Reason.TRUNCATED || looksTruncated(primary);
            ImageDecodeException failure = new ImageDecodeException(
                    truncated ? Reason.TRUNCATED : Reason.CORRUPT,
                    what + ": cannot decode pixels, " + (truncated ? "data ends early" : "invalid content")
                            + ": " + describe(primary) + "; javax.imageio: "
                            + (e.getCause() != null ? describe(e.getCause()) : e.getMessage()),
                    primary);
            failure.addSuppressed(e);
            throw failure;
        }
    }

    /** PNG colour type 0 (gray, no alpha channel), read from the IHDR chunk. */
    private static boolean isGrayPngWithoutAlpha(byte[] data) {
        return data.length > 25
                && data[12] == 'I'
                && data[13] == 'H'
                && data[14] == 'D'
                && data[15] == 'R'
                && data[25] == 0;
    }

    /** An ASCII ("P1") PBM file. */
    private static boolean isPlainPbm(ImageFormat format, byte[] data) {
        return format == ImageFormats.PBM && data.length > 1 && data[0] == 'P' && data[1] == '1';
    }

    /**
     * Commons Imaging 1.0.0-alpha6 reads ASCII PBM with 1 as white and 0 as black (its binary PBM
     * reader is right); the Netpbm format defines 1 as black. The image holds only black and white, so
     * inverting it restores the file's meaning.
     */
    private static BufferedImage invertedPbm(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                row[x] = ~row[x] & 0xFFFFFF;
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    private BufferedImage decodeWithImageIo(byte[] data, String what) throws ImageDecodeException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(Reason.UNKNOWN_FORMAT, what + ": javax.imageio has no reader");
            }
            ImageReader reader = readers.next();
            try {
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if ((long) w * h > maxPixels) {
                    throw tooLarge(what, w, h);
                }
                BufferedImage img = reader.read(0);
                for (String warning : warnings) {
                    if (TRUNCATION_HINT.matcher(warning).find()) {
                        throw new ImageDecodeException(
                                Reason.TRUNCATED, what + ": data ends before the image does (" + warning + ")");
                    }
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw failure(what, "javax.imageio cannot decode pixels", e);
        }
    }

    private ImageDecodeException tooLarge(String what, int w, int h) {
        return new ImageDecodeException(
                Reason.TOO_LARGE,
                what + ": " + w + "x" + h + " = " + ((long) w * h) + " pixels, over the limit of " + maxPixels);
    }

    /** Wraps a library failure, telling a short file (TRUNCATED) from bad content (CORRUPT). */
    private static ImageDecodeException failure(String what, String action, Throwable t) {
        Reason reason = looksTruncated(t) ? Reason.TRUNCATED : Reason.CORRUPT;
        String detail = reason == Reason.TRUNCATED ? "data ends early" : "invalid content";
        return new ImageDecodeException(reason, what + ": " + action + ", " + detail + ": " + describe(t), t);
    }

    private static boolean looksTruncated(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof EOFException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && TRUNCATION_HINT.matcher(m).find()) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        String type = t.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + ": " + m;
    }

    private static String hexPrefix(byte[] data) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(8, data.length);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%02x", data[i] & 0xFF));
        }
        return sb.toString();
    }
}
