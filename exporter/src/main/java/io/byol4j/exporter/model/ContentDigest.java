package io.byol4j.exporter.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.byol4j.sdk.model.ModelContract;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The self-referential content digest of a byol4j model file.
 *
 * <p>The digest is stored in the model's own metadata under {@link ModelContract#KEY_DIGEST}. It is
 * the lower-case hex SHA-256 of the serialised model in which that metadata value is
 * {@link ModelContract#DIGEST_PLACEHOLDER} (64 ASCII zeros). Because the placeholder and the hex digest
 * have the same length, writing the digest over the placeholder changes no length prefix: the file
 * is byte-for-byte the hashed bytes except for those 64 characters. A verifier therefore writes the
 * placeholder back over the stored value and hashes the result.
 *
 * <p>The metadata entry is located by its serialised form (key and value together), which must occur
 * exactly once in the file.
 */
public final class ContentDigest {

    private static final int HEX_LENGTH = 64;

    private ContentDigest() {}

    /**
     * Serialises {@code model} and writes its content digest in place of the placeholder.
     *
     * @param model a model whose metadata holds {@link ModelContract#KEY_DIGEST} set to
     *     {@link ModelContract#DIGEST_PLACEHOLDER}
     * @return the stamped file bytes and the digest written into them
     * @throws IllegalArgumentException if the model carries no placeholder digest entry
     */
    public static StampedModel serializeStamped(ModelProto model) {
        String value = digestValue(model);
        if (!ModelContract.DIGEST_PLACEHOLDER.equals(value)) {
            throw new IllegalArgumentException("model metadata " + ModelContract.KEY_DIGEST
                    + " must hold the placeholder before stamping, found " + value);
        }
        byte[] bytes = model.toByteArray();
        int at = valueOffset(bytes, value);
        String digest = sha256Hex(bytes);
        System.arraycopy(digest.getBytes(StandardCharsets.US_ASCII), 0, bytes, at, HEX_LENGTH);
        return new StampedModel(bytes, digest);
    }

    /**
     * Recomputes the content digest of stamped model bytes (what the stored value must equal).
     *
     * @throws IllegalArgumentException if the bytes are not an ONNX model with a digest entry
     */
    public static String compute(byte[] modelBytes) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(modelBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        String stored = digestValue(model);
        byte[] copy = modelBytes.clone();
        int at = valueOffset(copy, stored);
        System.arraycopy(ModelContract.DIGEST_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII), 0, copy, at, HEX_LENGTH);
        return sha256Hex(copy);
    }

    /** The digest value stored in {@code model}'s metadata. */
    public static String storedValue(byte[] modelBytes) {
        try {
            return digestValue(ModelProto.parseFrom(modelBytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM provides no SHA-256", e);
        }
    }

    private static String digestValue(ModelProto model) {
        String found = null;
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (ModelContract.KEY_DIGEST.equals(e.getKey())) {
                if (found != null) {
                    throw new IllegalArgumentException("model metadata holds " + ModelContract.KEY_DIGEST + " twice");
                }
                found = e.getValue();
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("model metadata has no " + ModelContract.KEY_DIGEST);
        }
        if (found.length() != HEX_LENGTH) {
            throw new IllegalArgumentException(ModelContract.KEY_DIGEST + " must be " + HEX_LENGTH
                    + " characters, found " + found.length());
        }
        return found;
    }

    /** Offset of the digest value inside the single serialised occurrence of its metadata entry. */
    private static int valueOffset(byte[] bytes, String value) {
        byte[] entry = StringStringEntryProto.newBuilder()
                .setKey(ModelContract.KEY_DIGEST).setValue(value).build().toByteArray();
        int last = lastIndexOf(bytes, entry, bytes.length - entry.length);
        if (last < 0) {
            throw new IllegalArgumentException("the serialised " + ModelContract.KEY_DIGEST + " entry was not found");
        }
        if (lastIndexOf(bytes, entry, last - 1) >= 0) {
            throw new IllegalArgumentException("the serialised " + ModelContract.KEY_DIGEST
                    + " entry occurs more than once; its position is ambiguous");
        }
        return last + entry.length - HEX_LENGTH;
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.min(from, haystack.length - needle.length); i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
