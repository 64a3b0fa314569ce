/**
 * Classifiers trained on frozen features: {@link io.byol4j.sdk.head.LogisticRegression} (linear probe),
 * {@link io.byol4j.sdk.head.KnnClassifier} (weighted kNN) and {@link io.byol4j.sdk.head.LabelPropagation}
 * (semi-supervised pseudo-labels).
 */
package io.byol4j.sdk.head;
