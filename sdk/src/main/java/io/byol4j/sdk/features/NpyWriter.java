package io.byol4j.sdk.features;

import io.byol4j.sdk.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams the rows of one C-order little-endian {@code .npy} array into a temporary file next to its
 * target; {@link #commit} writes the final shape into the fixed-size header and moves the file into
 * place atomically. Not thread-safe.
 */
final class NpyWriter {

    private static final int BUFFER_BYTES = 1 << 16;

    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final String descr;
    private final long[] rowShape;

    private NpyWriter(Path temp, FileChannel channel, String descr, long[] rowShape) {
        this.temp = temp;
        this.channel = channel;
        this.descr = descr;
        this.rowShape = rowShape;
    }

    /**
     * Starts an array of {@code descr} elements whose rows have shape {@code rowShape} (empty for a
     * 1-dimensional array) in a new temporary file in {@code dir}.
     */
    static NpyWriter create(Path dir, String name, String descr, long... rowShape) throws IOException {
        Path temp = FeatureFile.temporaryFile(dir, name);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(temp, StandardOpenOption.WRITE);
            NpyWriter writer = new NpyWriter(temp, channel, descr, rowShape.clone());
            writer.buffer.put(NpyHeader.encode(descr, writer.shape(0)));
            return writer;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    void putFloats(float[] values) throws IOException {
        for (float v : values) {
            if (buffer.remaining() < Float.BYTES) {
                drain();
            }
            buffer.putFloat(v);
        }
    }

    void putInt(int value) throws IOException {
        if (buffer.remaining() < Integer.BYTES) {
            drain();
        }
        buffer.putInt(value);
    }

    /** Fixes the header for {@code rows} rows, syncs, and atomically replaces {@code target}. */
    void commit(long rows, Path target) throws IOException {
        drain();
        ByteBuffer header = ByteBuffer.wrap(NpyHeader.encode(descr, shape(rows)));
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
        channel.force(true);
        channel.close();
        AtomicFiles.commit(temp, target);
    }

    /** Closes and deletes the temporary file; never throws. */
    void discard() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: a stray hidden .tmp file is harmless
        }
    }

    private long[] shape(long rows) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return shape;
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
