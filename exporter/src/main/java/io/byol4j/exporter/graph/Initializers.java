package io.byol4j.exporter.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Serialises {@link FloatTensor}s as ONNX initializers (little-endian {@code raw_data}). */
final class Initializers {

    /** Largest finite float16 value. */
    static final float FLOAT16_MAX = 65504f;

    private Initializers() {}

    static TensorProto float32(FloatTensor t) {
        ByteBuffer buf = ByteBuffer.allocate(t.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.values());
        return tensor(t.name(), t.dims(), TensorProto.DataType.FLOAT, buf);
    }

    /**
     * The tensor rounded to float16 under {@code name}.
     *
     * @throws IllegalArgumentException if a value is beyond the float16 range
     */
    static TensorProto float16(FloatTensor t, String name) {
        ByteBuffer buf = ByteBuffer.allocate(t.values().length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.values()) {
            if (Math.abs(v) > FLOAT16_MAX) {
                throw new IllegalArgumentException("initializer " + t.name() + " holds " + v
                        + ", beyond the float16 range (±" + FLOAT16_MAX + "); export without float16");
            }
            buf.putShort(Fp16Conversions.floatToFp16(v));
        }
        buf.flip();
        return tensor(name, t.dims(), TensorProto.DataType.FLOAT16, buf);
    }

    private static TensorProto tensor(String name, long[] dims, TensorProto.DataType type, ByteBuffer data) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(data)).build();
    }
}
