package io.byol4j.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.testing.TestModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a fuzz test of the image decoder and the preprocessing behind {@link Encoder#embedEncoded}.
 * Seed PNG, JPEG, GIF, BMP and TIFF files of several sizes and colour types are mutated by a seeded random
 * mutator (bit flips, byte runs set to 0x00/0xFF, truncations, and the width/height header fields set to
 * extremes: 0, 1, 65535, -1, 2^31-1, -2^31, with the PNG header CRC repaired half the time so the decoder
 * gets past it). Every case must be embedded (a finite row of the model's size) or rejected with a reason;
 * nothing may throw out of the encoder or the decoder (other than {@link ImageDecodeException}), no case may
 * take longer than {@value #SLOW_CASE_MS} ms, and the heap must not grow.
 *
 * <p>{@code ./mvnw verify} runs {@value #DEFAULT_CASES} cases. A longer run:
 * {@code ./mvnw -B -o -pl sdk test -Dtest=ImageFuzzTest -Dbyol4j.fuzz.cases=200000 -Dbyol4j.fuzz.seed=7}
 * (or {@code -Dbyol4j.fuzz.seconds=600}); it prints the outcome per format and reason.
 */
class ImageFuzzTest {

    static final int DEFAULT_CASES = 3000;
    static final long SLOW_CASE_MS = 3000;
    private static final int BATCH = 32;
    /** A size such as "48x-16777176" in a message: the reader trusted a damaged header. */
    private static final java.util.regex.Pattern NEGATIVE_SIZE =
            java.util.regex.Pattern.compile("\\d+x-\\d+|-\\d+x\\d+");

    private static final String[] FORMATS = {"png", "jpeg", "gif", "bmp", "tiff"};
    private static final long[] EXTREMES = {0, 1, 65535, 0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, 0x10000L};

    @TempDir
    static Path models;

    /** One mutated file and how it was made, to reproduce a finding. */
    private static final class Case {
        private final long id;
        private final String format;
        private final String mutation;
        private final byte[] bytes;

        Case(long id, String format, String mutation, byte[] bytes) {
            this.id = id;
            this.format = format;
            this.mutation = mutation;
            this.bytes = bytes;
        }

        long id() {
            return id;
        }

        String format() {
            return format;
        }

        String mutation() {
            return mutation;
        }

        /** The file's bytes (shared, not copied: the fuzz loop only reads them). */
        byte[] bytes() {
            return bytes;
        }
    }

    @Test
    void mutatedImagesAreEmbeddedOrRejectedWithAReasonNeverThrown() throws Exception {
        int cases = Integer.getInteger("byol4j.fuzz.cases", DEFAULT_CASES);
        long seconds = Long.getLong("byol4j.fuzz.seconds", 0L);
        long seed = Long.getLong("byol4j.fuzz.seed", 20261130L);
        long deadline = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        if (seconds > 0 && System.getProperty("byol4j.fuzz.cases") == null) {
            cases = Integer.MAX_VALUE;
        }
        Map<String, List<byte[]>> seeds = seeds();
        Random random = new Random(seed);
        ImageDecoder decoder = new ImageDecoder();
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> findings = new ArrayList<>();
        Path model = TestModels.write(models, "fuzz.onnx", TestModels.model(TestModels.contract(3, 16, 4)));
        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        int done = 0;
        try (Encoder encoder = Encoder.open(model)) {
            while (done < cases && System.nanoTime() < deadline) {
                List<Case> batch = new ArrayList<>();
                for (int i = 0; i < BATCH && done + i < cases; i++) {
                    batch.add(mutate(done + i, seeds, random));
                }
                for (Case c : batch) {
                    outcomes.merge(c.format() + " decoder " + decodeDirectly(decoder, c, findings), 1, Integer::sum);
                }
                List<ImageEmbedding> results;
                long t0 = System.nanoTime();
                try {
                    results =
                            encoder.embedEncoded(batch.stream().map(Case::bytes).toList());
                } catch (Throwable t) {
                    findings.add("embedEncoded threw " + t + " on a batch starting at case "
                            + batch.get(0).id());
                    done += batch.size();
                    continue;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (ms > SLOW_CASE_MS * batch.size()) { // a hang detector: wall time, so generous
                    findings.add("batch from case " + batch.get(0).id() + " took " + ms + " ms");
                }
                assertEquals(batch.size(), results.size());
                for (int i = 0; i < batch.size(); i++) {
                    String outcome = classify(batch.get(i), results.get(i), encoder.embeddingDim(), findings);
                    outcomes.merge(batch.get(i).format() + " embed " + outcome, 1, Integer::sum);
                }
                done += batch.size();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long heapAfter = usedHeapAfterGc();
        System.out.printf(
                Locale.ROOT,
                "image fuzz: %d cases (seed %d) in %.1f s; heap %d MB -> %d MB%n",
                done,
                seed,
                elapsed,
                heapBefore >> 20,
                heapAfter >> 20);
        outcomes.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %7d%n", k, v));
        findings.forEach(f -> System.out.println("  FINDING " + f));
        assertTrue(findings.isEmpty(), () -> findings.size() + " findings, first: " + findings.get(0));
        assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew from " + heapBefore + " to " + heapAfter);
        for (String format : FORMATS) {
            assertTrue(
                    outcomes.keySet().stream().anyMatch(k -> k.startsWith(format + " embed ok")),
                    "no " + format + " case was embedded: the mutator only produced garbage");
            assertTrue(
                    outcomes.keySet().stream().anyMatch(k -> k.startsWith(format + " embed rejected")),
                    "no " + format + " case was rejected: the mutator changed nothing");
        }
    }

    private static String decodeDirectly(ImageDecoder decoder, Case c, List<String> findings) {
        // CPU time of this thread, not wall time: a shared, loaded machine must not turn into findings.
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        String outcome;
        try {
            DecodedImage img = decoder.decode(c.bytes(), 3);
            outcome = img.width() > 0 && img.height() > 0 ? "ok" : "EMPTY";
            if (outcome.equals("EMPTY")) {
                findings.add(describe(c) + ": decoded to an empty image " + img.width() + "x" + img.height());
            }
        } catch (ImageDecodeException e) {
            outcome = "rejected " + e.reason();
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                findings.add(describe(c) + ": rejected without a message");
            } else if (NEGATIVE_SIZE.matcher(e.getMessage()).find()) {
                findings.add(describe(c) + ": the reason quotes a negative size: " + e.getMessage());
            }
        } catch (Throwable t) {
            outcome = "THREW";
            findings.add(describe(c) + ": decoder threw " + t);
        }
        long ms = (threads.getCurrentThreadCpuTime() - t0) / 1_000_000;
        if (ms > SLOW_CASE_MS) {
            findings.add(describe(c) + ": decoding took " + ms + " ms of CPU time");
        }
        return outcome;
    }

    private static String classify(Case c, ImageEmbedding r, int dim, List<String> findings) {
        if (r == null) {
            findings.add(describe(c) + ": no result");
            return "NULL";
        }
        if (r.ok()) {
            float[] row = r.features();
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    findings.add(describe(c) + ": non-finite embedding");
                    return "NONFINITE";
                }
            }
            if (row.length != dim) {
                findings.add(describe(c) + ": embedding of length " + row.length);
            }
            return "ok";
        }
        if (r.failure().detail().isBlank()) {
            findings.add(describe(c) + ": rejected without a reason");
            return "NOREASON";
        }
        return "rejected " + r.failure().reason();
    }

    private static String describe(Case c) {
        return "case " + c.id() + " (" + c.format() + ", " + c.mutation() + ", " + c.bytes().length + " bytes)";
    }

    // ---- seeds -------------------------------------------------------------------------------------

    private static Map<String, List<byte[]>> seeds() throws IOException {
        Map<String, List<byte[]>> seeds = new TreeMap<>();
        int[][] sizes = {{1, 1}, {7, 5}, {33, 17}, {64, 48}};
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB};
        for (String format : FORMATS) {
            List<byte[]> list = new ArrayList<>();
            for (int[] size : sizes) {
                for (int type : types) {
                    if (type == BufferedImage.TYPE_INT_ARGB && !format.equals("png") && !format.equals("tiff")) {
                        continue; // JPEG and BMP writers take no alpha
                    }
                    byte[] bytes = encode(picture(size[0], size[1], type), format);
                    if (bytes != null) {
                        list.add(bytes);
                    }
                }
            }
            assertTrue(list.size() >= 4, "too few " + format + " seeds: " + list.size());
            seeds.put(format, list);
        }
        return seeds;
    }

    private static BufferedImage picture(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(200, 60, 30, 180));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(20, 90, 220, 255));
        g.fillOval(w / 4, h / 4, Math.max(1, w / 2), Math.max(1, h / 2));
        g.dispose();
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            return null;
        }
        return out.toByteArray();
    }

    // ---- mutations ---------------------------------------------------------------------------------

    private static Case mutate(long id, Map<String, List<byte[]>> seeds, Random random) {
        String format = FORMATS[random.nextInt(FORMATS.length)];
        List<byte[]> list = seeds.get(format);
        byte[] b = list.get(random.nextInt(list.size())).clone();
        String mutation;
        switch (random.nextInt(6)) {
            case 0 -> {
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int pos = random.nextInt(b.length);
                    b[pos] ^= (byte) (1 << random.nextInt(8));
                }
                mutation = flips + " bit flips";
            }
            case 1 -> {
                int pos = random.nextInt(b.length);
                int len = 1 + random.nextInt(Math.min(16, b.length - pos));
                byte value = random.nextBoolean() ? (byte) 0xFF : 0;
                java.util.Arrays.fill(b, pos, pos + len, value);
                mutation = len + " bytes at " + pos + " set to " + (value & 0xFF);
            }
            case 2 -> {
                int keep = random.nextInt(b.length);
                b = java.util.Arrays.copyOf(b, keep);
                mutation = "truncated to " + keep;
            }
            case 3, 4 -> {
                long w = EXTREMES[random.nextInt(EXTREMES.length)];
                long h = random.nextBoolean() ? EXTREMES[random.nextInt(EXTREMES.length)] : -1;
                boolean fixCrc = random.nextBoolean();
                mutation = "size fields set to " + w + (h >= 0 ? " x " + h : " (width only)")
                        + (format.equals("png") && fixCrc ? ", CRC repaired" : "");
                setSize(format, b, w, h, fixCrc);
            }
            default -> {
                // a few bit flips in the first 64 bytes, where the headers are
                int flips = 1 + random.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    int pos = random.nextInt(Math.min(64, b.length));
                    b[pos] ^= (byte) (1 << random.nextInt(8));
                }
                mutation = flips + " header bit flips";
            }
        }
        return new Case(id, format, mutation, b);
    }

    /** Sets the width (and height unless {@code h < 0}) fields of the format's header. */
    private static void setSize(String format, byte[] b, long w, long h, boolean fixPngCrc) {
        switch (format) {
            case "png" -> {
                putBE(b, 16, 4, w);
                if (h >= 0) {
                    putBE(b, 20, 4, h);
                }
                if (fixPngCrc) {
                    CRC32 crc = new CRC32();
                    crc.update(b, 12, 17);
                    putBE(b, 29, 4, crc.getValue());
                }
            }
            case "gif" -> {
                putLE(b, 6, 2, w); // logical screen
                if (h >= 0) {
                    putLE(b, 8, 2, h);
                }
                int desc = indexOf(b, (byte) 0x2C, 13);
                if (desc > 0 && desc + 9 <= b.length) {
                    putLE(b, desc + 5, 2, w); // image descriptor
                    if (h >= 0) {
                        putLE(b, desc + 7, 2, h);
                    }
                }
            }
            case "bmp" -> {
                putLE(b, 18, 4, w);
                if (h >= 0) {
                    putLE(b, 22, 4, h);
                }
            }
            case "jpeg" -> {
                for (int i = 2; i + 9 < b.length; i++) {
                    if ((b[i] & 0xFF) == 0xFF && ((b[i + 1] & 0xFF) == 0xC0 || (b[i + 1] & 0xFF) == 0xC2)) {
                        if (h >= 0) {
                            putBE(b, i + 5, 2, h);
                        }
                        putBE(b, i + 7, 2, w);
                        break;
                    }
                }
            }
            case "tiff" -> setTiffSize(b, w, h);
            default -> throw new IllegalArgumentException(format);
        }
    }

    /** Rewrites the ImageWidth (256) and ImageLength (257) entries of the first IFD. */
    private static void setTiffSize(byte[] b, long w, long h) {
        if (b.length < 8) {
            return;
        }
        boolean le = b[0] == 'I';
        long ifd = get(b, 4, 4, le);
        if (ifd < 8 || ifd + 2 > b.length) {
            return;
        }
        int n = (int) get(b, (int) ifd, 2, le);
        for (int i = 0; i < n; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > b.length) {
                return;
            }
            int tag = (int) get(b, e, 2, le);
            int type = (int) get(b, e + 2, 2, le);
            int bytes = type == 3 ? 2 : 4;
            if (tag == 256 || (tag == 257 && h >= 0)) {
                long v = tag == 256 ? w : h;
                if (le) {
                    putLE(b, e + 8, bytes, v);
                } else {
                    putBE(b, e + 8, bytes, v);
                }
            }
        }
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static long get(byte[] b, int pos, int n, boolean le) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int byteAt = le ? pos + n - 1 - i : pos + i;
            v = (v << 8) | (b[byteAt] & 0xFF);
        }
        return v;
    }

    private static void putBE(byte[] b, int pos, int n, long v) {
        for (int i = 0; i < n && pos + i < b.length; i++) {
            b[pos + i] = (byte) (v >>> (8 * (n - 1 - i)));
        }
    }

    private static void putLE(byte[] b, int pos, int n, long v) {
        for (int i = 0; i < n && pos + i < b.length; i++) {
            b[pos + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
