package io.byol4j.sdk.encoder;

import io.byol4j.sdk.model.ModelContract;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The byol4j model digest: SHA-256 (lower-case hex) of the model file in which the 64 characters of
 * the {@link ModelContract#KEY_DIGEST} metadata value are replaced by
 * {@link ModelContract#DIGEST_PLACEHOLDER}. Replacing a value by one of the same length leaves the
 * protobuf encoding intact, so the exporter can hash the file with the placeholder and then patch the
 * digest in.
 */
final class ModelDigest {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    /** Protobuf tag of {@code StringStringEntryProto.value} (field 2, length-delimited) and the length 64. */
    private static final byte[] VALUE_TAG_AND_LENGTH = {0x12, 0x40};

    private ModelDigest() {
    }

    /** True when {@code value} looks like a hex SHA-256. */
    static boolean isWellFormed(String value) {
        return value != null && HEX_SHA256.matcher(value).matches();
    }

    /**
     * Offset of the declared digest's bytes in the model file, or -1 when they cannot be located
     * unambiguously. The metadata entry is searched first (key, value tag, value), then the value alone
     * if it occurs exactly once.
     */
    static int locate(byte[] model, String declared) {
        byte[] key = ModelContract.KEY_DIGEST.getBytes(StandardCharsets.UTF_8);
        byte[] value = declared.getBytes(StandardCharsets.US_ASCII);
        byte[] entry = new byte[key.length + VALUE_TAG_AND_LENGTH.length + value.length];
        System.arraycopy(key, 0, entry, 0, key.length);
        System.arraycopy(VALUE_TAG_AND_LENGTH, 0, entry, key.length, VALUE_TAG_AND_LENGTH.length);
        System.arraycopy(value, 0, entry, key.length + VALUE_TAG_AND_LENGTH.length, value.length);
        int at = indexOf(model, entry, 0);
        if (at >= 0) {
            return at + key.length + VALUE_TAG_AND_LENGTH.length;
        }
        int first = indexOf(model, value, 0);
        if (first >= 0 && indexOf(model, value, first + 1) < 0) {
            return first;
        }
        return -1;
    }

    /** SHA-256 hex of {@code model} with the 64 bytes at {@code offset} replaced by the placeholder. */
    static String compute(byte[] model, int offset) {
        byte[] placeholder = ModelContract.DIGEST_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
        MessageDigest sha = sha256();
        sha.update(model, 0, offset);
        sha.update(placeholder);
        int tail = offset + placeholder.length;
        sha.update(model, tail, model.length - tail);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(from, 0), last = haystack.length - needle.length; i <= last; i++) {
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
