package io.byol4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.trainer.augment.AugmentConfig;
import io.byol4j.trainer.augment.ViewConfig;
import io.byol4j.trainer.model.EncoderSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {

    @TempDir
    Path tmp;

    @Test
    void jsonRoundTripKeepsEveryValue() throws IOException {
        TrainConfig cfg = TrainConfig.preset("imagenet");
        assertEquals(cfg, TrainConfig.parse(cfg.toJson()));
        Path file = tmp.resolve("cfg.json");
        Files.writeString(file, cfg.toJson());
        assertEquals(cfg, TrainConfig.fromJson(file));
        assertEquals(cfg.sha256(), TrainConfig.fromJson(file).sha256());
    }

    @Test
    void partialFilesTakeDefaultsForMissingKeys() throws IOException {
        Path file = tmp.resolve("partial.json");
        Files.writeString(file, "{ \"epochs\": 3, \"optimizer\": { \"baseLr\": 0.5 } }");
        TrainConfig cfg = TrainConfig.fromJson(file);
        assertEquals(3, cfg.epochs());
        assertEquals(0.5, cfg.optimizer().baseLr());
        assertEquals(TrainConfig.defaults().optimizer().type(), cfg.optimizer().type());
        assertEquals(TrainConfig.defaults().augment(), cfg.augment());
    }

    @Test
    void overridesUseDottedKeysAndParseByType() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("optimizer.baseLr", "0.2");
        o.put("epochs", "5");
        o.put("optimizer.excludeBiasAndNorm", "false");
        o.put("optimizer.type", "SGD");
        o.put("normalization.mean", "0.1, 0.2, 0.3");
        o.put("augment.view2.solarize.probability", "0.5");
        TrainConfig cfg = TrainConfig.defaults().withOverrides(o);
        assertEquals(0.2, cfg.optimizer().baseLr());
        assertEquals(5, cfg.epochs());
        assertEquals("sgd", cfg.optimizer().type());
        assertEquals(false, cfg.optimizer().excludeBiasAndNorm());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, cfg.normalization().mean());
        assertEquals(0.5, cfg.augment().view2().solarize().probability());
        assertEquals(
                List.of(
                        "epochs",
                        "optimizer.type",
                        "optimizer.baseLr",
                        "optimizer.excludeBiasAndNorm",
                        "augment.view2.solarize.probability",
                        "normalization.mean"),
                cfg.differences(TrainConfig.defaults()));
    }

    @Test
    void overridingChannelsFollowsThroughToEncoderAndNormalisation() {
        TrainConfig gray = TrainConfig.defaults().withOverrides(Map.of("channels", "1"));
        assertEquals(1, gray.encoder().inputChannels());
        assertArrayEquals(new float[] {0.5f}, gray.normalization().mean());
    }

    @Test
    void errorsNameTheKey() {
        TrainConfig d = TrainConfig.defaults();
        assertMessage(
                () -> d.withOverrides(Map.of("optimiser.baseLr", "1")), "unknown config key 'optimiser'", "optimizer");
        assertMessage(
                () -> d.withOverrides(Map.of("optimizer.lr", "1")), "unknown config key 'optimizer.lr'", "baseLr");
        assertMessage(() -> d.withOverrides(Map.of("epochs", "many")), "'epochs' expects an integer");
        assertMessage(() -> d.withOverrides(Map.of("optimizer", "lars")), "'optimizer' is a section");
        assertMessage(() -> d.withOverrides(Map.of("batchSize", "1")), "batchSize must be at least 2");
        assertMessage(() -> d.withOverrides(Map.of("optimizer.type", "adam")), "optimizer.type must be one of");
        assertMessage(() -> d.withOverrides(Map.of("optimizer.baseLr", "-1")), "optimizer.baseLr must be a positive");
        assertMessage(
                () -> d.withOverrides(Map.of("encoder.inputChannels", "1")),
                "encoder.inputChannels (1) must equal channels (3)");
        assertMessage(() -> d.withOverrides(Map.of("device", "tpu")), "unknown device 'tpu'");
        assertMessage(() -> d.withOverrides(Map.of("encoder.architecture", "vgg")), "unknown encoder architecture");
        assertMessage(() -> d.withOverrides(Map.of("optimizer.excludeBiasAndNorm", "yes")), "expects true or false");
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        assertMessage(() -> TrainConfig.fromJson(tmp.resolve("missing.json")), "config file not found");
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{ \"epochs\": 3,, }");
        assertMessage(() -> TrainConfig.fromJson(bad), "is not valid JSON", "line 1");
        Path unknown = Files.writeString(tmp.resolve("unknown.json"), "{ \"optimizer\": { \"lr\": 3 } }");
        assertMessage(() -> TrainConfig.fromJson(unknown), "unknown config key 'optimizer.lr'", "unknown.json");
        Path wrongType = Files.writeString(tmp.resolve("type.json"), "{ \"epochs\": \"3\" }");
        assertMessage(() -> TrainConfig.fromJson(wrongType), "epochs");
        Path fraction = Files.writeString(tmp.resolve("fraction.json"), "{ \"batchSize\": 2.5 }");
        assertMessage(() -> TrainConfig.fromJson(fraction), "batchSize");
        Path invalid = Files.writeString(tmp.resolve("invalid.json"), "{ \"tauBase\": 2 }");
        assertMessage(() -> TrainConfig.fromJson(invalid), "tauBase must be in [0, 1]", "invalid.json");
    }

    @Test
    void presetsLoadAndFollowTheirRecipes() {
        for (String name : TrainConfig.PRESETS) {
            TrainConfig cfg = TrainConfig.preset(name);
            assertEquals(cfg, TrainConfig.parse(cfg.toJson()), name);
            assertTrue(cfg.recipe().length() > 80, name + " cites no recipe: '" + cfg.recipe() + "'");
        }
        // BYOL reference code, 300-epoch setting: LR 0.3, weight decay 1e-6, tau 0.99
        TrainConfig imagenet = TrainConfig.preset("imagenet");
        assertEquals(new EncoderSpec("resnet50", 64, false, 3), imagenet.encoder());
        assertEquals(224, imagenet.imageSize());
        assertEquals(4096, imagenet.batchSize());
        assertEquals(300, imagenet.epochs());
        assertEquals(10, imagenet.warmupEpochs());
        assertEquals(0.99, imagenet.tauBase());
        assertEquals(new OptimizerConfig("lars", 0.3, 1e-6, 0.9, 1e-3, true, false, 0.999, 1e-8), imagenet.optimizer());
        assertEquals(0.3 * 4096 / 256, imagenet.peakLr(), 1e-12);
        assertEquals(new HeadsConfig(4096, 256, 4096), imagenet.heads());
        assertEquals(AugmentConfig.paper(), imagenet.augment());
        assertTrue(imagenet.recipe().contains("300-epoch"), imagenet.recipe());

        // solo-learn's CIFAR BYOL recipe
        TrainConfig cifar = TrainConfig.preset("cifar10");
        assertEquals(new EncoderSpec("resnet18", 64, true, 3), cifar.encoder());
        assertEquals(new HeadsConfig(4096, 256, 4096), cifar.heads());
        assertEquals(256, cifar.batchSize());
        assertEquals(1000, cifar.epochs());
        assertEquals(10, cifar.warmupEpochs());
        assertEquals(0.99, cifar.tauBase());
        assertEquals(new OptimizerConfig("lars", 1.0, 1e-5, 0.9, 0.02, true, true, 0.999, 1e-8), cifar.optimizer());
        assertEquals(1.0, cifar.peakLr(), 1e-12);
        ViewConfig view1 = cifar.augment().view1();
        ViewConfig view2 = cifar.augment().view2();
        assertEquals(0.08, view1.randomResizedCrop().scaleMin());
        assertEquals(0.08, view2.randomResizedCrop().scaleMin());
        assertEquals(0.0, view1.blur().probability());
        assertEquals(0.0, view2.blur().probability());
        assertEquals(0.0, view1.solarize().probability());
        assertEquals(0.2, view2.solarize().probability());
        assertEquals(ViewConfig.paper(0.0, 0.0), view1);
        assertEquals(ViewConfig.paper(0.0, 0.2), view2);
        assertTrue(cifar.recipe().contains("solo-learn"), cifar.recipe());

        // short schedules: the base tau of the reference code's short settings
        assertEquals(0.97, TrainConfig.preset("cpu-small").tauBase());
        assertEquals(0.99, TrainConfig.defaults().tauBase());

        TrainConfig tiny = TrainConfig.preset("cpu-tiny");
        assertEquals(32, tiny.imageSize());
        assertEquals("synthetic", tiny.dataset());

        assertMessage(() -> TrainConfig.preset("huge"), "unknown preset 'huge'", "cpu-tiny", "imagenet");
    }

    @Test
    void recipeIsDocumentationThatMayChangeOnResume() {
        TrainConfig a = TrainConfig.defaults();
        TrainConfig b = a.withOverrides(Map.of("recipe", "my notes"));
        assertEquals("my notes", b.recipe());
        assertEquals(List.of("recipe"), b.differences(a));
        assertEquals("", TrainConfig.parse("{}").recipe());
    }

    @Test
    void shaIsStableAndSensitive() {
        TrainConfig a = TrainConfig.defaults();
        assertEquals(a.sha256(), TrainConfig.parse(a.toJson()).sha256());
        assertEquals(64, a.sha256().length());
        assertNotEquals(a.sha256(), a.withOverrides(Map.of("seed", "43")).sha256());
        assertTrue(a.canonicalJson().startsWith("{\"augment\""), a.canonicalJson());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }
}
