package io.byol4j.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelDigestTest {

    private static final ModelContract CONTRACT = TestModels.contract(3, 8, 4);

    private static byte[] unsealed() {
        return TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, CONTRACT.toMetadata());
    }

    @Test
    void sealWritesTheHashOfThePlaceholderFileAndChangesNothingElse() {
        byte[] unsealed = unsealed();
        byte[] copy = unsealed.clone();

        byte[] sealed = ModelDigest.seal(unsealed);

        assertArrayEquals(copy, unsealed, "the input must not be modified");
        assertEquals(ModelContract.DIGEST_PLACEHOLDER, ModelDigest.declared(unsealed));
        String digest = ModelDigest.declared(sealed);
        assertEquals(ModelDigest.sha256Hex(unsealed), digest);
        assertTrue(ModelDigest.isWellFormed(digest));
        assertEquals(digest, ModelDigest.compute(sealed));
        assertEquals(unsealed.length, sealed.length);
        int at = ModelDigest.locate(sealed);
        for (int i = 0; i < sealed.length; i++) {
            if (i < at || i >= at + ModelDigest.HEX_LENGTH) {
                assertEquals(unsealed[i], sealed[i], "byte " + i + " outside the digest changed");
            }
        }
    }

    @Test
    void anyChangedWeightChangesTheDigest() {
        byte[] sealed = ModelDigest.seal(unsealed());
        byte[] tampered = sealed.clone();
        tampered[TestModels.firstWeightOffset(tampered) + 2] ^= 0x04;

        assertEquals(ModelDigest.declared(sealed), ModelDigest.declared(tampered));
        assertNotEquals(ModelDigest.declared(tampered), ModelDigest.compute(tampered));
    }

    @Test
    void theDigestDoesNotDependOnTheDeclaredValue() {
        byte[] sealed = ModelDigest.seal(unsealed());
        byte[] forged = sealed.clone();
        int at = ModelDigest.locate(forged);
        System.arraycopy("f".repeat(64).getBytes(StandardCharsets.US_ASCII), 0, forged, at, 64);

        assertEquals(ModelDigest.compute(sealed), ModelDigest.compute(forged));
        assertEquals("f".repeat(64), ModelDigest.declared(forged));
    }

    @Test
    void sealingTwiceIsRefused() {
        byte[] sealed = ModelDigest.seal(unsealed());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelDigest.seal(sealed));
        assertTrue(e.getMessage().contains("placeholder"), e.getMessage());
    }

    @Test
    void aModelWithoutDigestEntryIsRejected() {
        Map<String, String> noByol4j = Map.of("author", "someone");
        byte[] plain = TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, noByol4j);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelDigest.compute(plain));
        assertTrue(e.getMessage().contains("no " + ModelContract.KEY_DIGEST), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelDigest.seal(plain));
        assertThrows(IllegalArgumentException.class, () -> ModelDigest.declared(new byte[10]));
    }

    @Test
    void aSecondDigestEntryMakesThePositionAmbiguous() {
        Map<String, String> meta = new LinkedHashMap<>(CONTRACT.toMetadata());
        // A metadata value that embeds the serialised digest entry a second time.
        meta.put("byol4j.note", "\n\u0014" + ModelContract.KEY_DIGEST + "\u0012@" + ModelContract.DIGEST_PLACEHOLDER);
        byte[] twice = TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, meta);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelDigest.seal(twice));
        assertTrue(e.getMessage().contains("more than once"), e.getMessage());
    }

    @Test
    void wellFormedMeansSixtyFourHexDigits() {
        assertTrue(ModelDigest.isWellFormed("0123456789abcdefABCDEF" + "0".repeat(42)));
        assertFalse(ModelDigest.isWellFormed("0".repeat(63)));
        assertFalse(ModelDigest.isWellFormed("g".repeat(64)));
        assertFalse(ModelDigest.isWellFormed(null));
    }
}
