package io.byol4j.sdk.head;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Binary head files: 8 ASCII magic bytes, a big-endian int32 format version, then a head-specific
 * big-endian body and nothing after it. Written atomically and durably by {@link AtomicFiles}.
 */
final class HeadFiles {

    /** Writes the body of a head file. */
    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads the body of a head file. */
    @FunctionalInterface
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private HeadFiles() {}

    static void write(Path target, String magic, int version, Body body) throws IOException {
        AtomicFiles.write(target, stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            out.write(magicBytes(magic));
            out.writeInt(version);
            body.write(out);
            out.flush();
        });
    }

    static <T> T read(Path file, String magic, int version, String kind, Reader<T> reader) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, kind + " file does not exist");
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            byte[] expected = magicBytes(magic);
            byte[] actual = in.readNBytes(expected.length);
            if (!Arrays.equals(expected, actual)) {
                throw new IOException(file + " is not a byol4j " + kind + " file (bad magic bytes)");
            }
            int found = in.readInt();
            if (found != version) {
                throw new IOException(
                        file + " has " + kind + " format version " + found + ", this SDK reads " + version);
            }
            T value = reader.read(in);
            if (in.read() >= 0) {
                throw new IOException(file + " has trailing bytes after the " + kind + " data");
            }
            return value;
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: it ends inside the " + kind + " data", e);
        }
    }

    static int readCount(DataInputStream in, String name, int min, int max, Path file) throws IOException {
        int value = in.readInt();
        if (value < min || value > max) {
            throw new IOException(file + " has an invalid " + name + ": " + value);
        }
        return value;
    }

    private static byte[] magicBytes(String magic) {
        byte[] bytes = magic.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != 8) {
            throw new IllegalArgumentException("magic must be 8 ASCII characters: " + magic);
        }
        return bytes;
    }
}
