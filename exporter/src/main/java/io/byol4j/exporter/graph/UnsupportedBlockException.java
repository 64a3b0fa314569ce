package io.byol4j.exporter.graph;

/**
 * A block in the tree cannot be expressed in ONNX: no converter is registered for its class, or it
 * is configured in a way the converter does not handle. The message names the block class and its
 * path in the block tree.
 */
public final class UnsupportedBlockException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String blockClass;
    private final String path;

    /**
     * @param blockClass fully qualified class name of the offending block
     * @param path slash-separated child names from the root block to the offending block
     * @param reason why it cannot be exported
     */
    public UnsupportedBlockException(String blockClass, String path, String reason) {
        super("cannot export block " + blockClass + " at " + path + ": " + reason);
        this.blockClass = blockClass;
        this.path = path;
    }

    /** Fully qualified class name of the offending block. */
    public String blockClass() {
        return blockClass;
    }

    /** Where the block sits in the tree, e.g. {@code encoder/04ResidualBlock/01main/02Conv2d}. */
    public String path() {
        return path;
    }
}
