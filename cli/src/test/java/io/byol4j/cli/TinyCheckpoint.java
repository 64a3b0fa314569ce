package io.byol4j.cli;

import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A freshly initialised BYOL checkpoint small enough for command tests: ResNet-10 of width 4 on 16×16 RGB. */
final class TinyCheckpoint {

    private TinyCheckpoint() {}

    /** Writes the checkpoint into {@code dir} and returns {@code dir}. */
    static Path create(Path dir) throws IOException {
        Map<String, String> tiny = new LinkedHashMap<>();
        tiny.put("imageSize", "16");
        tiny.put("encoder.architecture", "resnet10");
        tiny.put("encoder.width", "4");
        tiny.put("heads.projectorHidden", "32");
        tiny.put("heads.projectionDim", "16");
        tiny.put("heads.predictorHidden", "32");
        tiny.put("device", "cpu");
        tiny.put("outputDir", dir.toString());
        Checkpoints.saveInitial(TrainConfig.defaults().withOverrides(tiny), dir);
        return dir;
    }
}
