package io.byol4j.cli;

import io.byol4j.grpc.FeatureServer;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code byol4j serve}: serves an exported model over gRPC until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve an exported encoder over gRPC (FeatureService, health, reflection).")
final class ServeCommand implements Callable<Integer> {

    /** Configuration of one serve run. */
    record ServeConfig(String model, int port, int threads, int maxImagesPerRequest) {}

    static final ServeConfig DEFAULTS = new ServeConfig(null, 50051, 0, FeatureServer.DEFAULT_MAX_IMAGES_PER_REQUEST);

    @Option(names = "--config", description = "JSON file with the serve configuration.")
    Path configFile;

    @Option(names = "--model", description = "The exported .onnx model.")
    String model;

    @Option(names = "--port", description = "TCP port (default 50051; 0 picks a free one).")
    Integer port;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (0 = runtime default).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("model", model);
        flags.put("port", port);
        flags.put("threads", threads);
        ServeConfig cfg = CommandConfigs.resolve(ServeConfig.class, DEFAULTS, configFile, flags);
        if (cfg.model() == null) {
            throw new CliException("--model is required");
        }
        CommandConfigs.print(System.out, "serve", cfg);
        EncoderOptions options = EncoderOptions.builder().intraOpThreads(cfg.threads()).build();
        try (Encoder encoder = Encoder.open(Path.of(cfg.model()), options)) {
            FeatureServer server = FeatureServer.start(encoder, cfg.port(), cfg.maxImagesPerRequest());
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                System.out.println("byol4j serve: shutting down");
                try {
                    server.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopped.countDown();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("byol4j serve: listening on port " + server.port() + " with " + encoder);
            server.awaitTermination();
            stopped.await();
        }
        return 0;
    }
}
