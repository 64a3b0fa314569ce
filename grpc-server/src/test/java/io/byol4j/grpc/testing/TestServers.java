package io.byol4j.grpc.testing;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.security.TlsSettings;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Servers for the security, metrics and client tests: a tiny model served by an {@link InferenceServer}. */
public final class TestServers {

    /** Name the tiny model is served under. */
    public static final String MODEL = "tiny";

    private TestServers() {}

    /** A tiny 3-channel 16x16 model with 8 features, written into {@code dir} as {@code tiny.onnx}. */
    public static Path tinyModel(Path dir) throws IOException {
        ModelContract contract = TestModels.contract(3, 16, 8);
        return Files.write(dir.resolve(MODEL + ".onnx"), TestModels.model(contract));
    }

    /** A started server on 127.0.0.1 (free port) over {@code model}, with TLS and auth when not null. */
    public static InferenceServer loopback(Path model, TlsSettings tls, ServerInterceptor auth) throws IOException {
        return loopback(model, tls, auth, ServerMetrics.create());
    }

    /** As {@link #loopback(Path, TlsSettings, ServerInterceptor)}, reporting into {@code metrics}. */
    public static InferenceServer loopback(Path model, TlsSettings tls, ServerInterceptor auth, ServerMetrics metrics)
            throws IOException {
        return InferenceServer.builder(ModelRepository.ofFile(model, null, ModelOptions.defaults(), metrics))
                .address("127.0.0.1", 0)
                .tls(tls)
                .auth(auth)
                .metrics(metrics)
                .grace(Duration.ofSeconds(5))
                .start();
    }

    /** A started server over {@code model} through a caller-made builder (e.g. in-process). */
    public static InferenceServer over(ServerBuilder<?> builder, Path model, ServerInterceptor auth)
            throws IOException {
        ServerMetrics metrics = ServerMetrics.create();
        return InferenceServer.builder(ModelRepository.ofFile(model, null, ModelOptions.defaults(), metrics))
                .serverBuilder(builder)
                .auth(auth)
                .metrics(metrics)
                .grace(Duration.ofSeconds(5))
                .start();
    }
}
