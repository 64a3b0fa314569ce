package io.byol4j.grpc.kserve;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The Open Inference Protocol's raw tensor layouts: FP32 elements as little-endian floats, BYTES
 * elements each prefixed with its length as a 4-byte little-endian integer (as Triton writes them).
 * Malformed data is refused with INVALID_ARGUMENT naming the tensor.
 */
final class TensorCodec {

    private TensorCodec() {}

    /** {@code count} little-endian floats from {@code raw}, which must hold exactly that many. */
    static float[] fp32(ByteString raw, long count, String tensor) throws StatusException {
        if (raw.size() != count * Float.BYTES) {
            throw invalid("raw contents of input '" + tensor + "' hold " + raw.size() + " bytes; its FP32 shape needs "
                    + count + " x 4 = " + count * Float.BYTES);
        }
        float[] out = new float[(int) count];
        raw.asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out);
        return out;
    }

    /** {@code count} length-prefixed BYTES elements from {@code raw}, which must hold exactly those. */
    static List<ByteString> bytes(ByteString raw, int count, String tensor) throws StatusException {
        List<ByteString> out = new ArrayList<>(count);
        ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (raw.size() - at < 4) {
                throw invalid("raw contents of input '" + tensor + "' end inside the length prefix of element " + i
                        + " (BYTES elements are each prefixed with a 4-byte little-endian length)");
            }
            long len = Integer.toUnsignedLong(buf.getInt(at));
            at += 4;
            if (len > raw.size() - at) {
                throw invalid("element " + i + " of input '" + tensor + "' declares " + len + " bytes but only "
                        + (raw.size() - at) + " remain");
            }
            out.add(raw.substring(at, at + (int) len));
            at += (int) len;
        }
        if (at != raw.size()) {
            throw invalid("raw contents of input '" + tensor + "' hold " + (raw.size() - at) + " bytes after its "
                    + count + " elements");
        }
        return out;
    }

    /** Little-endian bytes of {@code width} floats from each row, starting at {@code offset}. */
    static ByteString fp32Raw(float[][] rows, int offset, int width) {
        ByteBuffer buf = ByteBuffer.allocate(rows.length * width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (int k = 0; k < width; k++) {
                buf.putFloat(row[offset + k]);
            }
        }
        buf.flip();
        return ByteString.copyFrom(buf);
    }

    /** BYTES elements, each prefixed with its length as a 4-byte little-endian integer. */
    static ByteString bytesRaw(List<byte[]> elements) {
        int size = 0;
        for (byte[] e : elements) {
            size += 4 + e.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] e : elements) {
            buf.putInt(e.length).put(e);
        }
        buf.flip();
        return ByteString.copyFrom(buf);
    }

    static StatusException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }
}
