package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentConfigJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void presetsSurviveAJsonRoundTrip() throws JsonProcessingException {
        for (AugmentConfig cfg : List.of(AugmentConfig.paper(), AugmentConfig.light(), AugmentConfig.none())) {
            String json = mapper.writeValueAsString(cfg);
            assertEquals(cfg, mapper.readValue(json, AugmentConfig.class), json);
        }
    }

    @Test
    void jsonUsesTheComponentNames() throws JsonProcessingException {
        JsonNode tree = mapper.readTree(mapper.writeValueAsString(AugmentConfig.paper()));
        JsonNode view2 = tree.get("view2");
        assertEquals(0.08, view2.get("randomResizedCrop").get("scaleMin").asDouble());
        assertTrue(view2.get("randomResizedCrop").get("enabled").asBoolean());
        assertEquals(0.5, view2.get("flipProbability").asDouble());
        assertEquals(0.4, view2.get("colorJitter").get("brightness").asDouble());
        assertEquals(0.2, view2.get("grayscaleProbability").asDouble());
        assertEquals(0.1, view2.get("blur").get("probability").asDouble());
        assertEquals(0.5, view2.get("solarize").get("threshold").asDouble());
        assertEquals(0.0, view2.get("rotation").get("probability").asDouble());
        assertEquals(7, view2.size(), "no extra properties: " + view2);
        assertEquals(4, view2.get("blur").size(), "no extra properties: " + view2.get("blur"));
    }

    @Test
    void handWrittenJsonIsReadAndValidated() throws JsonProcessingException {
        String view = """
                {"randomResizedCrop": {"enabled": true, "scaleMin": 0.3, "scaleMax": 1.0,
                                       "ratioMin": 0.75, "ratioMax": 1.3333333333333333},
                 "flipProbability": 0.5,
                 "colorJitter": {"probability": 0.8, "brightness": 0.4, "contrast": 0.4,
                                 "saturation": 0.2, "hue": 0.1},
                 "grayscaleProbability": 0.2,
                 "blur": {"probability": 0.5, "sigmaMin": 0.1, "sigmaMax": 2.0, "kernelFraction": 0.1},
                 "solarize": {"probability": 0.0, "threshold": 0.5}}""";
        ViewConfig parsed = mapper.readValue(view, ViewConfig.class);
        assertEquals(ViewConfig.paper(0.5, 0.0).withRandomResizedCrop(CropConfig.withScale(0.3, 1.0)), parsed);

        String badFlip = view.replace("\"flipProbability\": 0.5", "\"flipProbability\": 1.5");
        Exception e = assertThrows(JsonProcessingException.class, () -> mapper.readValue(badFlip, ViewConfig.class));
        assertTrue(e.getMessage().contains("flipProbability must be a probability in [0, 1], got 1.5"), e.getMessage());

        String noBlur = view.replaceAll("\"blur\": \\{[^}]*},", "");
        Exception missing =
                assertThrows(JsonProcessingException.class, () -> mapper.readValue(noBlur, ViewConfig.class));
        assertTrue(missing.getMessage().contains("blur is missing"), missing.getMessage());
    }

    @Test
    void constructorsRejectInconsistentRanges() {
        assertThrows(IllegalArgumentException.class, () -> new CropConfig(true, 0.5, 0.2, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new CropConfig(true, 0.0, 1.0, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new CropConfig(true, 0.1, 1.5, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new CropConfig(true, 0.1, 1.0, 2.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitterConfig(0.8, -0.1, 0.4, 0.2, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitterConfig(0.8, 0.4, 0.4, 0.2, 0.6));
        assertThrows(IllegalArgumentException.class, () -> new BlurConfig(1.0, 2.0, 0.1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new BlurConfig(1.0, 0.1, 2.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new SolarizeConfig(0.2, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new SolarizeConfig(Double.NaN, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new AugmentConfig(ViewConfig.none(), null));
    }
}
