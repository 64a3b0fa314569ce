package io.byol4j.trainer.testing;

import io.byol4j.trainer.config.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Configs small enough for unit tests: ResNet-10 of width 4 on 16×16 images, batch 8. */
public final class TinyConfigs {

    private TinyConfigs() {}

    /** A tiny config writing into {@code outputDir}, with extra overrides applied last. */
    public static TrainConfig tiny(Path outputDir, String... overrides) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("dataset", "test");
        map.put("imageSize", "16");
        map.put("encoder.architecture", "resnet10");
        map.put("encoder.width", "4");
        map.put("heads.projectorHidden", "32");
        map.put("heads.projectionDim", "16");
        map.put("heads.predictorHidden", "32");
        map.put("batchSize", "8");
        map.put("epochs", "2");
        map.put("warmupEpochs", "0.5");
        map.put("tauBase", "0.99");
        map.put("workers", "2");
        map.put("prefetchBatches", "2");
        map.put("checkpointEverySteps", "0");
        map.put("logEverySteps", "4");
        map.put("device", "cpu");
        map.put("outputDir", outputDir.toString());
        for (String o : overrides) {
            int eq = o.indexOf('=');
            map.put(o.substring(0, eq), o.substring(eq + 1));
        }
        return TrainConfig.defaults().withOverrides(map);
    }
}
