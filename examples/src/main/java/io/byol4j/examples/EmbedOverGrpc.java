package io.byol4j.examples;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sends every file of a folder to a running {@code byol4j serve} and prints the shape of the features.
 *
 * <p>Usage: {@code EmbedOverGrpc HOST:PORT IMAGE_FOLDER} (plaintext, as {@code byol4j serve} listens by default).
 */
public final class EmbedOverGrpc {

    private EmbedOverGrpc() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: EmbedOverGrpc HOST:PORT IMAGE_FOLDER");
            System.exit(2);
        }
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            EmbedRequest.Builder request = EmbedRequest.newBuilder();
            for (Path image : files.filter(Files::isRegularFile).sorted().toList()) {
                request.addImages(ByteString.copyFrom(Files.readAllBytes(image)));
            }
            EmbedResponse response = FeatureServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .embed(request.build());
            List<Integer> dims = response.getResultsList().stream()
                    .filter(r -> r.getError().isEmpty())
                    .map(r -> r.getFeaturesCount())
                    .distinct()
                    .toList();
            System.out.println("features: " + response.getResultsCount() + " results, dimensions " + dims);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
