package io.byol4j.sdk.features;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file: dtype descriptor, memory order and shape.
 *
 * <p>Written headers are NPY version 1.0 and always {@value #WRITTEN_SIZE} bytes long (magic, version,
 * header length, the dict NumPy itself writes, space padding, newline), which is what NumPy produces
 * for any 1- or 2-dimensional shape. The fixed size lets a streaming writer rewrite the shape in place.
 * Reading accepts versions 1.0, 2.0 and 3.0.
 */
final class NpyHeader {

    /** Size in bytes of every header this class writes. */
    static final int WRITTEN_SIZE = 128;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE_V1 = MAGIC.length + 2 + 2;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private final String descr;
    private final boolean fortranOrder;
    private final long[] shape;
    private final int dataOffset;

    private NpyHeader(String descr, boolean fortranOrder, long[] shape, int dataOffset) {
        this.descr = descr;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
        this.dataOffset = dataOffset;
    }

    /** The dtype descriptor, e.g. {@code <f4}. */
    String descr() {
        return descr;
    }

    /** True for Fortran (column-major) order. */
    boolean fortranOrder() {
        return fortranOrder;
    }

    /** The dimensions (shared, not copied: callers in this package only read it). */
    long[] shape() {
        return shape;
    }

    /** Byte offset of the array data in the file. */
    int dataOffset() {
        return dataOffset;
    }

    /** Number of elements the shape describes. */
    long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The {@value #WRITTEN_SIZE}-byte v1.0 header for a C-order array of {@code descr} and {@code shape}. */
    static byte[] encode(String descr, long... shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + pythonTuple(shape) + ", }";
        int headerLength = WRITTEN_SIZE - PREAMBLE_V1;
        if (dict.length() + 1 > headerLength) {
            throw new IllegalArgumentException("npy header too long for shape " + Arrays.toString(shape));
        }
        String padded = dict + " ".repeat(headerLength - dict.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(WRITTEN_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(padded.getBytes(StandardCharsets.US_ASCII));
        return out.array();
    }

    /** Reads and parses the header at the start of {@code channel}. */
    static NpyHeader read(FileChannel channel, Path file) throws IOException {
        ByteBuffer preamble = readFully(channel, 0, PREAMBLE_V1 + 2, file);
        for (int i = 0; i < MAGIC.length; i++) {
            if (preamble.get(i) != MAGIC[i]) {
                throw new FeatureFileException(file + " is not a .npy file (bad magic bytes)");
            }
        }
        int major = preamble.get(6) & 0xFF;
        int minor = preamble.get(7) & 0xFF;
        long headerLength;
        int textStart;
        if (major == 1 && minor == 0) {
            headerLength = preamble.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
            textStart = PREAMBLE_V1;
        } else if ((major == 2 || major == 3) && minor == 0) {
            headerLength = preamble.order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xFFFFFFFFL;
            textStart = PREAMBLE_V1 + 2;
        } else {
            throw new FeatureFileException(file + " has unsupported .npy version " + major + "." + minor);
        }
        if (headerLength > 1 << 20) {
            throw new FeatureFileException(file + " declares an implausible header length " + headerLength);
        }
        ByteBuffer text = readFully(channel, textStart, (int) headerLength, file);
        String dict = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
                .decode(text)
                .toString();
        return parse(dict, textStart + (int) headerLength, file);
    }

    private static NpyHeader parse(String dict, int dataOffset, Path file) throws FeatureFileException {
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new FeatureFileException(file + " has a malformed .npy header: " + dict.strip());
        }
        String[] parts = shape.group(1).split(",");
        long[] dims = new long[parts.length];
        int rank = 0;
        for (String part : parts) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            try {
                dims[rank] = Long.parseLong(s);
            } catch (NumberFormatException e) {
                dims[rank] = -1;
            }
            if (dims[rank] < 0) {
                throw new FeatureFileException(file + " has a bad shape entry '" + s + "' in its .npy header");
            }
            rank++;
        }
        dims = Arrays.copyOf(dims, rank);
        return new NpyHeader(descr.group(1), "True".equals(fortran.group(1)), dims, dataOffset);
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new FeatureFileException(file + " ends inside its .npy header");
            }
        }
        return buf.flip();
    }

    static String pythonTuple(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(')').toString();
    }
}
