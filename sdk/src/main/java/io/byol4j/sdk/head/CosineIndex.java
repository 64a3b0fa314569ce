package io.byol4j.sdk.head;

import io.byol4j.sdk.internal.Vectors;

/**
 * L2-normalised copies of a set of vectors, stored contiguously, with exact top-k search by cosine
 * similarity. Immutable and thread-safe.
 */
final class CosineIndex {

    private final float[] bank;
    private final int size;
    private final int dim;

    private CosineIndex(float[] bank, int size, int dim) {
        this.bank = bank;
        this.size = size;
        this.dim = dim;
    }

    /** Normalises and stores {@code rows} (which must be a checked, rectangular matrix). */
    static CosineIndex of(float[][] rows) {
        int dim = rows[0].length;
        float[] bank = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            float[] unit = Vectors.normalizedL2(rows[i]);
            System.arraycopy(unit, 0, bank, i * dim, dim);
        }
        return new CosineIndex(bank, rows.length, dim);
    }

    /** Wraps an already-normalised contiguous bank (as read from a file). */
    static CosineIndex ofNormalized(float[] bank, int size, int dim) {
        return new CosineIndex(bank, size, dim);
    }

    int size() {
        return size;
    }

    int dim() {
        return dim;
    }

    /** Row {@code i} of the normalised bank, as a copy. */
    float[] row(int i) {
        float[] out = new float[dim];
        System.arraycopy(bank, i * dim, out, 0, dim);
        return out;
    }

    /** The contiguous normalised bank (not copied; do not modify). */
    float[] bank() {
        return bank;
    }

    /**
     * Finds the {@code k} rows most similar to the unit vector {@code query}, skipping row
     * {@code exclude} (-1 for none); among equally similar rows the lower index is preferred. Fills
     * {@code indices} and {@code similarities} (length >= k) in no particular order and returns how many
     * were found ({@code min(k, candidates)}).
     */
    int nearest(float[] query, int k, int exclude, int[] indices, float[] similarities) {
        int found = 0;
        int weakest = -1;
        for (int i = 0; i < size; i++) {
            if (i == exclude) {
                continue;
            }
            float sim = dot(query, i * dim);
            if (found < k) {
                indices[found] = i;
                similarities[found] = sim;
                found++;
                if (found == k) {
                    weakest = weakest(indices, similarities, k);
                }
            } else if (sim > similarities[weakest]) {
                indices[weakest] = i;
                similarities[weakest] = sim;
                weakest = weakest(indices, similarities, k);
            }
        }
        return found;
    }

    /** The slot to give up next: the least similar row, and of equally similar rows the one found last. */
    private static int weakest(int[] indices, float[] similarities, int k) {
        int w = 0;
        for (int j = 1; j < k; j++) {
            if (similarities[j] < similarities[w] || (similarities[j] == similarities[w] && indices[j] > indices[w])) {
                w = j;
            }
        }
        return w;
    }

    private float dot(float[] q, int offset) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int j = 0;
        for (int end = dim - 3; j < end; j += 4) {
            s0 += q[j] * bank[offset + j];
            s1 += q[j + 1] * bank[offset + j + 1];
            s2 += q[j + 2] * bank[offset + j + 2];
            s3 += q[j + 3] * bank[offset + j + 3];
        }
        for (; j < dim; j++) {
            s0 += q[j] * bank[offset + j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
