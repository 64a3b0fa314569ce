package io.byol4j.sdk.internal;

import io.byol4j.sdk.model.ModelContract;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The content digest of a byol4j model file: the lower-case hex SHA-256 of the file in which the
 * value of the {@link ModelContract#KEY_DIGEST} metadata entry is replaced by
 * {@link ModelContract#DIGEST_PLACEHOLDER}.
 *
 * <p>The placeholder and a hex SHA-256 have the same length, so writing one over the other changes no
 * protobuf length prefix: a producer serialises the model with the placeholder, hashes those bytes and
 * writes the digest over the placeholder ({@link #seal}); a consumer writes the placeholder back over
 * the declared value and hashes again ({@link #compute}). Any other changed byte changes the digest.
 *
 * <p>The value is found through its serialised metadata entry: the key field
 * ({@code 0x0A, length, "byol4j.digest_sha256"}) directly followed by a 64-byte value field
 * ({@code 0x12, 0x40}). That entry must occur exactly once in the file; otherwise its position is
 * ambiguous and every method here fails with {@link IllegalArgumentException}. The methods work on
 * raw bytes and need no ONNX or protobuf library.
 */
public final class ModelDigest {

    /** Characters in a hex SHA-256, and bytes of the digest value in the file. */
    public static final int HEX_LENGTH = 64;

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{" + HEX_LENGTH + "}");
    /** Protobuf tag of field 1 (length-delimited): {@code StringStringEntryProto.key}. */
    private static final byte KEY_TAG = 0x0A;
    /** Protobuf tag of field 2 (length-delimited): {@code StringStringEntryProto.value}. */
    private static final byte VALUE_TAG = 0x12;

    private static final byte[] ENTRY_PREFIX = entryPrefix();
    private static final byte[] PLACEHOLDER = ModelContract.DIGEST_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);

    private ModelDigest() {}

    /** True when {@code value} is 64 hex digits (either case), the shape of a SHA-256 digest. */
    public static boolean isWellFormed(String value) {
        return value != null && HEX_SHA256.matcher(value).matches();
    }

    /**
     * Offset in {@code model} of the 64 bytes that hold the digest value.
     *
     * @throws IllegalArgumentException if the file has no digest entry with a 64-byte value, or more than one
     */
    public static int locate(byte[] model) {
        Objects.requireNonNull(model, "model");
        int first = indexOf(model, ENTRY_PREFIX, 0);
        if (first < 0 || first + ENTRY_PREFIX.length + HEX_LENGTH > model.length) {
            throw new IllegalArgumentException("the model has no " + ModelContract.KEY_DIGEST
                    + " metadata entry with a " + HEX_LENGTH + "-character value");
        }
        if (indexOf(model, ENTRY_PREFIX, first + 1) >= 0) {
            throw new IllegalArgumentException("the model holds the " + ModelContract.KEY_DIGEST
                    + " entry more than once; the position of its digest is ambiguous");
        }
        return first + ENTRY_PREFIX.length;
    }

    /**
     * The digest value the file declares, exactly as stored (for a sealed model this is what
     * {@link #compute} returns; for an unsealed one it is the placeholder).
     *
     * @throws IllegalArgumentException as {@link #locate}
     */
    public static String declared(byte[] model) {
        int at = locate(model);
        return new String(model, at, HEX_LENGTH, StandardCharsets.ISO_8859_1);
    }

    /**
     * The content digest of {@code model}: the SHA-256 (lower-case hex) of its bytes with the declared
     * value replaced by the placeholder. A file is intact when this equals {@link #declared}.
     *
     * @throws IllegalArgumentException as {@link #locate}
     */
    public static String compute(byte[] model) {
        int at = locate(model);
        MessageDigest sha = sha256();
        sha.update(model, 0, at);
        sha.update(PLACEHOLDER);
        int tail = at + HEX_LENGTH;
        sha.update(model, tail, model.length - tail);
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Seals a serialised model: returns a copy of {@code unsealed} with its content digest written over
     * the placeholder. The input is not modified.
     *
     * @param unsealed a serialised model whose {@link ModelContract#KEY_DIGEST} entry holds
     *     {@link ModelContract#DIGEST_PLACEHOLDER}
     * @throws IllegalArgumentException as {@link #locate}, or if the entry does not hold the placeholder
     */
    public static byte[] seal(byte[] unsealed) {
        int at = locate(unsealed);
        String value = new String(unsealed, at, HEX_LENGTH, StandardCharsets.ISO_8859_1);
        if (!ModelContract.DIGEST_PLACEHOLDER.equals(value)) {
            throw new IllegalArgumentException("the model's " + ModelContract.KEY_DIGEST
                    + " must hold the placeholder (" + HEX_LENGTH + " zeros) before sealing, found " + value);
        }
        byte[] digest = sha256Hex(unsealed).getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = unsealed.clone();
        System.arraycopy(digest, 0, sealed, at, HEX_LENGTH);
        return sealed;
    }

    /** Lower-case hex SHA-256 of {@code bytes}, the hash function the digest is built on. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    /** Key field, then the tag and length of a 64-byte value field. */
    private static byte[] entryPrefix() {
        byte[] key = ModelContract.KEY_DIGEST.getBytes(StandardCharsets.UTF_8);
        if (key.length > 127) {
            throw new IllegalStateException("digest key too long for a one-byte length prefix");
        }
        byte[] prefix = new byte[key.length + 4];
        prefix[0] = KEY_TAG;
        prefix[1] = (byte) key.length;
        System.arraycopy(key, 0, prefix, 2, key.length);
        prefix[key.length + 2] = VALUE_TAG;
        prefix[key.length + 3] = (byte) HEX_LENGTH;
        return prefix;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
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
