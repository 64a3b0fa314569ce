/** The SDK inside Apache Spark: {@link io.byol4j.spark.ByolEmbedder} and {@link io.byol4j.spark.SparkEmbedJob}. */
package io.byol4j.spark;
