package io.byol4j.grpc.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Parsing and applying Triton-style version policies. */
class VersionPolicyTest {

    private static final TreeMap<Long, String> AVAILABLE = new TreeMap<>();

    static {
        for (long v : new long[] {1, 2, 5, 9}) {
            AVAILABLE.put(v, "v" + v);
        }
    }

    private static List<Long> select(String policy) {
        return List.copyOf(VersionPolicy.parse(policy).select(AVAILABLE).keySet());
    }

    @Test
    void eachFormSelectsItsVersions() {
        assertEquals(List.of(9L), select("latest"));
        assertEquals(List.of(9L), select("latest:1"));
        assertEquals(List.of(5L, 9L), select("latest:2"));
        assertEquals(List.of(1L, 2L, 5L, 9L), select("latest:10"));
        assertEquals(List.of(1L, 2L, 5L, 9L), select("ALL"));
        assertEquals(List.of(2L, 9L), select("specific: 9, 2, 3"), "listed versions that exist, ascending");
        assertEquals(List.of(), select("specific:4"));
        assertEquals("specific:2,3,9", VersionPolicy.parse("specific:9,2,3").toString());
        assertEquals(VersionPolicy.LATEST, VersionPolicy.parse("latest:1"));
    }

    @Test
    void badPoliciesAreRefusedSayingWhatIsAccepted() {
        for (String bad :
                new String[] {"", "newest", "latest:0", "latest:x", "specific:", "specific:1,,2", "specific:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionPolicy.parse(bad));
            assertTrue(e.getMessage().startsWith("invalid version policy '" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VersionPolicy.parse("newest"))
                .getMessage()
                .contains("expected latest, latest:N, all or specific:V1,V2,..."));
    }
}
