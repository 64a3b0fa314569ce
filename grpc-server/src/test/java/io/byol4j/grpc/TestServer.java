package io.byol4j.grpc;

import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.sdk.encoder.BatcherOptions;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import javax.imageio.ImageIO;

/** An in-process server over test models, and the images and options tests send it. */
final class TestServer implements AutoCloseable {

    static final ModelContract CONTRACT = TestModels.contract(3, 16, 8);

    final InferenceServer server;
    final ManagedChannel channel;
    final ServerMetrics metrics;

    private TestServer(InferenceServer server, ManagedChannel channel, ServerMetrics metrics) {
        this.server = server;
        this.channel = channel;
        this.metrics = metrics;
    }

    /** Starts (listens and loads) a server over {@code models}. */
    static TestServer start(ModelRepository models, Limits limits) throws IOException {
        TestServer s = listen(models, limits);
        s.server.loadModels();
        return s;
    }

    /** Listens without loading the models. */
    static TestServer listen(ModelRepository models, Limits limits) throws IOException {
        String name = InProcessServerBuilder.generateName();
        ServerMetrics metrics = ServerMetrics.create();
        // A grace period far longer than any test needs: on a loaded machine calls in flight must never be
        // cancelled by the drain before they finish.
        InferenceServer server = InferenceServer.builder(models)
                .serverBuilder(InProcessServerBuilder.forName(name))
                .limits(limits)
                .metrics(metrics)
                .grace(Duration.ofSeconds(60))
                .listen();
        return new TestServer(server, InProcessChannelBuilder.forName(name).build(), metrics);
    }

    /** Calls the server has finished (answered) with status {@code outcome}, e.g. {@code DEADLINE_EXCEEDED}. */
    long finished(String outcome) {
        double sum = 0;
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (m instanceof CounterSnapshot c && c.getMetadata().getName().startsWith("byol4j_requests")) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    if (outcome.equals(p.getLabels().get("outcome"))) {
                        sum += p.getValue();
                    }
                }
            }
        }
        return (long) sum;
    }

    /** A file with a model with a fused head ({@code embedding} and {@code probabilities} outputs). */
    static Path headModel(Path dir, String file) throws IOException {
        return Files.write(dir.resolve(file), TestModels.headModel(CONTRACT));
    }

    /** A plain encoder model file (one output). */
    static Path plainModel(Path dir, String file) throws IOException {
        return Files.write(dir.resolve(file), TestModels.model(CONTRACT));
    }

    static ModelOptions batching(int maxBatch, int queueCapacity) {
        return new ModelOptions(
                1,
                true,
                BatcherOptions.builder()
                        .maxBatchSize(maxBatch)
                        .maxQueueDelay(Duration.ofMillis(2))
                        .queueCapacity(queueCapacity)
                        .build());
    }

    static ModelRepository repository(Path file, ModelOptions options) {
        return ModelRepository.ofFile(file, null, options, ServerMetrics.create());
    }

    static Limits limits(int maxImages, long maxPixelsPerImage, long maxPixelsInFlight, Duration wait, int maxCalls) {
        return new Limits(8 * 1024 * 1024, maxImages, maxPixelsPerImage, maxPixelsInFlight, wait, maxCalls);
    }

    /** A PNG of random pixels. */
    static byte[] png(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return encode(img, "png");
    }

    /** A PNG of one colour (small file, many pixels). */
    static byte[] flatPng(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        return encode(img, "png");
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.close();
    }
}
