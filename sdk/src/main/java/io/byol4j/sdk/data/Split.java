package io.byol4j.sdk.data;

import java.util.Objects;

/** A dataset divided into disjoint training and test parts; see {@link Datasets#split}. */
public record Split(Dataset train, Dataset test) {

    /** Both parts are required. @throws NullPointerException naming the missing part */
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }
}
