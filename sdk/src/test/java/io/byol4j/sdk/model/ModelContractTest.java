package io.byol4j.sdk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelContractTest {

    private static final ModelContract CONTRACT = new ModelContract(
            "input",
            "embedding",
            3,
            24,
            32,
            40,
            new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f},
            128,
            "resnet18-w16-cifar-c3");

    @Test
    void metadataRoundTripsIncludingTheResizeAndCropPolicy() {
        Map<String, String> meta = CONTRACT.toMetadata();

        assertEquals("40", meta.get(ModelContract.KEY_RESIZE));
        assertEquals(ModelContract.CROP_CENTER, meta.get(ModelContract.KEY_CROP));
        assertEquals("NCHW", meta.get(ModelContract.KEY_LAYOUT));
        assertEquals("0.485,0.456,0.406", meta.get(ModelContract.KEY_MEAN));
        ModelContract read = ModelContract.fromMetadata(meta);
        assertEquals(CONTRACT, read);
        assertEquals(40, read.resizeShorter());
    }

    @Test
    void anUnknownOrMissingCropPolicyIsRejected() {
        Map<String, String> meta = new LinkedHashMap<>(CONTRACT.toMetadata());
        meta.put(ModelContract.KEY_CROP, "random");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelContract.fromMetadata(meta));
        assertTrue(e.getMessage().contains("crop policy random"), e.getMessage());

        meta.remove(ModelContract.KEY_CROP);
        e = assertThrows(IllegalArgumentException.class, () -> ModelContract.fromMetadata(meta));
        assertTrue(e.getMessage().contains(ModelContract.KEY_CROP), e.getMessage());
    }

    @Test
    void aResizeSmallerThanTheCropIsRejected() {
        Map<String, String> meta = new LinkedHashMap<>(CONTRACT.toMetadata());
        meta.put(ModelContract.KEY_RESIZE, "20");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelContract.fromMetadata(meta));
        assertTrue(e.getMessage().contains("resize_shorter 20"), e.getMessage());
    }
}
