package io.byol4j.bench.serve;

import io.byol4j.grpc.FeatureServer;
import io.byol4j.sdk.encoder.Encoder;
import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A byol4j gRPC server on a real loopback socket, with or without dynamic batching. */
final class ServerUnderTest implements AutoCloseable {

    private final FeatureServer server;
    private final String description;

    private ServerUnderTest(FeatureServer server, String description) {
        this.server = server;
        this.description = description;
    }

    /** Starts a server; with {@code batching} false every call runs the model on its own. */
    static ServerUnderTest start(Encoder encoder, boolean batching, LoadOptions options) throws IOException {
        if (batching) {
            throw new UnsupportedOperationException("this FeatureServer has no dynamic batching");
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), InsecureServerCredentials.create());
        return new ServerUnderTest(FeatureServer.start(builder, encoder, 256), "one model run per call");
    }

    int port() {
        return server.port();
    }

    /** Images waiting in the server's batching queue, or -1 when the server does not say. */
    long queueDepth() {
        return -1;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
