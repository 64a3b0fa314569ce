package io.byol4j.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void secondsMinutesAndHours() {
        assertEquals("4.2 s", Durations.seconds(4.2));
        assertEquals("1 min 00 s", Durations.seconds(59.97), "no '60.0 s'");
        assertEquals("2 min 05 s", Durations.seconds(125));
        assertEquals("1 h 01 min 05 s", Durations.seconds(3665));
        assertEquals("2 min 08 s", Durations.format(Duration.ofMillis(128_400)));
    }

    @Test
    void unknownDurationsAreAQuestionMark() {
        assertEquals("?", Durations.seconds(Double.NaN));
        assertEquals("?", Durations.seconds(Double.POSITIVE_INFINITY));
        assertEquals("?", Durations.seconds(-1));
    }
}
