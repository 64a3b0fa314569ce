package io.byol4j.trainer.finetune;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.trainer.augment.CropConfig;
import io.byol4j.trainer.augment.ViewAugmenter;
import io.byol4j.trainer.augment.ViewConfig;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.network.ClassifierNetwork;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;

/**
 * What every trial of a run shares: the checked config, the (converted) dataset and its labels, the BYOL
 * network description, the encoder weights to start from, the device, the data threads and the two views.
 */
final class FineTuneSetup implements AutoCloseable {

    private static final int EVAL_BATCH = 256;

    private final FineTuneConfig config;
    private final TrainConfig byol;
    private final Dataset dataset;
    private final int[] labels;
    private final List<String> classNames;
    private final byte[] encoderWeights;
    private final Device device;
    private final LabeledImages images;
    private final ViewAugmenter trainView;
    private final ViewAugmenter evalView;

    FineTuneSetup(
            FineTuneConfig config,
            TrainConfig byol,
            Dataset dataset,
            int[] labels,
            List<String> classNames,
            byte[] encoderWeights,
            Device device) {
        this.config = config;
        this.byol = byol;
        this.dataset = dataset;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.encoderWeights = encoderWeights;
        this.device = device;
        float[] mean = byol.normalization().mean();
        float[] std = byol.normalization().std();
        ViewConfig train = ViewConfig.none()
                .withRandomResizedCrop(CropConfig.withScale(config.cropScaleMin(), 1.0))
                .withFlipProbability(0.5);
        this.trainView = new ViewAugmenter(train, byol.imageSize(), byol.channels(), mean, std);
        this.evalView = new ViewAugmenter(ViewConfig.none(), byol.imageSize(), byol.channels(), mean, std);
        this.images = new LabeledImages(dataset, config.workers());
    }

    FineTuneConfig config() {
        return config;
    }

    TrainConfig byol() {
        return byol;
    }

    Dataset dataset() {
        return dataset;
    }

    int[] labels() {
        return labels;
    }

    List<String> classNames() {
        return classNames;
    }

    int channels() {
        return byol.channels();
    }

    int imageSize() {
        return byol.imageSize();
    }

    LabeledImages images() {
        return images;
    }

    ViewAugmenter trainView() {
        return trainView;
    }

    /** A new network: the start weights (BYOL encoder or seeded random), a seeded fresh classifier. */
    ClassifierNetwork newNetwork() throws IOException {
        try {
            return ClassifierNetwork.create(
                    byol.encoder(),
                    byol.imageSize(),
                    classNames.size(),
                    "linear".equals(config.mode()),
                    encoderWeights == null ? null : new DataInputStream(new ByteArrayInputStream(encoderWeights)),
                    config.seed(),
                    device);
        } catch (MalformedModelException e) {
            throw new IOException(
                    "the BYOL encoder weights do not fit " + byol.encoder().displayName() + ": " + e.getMessage(), e);
        }
    }

    /** Top-1 accuracy of {@code network} on the images {@code indices} of the dataset (evaluation view). */
    double accuracy(ClassifierNetwork network, int[] indices) throws InterruptedException {
        return accuracy(network, images, indices);
    }

    /** Top-1 accuracy on {@code indices} of another dataset read through {@code source}. */
    double accuracy(ClassifierNetwork network, LabeledImages source, int[] indices) throws InterruptedException {
        long correct = 0;
        for (int from = 0; from < indices.length; from += EVAL_BATCH) {
            int count = Math.min(EVAL_BATCH, indices.length - from);
            LabeledImages.Batch b = source.evaluation(indices, from, count, evalView);
            try (NDManager m = network.manager().newSubManager()) {
                NDArray x = m.create(b.images(), new Shape(count, channels(), imageSize(), imageSize()));
                long[] predicted = network.logits(x, false)
                        .argMax(1)
                        .toType(ai.djl.ndarray.types.DataType.INT64, false)
                        .toLongArray();
                for (int i = 0; i < count; i++) {
                    if (predicted[i] == b.labels()[i]) {
                        correct++;
                    }
                }
            }
        }
        return indices.length == 0 ? Double.NaN : (double) correct / indices.length;
    }

    @Override
    public void close() {
        images.close();
    }
}
