package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.byol4j.grpc.v1.ModelInfo;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.model.ModelContract;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byol4j FeatureService over the serving core (in-process). */
class FeatureServiceTest {

    @TempDir
    Path tmp;

    private Path model;
    private TestServer server;
    private FeatureServiceGrpc.FeatureServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        model = TestServer.plainModel(tmp, "shapes-v2.onnx");
        server = TestServer.start(
                TestServer.repository(model, TestServer.batching(8, 64)),
                TestServer.limits(4, 1_000_000, 4_000_000, Duration.ofSeconds(5), 8));
        stub = FeatureServiceGrpc.newBlockingStub(server.channel);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void embedReturnsTheSdkFeaturesAndMarksBadImagesAlone() throws Exception {
        byte[] png = TestServer.png(20, 18, 3);
        EmbedResponse response = stub.embed(EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(png))
                .addImages(ByteString.copyFromUtf8("not an image"))
                .build());
        assertEquals(2, response.getResultsCount());
        assertEquals("shapes-v2", response.getModel(), "named after the file without .onnx");
        assertEquals("1", response.getModelVersion());
        try (Encoder encoder = Encoder.open(model)) {
            float[] expected = encoder.embed(new ImageDecoder().decode(png, 3));
            float[] got = new float[response.getResults(0).getFeaturesCount()];
            for (int i = 0; i < got.length; i++) {
                got[i] = response.getResults(0).getFeatures(i);
            }
            assertArrayEquals(expected, got, 1e-5f);
        }
        assertTrue(response.getResults(0).getError().isEmpty());
        assertEquals(0, response.getResults(1).getFeaturesCount());
        assertTrue(
                response.getResults(1).getError().startsWith("UNKNOWN_FORMAT"),
                response.getResults(1).getError());
    }

    @Test
    void normalizeGivesUnitVectors() {
        EmbedResponse response = stub.embed(EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(TestServer.png(16, 16, 4)))
                .setNormalize(true)
                .build());
        double norm = 0;
        for (float v : response.getResults(0).getFeaturesList()) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-5);
    }

    @Test
    void refusesEmptyAndOversizedRequestsAndUnknownModels() {
        StatusRuntimeException empty =
                assertThrows(StatusRuntimeException.class, () -> stub.embed(EmbedRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        EmbedRequest.Builder big = EmbedRequest.newBuilder();
        for (int i = 0; i < 5; i++) {
            big.addImages(ByteString.copyFromUtf8("x"));
        }
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> stub.embed(big.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
        assertTrue(
                tooMany.getStatus().getDescription().startsWith(Limits.MAX_IMAGES_PER_REQUEST + ": "),
                tooMany.getStatus().getDescription());
        assertTrue(tooMany.getStatus().getDescription().contains("the limit is 4"));
        StatusRuntimeException unknown = assertThrows(
                StatusRuntimeException.class,
                () -> stub.embed(EmbedRequest.newBuilder()
                        .setModel("nope")
                        .addImages(ByteString.copyFromUtf8("x"))
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().contains("'nope'"));
        assertTrue(unknown.getStatus().getDescription().contains("shapes-v2"), "lists the served models");
    }

    @Test
    void modelInfoDescribesTheModel() {
        ModelInfo info = stub.getModelInfo(GetModelInfoRequest.getDefaultInstance());
        assertEquals(8, info.getEmbeddingDim());
        assertEquals("16", info.getMetadataOrThrow(ModelContract.KEY_HEIGHT));
        assertEquals("shapes-v2", info.getName());
        assertEquals("1", info.getVersion());
        assertEquals("cpu", info.getDevice(), "the device the version actually runs on");
        assertFalse(info.getMetadataOrThrow(ModelContract.KEY_DIGEST).isEmpty());
    }
}
