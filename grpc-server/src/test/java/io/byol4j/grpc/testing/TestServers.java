package io.byol4j.grpc.testing;

import io.byol4j.grpc.FeatureServer;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Servers for tests: a tiny model, and a FeatureServer on a real loopback socket. */
public final class TestServers {

    private TestServers() {}

    /** An encoder of a tiny 3-channel 16x16 model with 8 features, written into {@code dir}. */
    public static Encoder tinyEncoder(Path dir) throws Exception {
        ModelContract contract = TestModels.contract(3, 16, 8);
        Path model = dir.resolve("tiny.onnx");
        Files.write(model, TestModels.model(contract));
        return Encoder.open(model);
    }

    /** A FeatureServer on 127.0.0.1 (free port) with these credentials and interceptors. */
    public static FeatureServer loopback(Encoder encoder, ServerCredentials credentials,
            ServerInterceptor... interceptors) throws Exception {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials);
        for (ServerInterceptor i : interceptors) {
            builder.intercept(i);
        }
        return FeatureServer.start(builder, encoder, 16);
    }
}
