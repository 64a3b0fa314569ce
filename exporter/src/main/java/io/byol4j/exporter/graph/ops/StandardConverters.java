package io.byol4j.exporter.graph.ops;

import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.byol4j.exporter.graph.ConverterRegistry;
import io.byol4j.trainer.model.GlobalAvgPoolBlock;
import io.byol4j.trainer.model.MaxPoolBlock;
import io.byol4j.trainer.model.ReluBlock;
import io.byol4j.trainer.model.ResidualBlock;

/** The converters for every block type byol4j's encoders and heads are built from. */
public final class StandardConverters {

    private StandardConverters() {}

    /**
     * A new registry covering {@link SequentialBlock}, {@link Conv2d}, {@link BatchNorm},
     * {@link Linear}, {@link ReluBlock}, {@link MaxPoolBlock}, {@link GlobalAvgPoolBlock} and
     * {@link ResidualBlock}.
     */
    public static ConverterRegistry registry() {
        return new ConverterRegistry()
                .register(SequentialBlock.class, new SequentialConverter())
                .register(Conv2d.class, new Conv2dConverter())
                .register(BatchNorm.class, new BatchNormConverter())
                .register(Linear.class, new LinearConverter())
                .register(ReluBlock.class, new ReluConverter())
                .register(MaxPoolBlock.class, new MaxPoolConverter())
                .register(GlobalAvgPoolBlock.class, new GlobalAvgPoolConverter())
                .register(ResidualBlock.class, new ResidualConverter());
    }
}
