package io.byol4j.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.internal.DeviceRequest.Kind;
import org.junit.jupiter.api.Test;

class DeviceRequestTest {

    @Test
    void everyWordOfTheVocabularyParsesToItsCanonicalForm() {
        assertEquals(new DeviceRequest(Kind.AUTO, DeviceRequest.ALL_GPUS), DeviceRequest.parse("auto"));
        assertEquals(new DeviceRequest(Kind.CPU, DeviceRequest.ALL_GPUS), DeviceRequest.parse(" CPU "));
        assertEquals(new DeviceRequest(Kind.GPU, DeviceRequest.ALL_GPUS), DeviceRequest.parse("gpu"));
        assertEquals(new DeviceRequest(Kind.GPU, DeviceRequest.ALL_GPUS), DeviceRequest.parse("Cuda"));
        assertEquals(new DeviceRequest(Kind.GPU, 3), DeviceRequest.parse("gpu:3"));
        assertEquals(new DeviceRequest(Kind.GPU, 0), DeviceRequest.parse("cuda:0"));
        for (String word : new String[] {"auto", "cpu", "gpu", "gpu:12"}) {
            assertEquals(word, DeviceRequest.parse(word).toString());
        }
        assertEquals("gpu:1", DeviceRequest.parse("CUDA:1").toString());
        assertTrue(DeviceRequest.parse("cuda:2").gpuOnly());
    }

    @Test
    void anythingElseIsRefusedNamingTheValueAndTheWords() {
        for (String bad : new String[] {"tpu", "", "gpu:", "gpu:-1", "gpu:x", "cpu:0", "auto:1", "gpu:1:2", "mps"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRequest.parse(bad));
            assertTrue(
                    e.getMessage().contains("'" + bad + "'") && e.getMessage().contains(DeviceRequest.VOCABULARY),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceRequest.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new DeviceRequest(Kind.CPU, 0));
    }
}
