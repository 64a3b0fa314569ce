/**
 * byol4j's gRPC API: the protocol messages and stubs of {@code byol4j.v1.FeatureService} ({@code io.byol4j.grpc.v1})
 * and of the KServe v2 / Open Inference Protocol ({@code inference}), and the small Java client
 * ({@code io.byol4j.grpc.client}). Exports exactly these three packages. The gRPC, protobuf and Guava modules that
 * appear in their public signatures ({@code FeatureClient.over(Channel, ...)}, the stubs' {@code ListenableFuture}s
 * and messages) are required transitively. A transport (for example {@code grpc-netty-shaded}) is needed at run
 * time only and is not required here.
 */
module io.byol4j.grpc.client {
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive com.google.protobuf;
    requires transitive com.google.common;
    requires io.grpc.protobuf;
    requires io.grpc.services; // grpc.health.v1 stubs for FeatureClient.serving()

    exports io.byol4j.grpc.client;
    exports io.byol4j.grpc.v1;
    exports inference;
}
