/**
 * Classifiers trained on frozen features: {@link io.byol4j.sdk.head.LogisticRegression} (linear probe),
 * {@link io.byol4j.sdk.head.KnnClassifier} (weighted or majority-vote kNN) and
 * {@link io.byol4j.sdk.head.LabelPropagation} (semi-supervised pseudo-labels), and
 * {@link io.byol4j.sdk.head.SemiSupervisedEval}, which compares them when only a few labels are known.
 */
package io.byol4j.sdk.head;
