package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.metrics.MetricsEndpoint;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.testing.PrometheusScrape;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.sdk.encoder.BatcherOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-call stage histograms and the decode histogram count exactly the calls and images served. */
class StageMetricsTest {

    private static final String EMBED = FeatureServiceGrpc.getEmbedMethod().getFullMethodName();
    private static final String STAGES = "byol4j_call_stage_seconds";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyServedCallRecordsEachStageOnceAndEveryDecodedImageOnce(boolean batching) throws Exception {
        ServerMetrics metrics = ServerMetrics.create();
        ModelOptions options = new ModelOptions(1, batching, BatcherOptions.defaults());
        ModelRepository models = ModelRepository.ofFile(TestServer.plainModel(dir, "m.onnx"), null, options, metrics);
        String name = InProcessServerBuilder.generateName();
        InferenceServer server = InferenceServer.builder(models)
                .serverBuilder(InProcessServerBuilder.forName(name))
                .limits(TestServer.limits(4, 1 << 20, 1 << 22, Duration.ofSeconds(5), 8))
                .metrics(metrics)
                .grace(Duration.ofSeconds(5))
                .start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, "127.0.0.1", 0)) {
            FeatureServiceGrpc.FeatureServiceBlockingStub stub = FeatureServiceGrpc.newBlockingStub(channel);
            ByteString good = ByteString.copyFrom(TestServer.png(16, 16, 1));
            ByteString corrupt = ByteString.copyFromUtf8("not an image");
            // two good calls: 2 + 1 images, one of them corrupt in the first call
            EmbedResponse first = stub.embed(EmbedRequest.newBuilder()
                    .addImages(good)
                    .addImages(corrupt)
                    .addImages(good)
                    .build());
            assertEquals(3, first.getResultsCount());
            stub.embed(EmbedRequest.newBuilder().addImages(good).build());
            // one call refused before decoding (too many images): parsed, but neither decoded nor answered
            EmbedRequest.Builder tooMany = EmbedRequest.newBuilder();
            for (int i = 0; i < 5; i++) {
                tooMany.addImages(good);
            }
            StatusRuntimeException refused =
                    assertThrows(StatusRuntimeException.class, () -> stub.embed(tooMany.build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());

            PrometheusScrape s = PrometheusScrape.get("127.0.0.1", endpoint.port());
            assertEquals(3, s.value(STAGES + "_count", "method", EMBED, "stage", "parse"), s.text());
            assertEquals(2, s.value(STAGES + "_count", "method", EMBED, "stage", "decode"));
            assertEquals(2, s.value(STAGES + "_count", "method", EMBED, "stage", "model"));
            assertEquals(2, s.value(STAGES + "_count", "method", EMBED, "stage", "respond"));
            for (String stage : new String[] {"parse", "decode", "model", "respond"}) {
                assertTrue(s.value(STAGES + "_sum", "method", EMBED, "stage", stage) > 0, stage);
            }
            // three good images decoded (the corrupt one is not an observation of a decode)
            assertEquals(3, s.value("byol4j_image_decode_seconds_count", "model", "m"));
            double decodeSum = s.value("byol4j_image_decode_seconds_sum", "model", "m");
            assertTrue(decodeSum > 0);
            assertTrue(
                    s.value(STAGES + "_sum", "method", EMBED, "stage", "decode") >= decodeSum,
                    "a call's decode stage includes each of its images' decodes");
            // the stages lie within the calls' total latency
            double total = s.value("byol4j_request_duration_seconds_sum", "model", "m", "method", EMBED);
            double inside = s.value(STAGES + "_sum", "method", EMBED, "stage", "decode")
                    + s.value(STAGES + "_sum", "method", EMBED, "stage", "model");
            assertTrue(inside <= total, inside + " > " + total);
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }
}
