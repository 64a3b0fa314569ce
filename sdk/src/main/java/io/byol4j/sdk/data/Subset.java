package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecodeException;
import java.util.List;
import java.util.Objects;

/**
 * A view of some samples of another dataset, selected and ordered by an index array. Sample {@code i}
 * of the subset is sample {@code indices[i]} of the base; labels, class names and channels are the
 * base's. Thread-safe when the base is.
 */
public final class Subset implements Dataset {

    private final Dataset base;
    private final int[] indices;

    /**
     * @param indices indices into {@code base}, each in {@code [0, base.size())}; repeats are allowed;
     *     the array is copied
     * @throws IndexOutOfBoundsException naming the first index outside the base
     */
    public Subset(Dataset base, int[] indices) {
        this.base = Objects.requireNonNull(base, "base");
        this.indices = Objects.requireNonNull(indices, "indices").clone();
        int n = base.size();
        for (int i = 0; i < this.indices.length; i++) {
            if (this.indices[i] < 0 || this.indices[i] >= n) {
                throw new IndexOutOfBoundsException("subset index " + i + " is " + this.indices[i]
                        + ", outside the base dataset of " + n + " samples");
            }
        }
    }

    /** The dataset this view selects from. */
    public Dataset base() {
        return base;
    }

    /** The base index of every sample of this subset (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** The base index of sample {@code index}. */
    public int baseIndex(int index) {
        return indices[Objects.checkIndex(index, indices.length)];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Sample get(int index) throws ImageDecodeException {
        return base.get(baseIndex(index));
    }

    @Override
    public int label(int index) {
        return base.label(baseIndex(index));
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }

    @Override
    public int channels() {
        return base.channels();
    }

    @Override
    public String describe() {
        return indices.length + " of " + base.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
