package io.byol4j.exporter.model;

/**
 * A serialised model whose metadata holds its content digest.
 *
 * @param bytes the file content (owned by the caller; not copied)
 * @param digest the hex content digest written into {@code bytes}
 */
public record StampedModel(byte[] bytes, String digest) {}
