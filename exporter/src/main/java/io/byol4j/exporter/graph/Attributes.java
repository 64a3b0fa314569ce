package io.byol4j.exporter.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;

/** Builds ONNX node attributes. */
public final class Attributes {

    private Attributes() {}

    /** An INT attribute. */
    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.INT)
                .setI(value)
                .build();
    }

    /** An INTS attribute. */
    public static AttributeProto integers(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** A FLOAT attribute. */
    public static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.FLOAT)
                .setF(value)
                .build();
    }
}
