package io.byol4j.sdk.features;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Streams the rows of one C-order little-endian {@code .npy} array into a temporary file next to its
 * target; {@link #commit} writes the final shape into the fixed-size header and moves the file into
 * place atomically, together with its companion files. Not thread-safe.
 */
final class NpyWriter {

    private final AtomicFiles.StagedFile file;
    private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final String descr;
    private final long[] rowShape;

    private NpyWriter(AtomicFiles.StagedFile file, String descr, long[] rowShape) {
        this.file = file;
        this.descr = descr;
        this.rowShape = rowShape;
    }

    /**
     * Starts an array of {@code descr} elements whose rows have shape {@code rowShape} (empty for a
     * 1-dimensional array) in a new temporary file beside {@code dir/name}.
     */
    static NpyWriter create(Path dir, String name, String descr, long... rowShape) throws IOException {
        AtomicFiles.StagedFile file = AtomicFiles.stage(dir.resolve(name));
        try {
            NpyWriter writer = new NpyWriter(file, descr, rowShape.clone());
            file.write(ByteBuffer.wrap(NpyHeader.encode(descr, writer.shape(0))));
            return writer;
        } catch (IOException | RuntimeException e) {
            file.discard();
            throw e;
        }
    }

    void putFloats(float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        file.write(bytes);
    }

    void putInt(int value) throws IOException {
        scratch.clear();
        scratch.putInt(value).flip();
        file.write(scratch);
    }

    /** Fixes the header for {@code rows} rows; the file is then committed with {@link AtomicFiles#commitAll}. */
    AtomicFiles.StagedFile finish(long rows) throws IOException {
        file.writeAt(ByteBuffer.wrap(NpyHeader.encode(descr, shape(rows))), 0);
        return file;
    }

    /** Closes and deletes the temporary file; never throws. */
    void discard() {
        file.discard();
    }

    private long[] shape(long rows) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return shape;
    }
}
