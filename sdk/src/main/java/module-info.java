/**
 * byol4j's SDK: open an exported model, decode images, embed them, read and write feature files and fit small heads
 * on frozen features. Exports exactly the API packages; {@code io.byol4j.sdk.internal} and its subpackages are not
 * API (they serve byol4j's own modules, which run on the class path) and are not readable from the module path.
 */
module io.byol4j.sdk {
    requires transitive java.desktop; // ImageDecoder.fromBufferedImage takes a java.awt.image.BufferedImage
    requires com.microsoft.onnxruntime;
    requires org.apache.commons.imaging;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.byol4j.sdk.classify;
    exports io.byol4j.sdk.data;
    exports io.byol4j.sdk.encoder;
    exports io.byol4j.sdk.features;
    exports io.byol4j.sdk.head;
    exports io.byol4j.sdk.image;
    exports io.byol4j.sdk.model;
}
