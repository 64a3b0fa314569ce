package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.byol4j.grpc.v1.ModelInfo;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureServerTest {

    @TempDir
    Path tmp;

    private Encoder encoder;
    private FeatureServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        ModelContract contract = TestModels.contract(3, 16, 8);
        Path model = tmp.resolve("model.onnx");
        Files.write(model, TestModels.model(contract));
        encoder = Encoder.open(model);
        String name = InProcessServerBuilder.generateName();
        server = FeatureServer.start(InProcessServerBuilder.forName(name).directExecutor(), encoder, 4);
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.close();
        encoder.close();
    }

    @Test
    void embedReturnsTheSdkFeaturesAndMarksBadImages() throws Exception {
        Random rnd = new Random(3);
        BufferedImage img = new BufferedImage(20, 18, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);

        EmbedResponse response = FeatureServiceGrpc.newBlockingStub(channel).embed(EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(png.toByteArray()))
                .addImages(ByteString.copyFromUtf8("not an image"))
                .build());

        assertEquals(2, response.getResultsCount());
        float[] expected = encoder.embed(ImageDecoder.fromBufferedImage(img, 3));
        float[] got = new float[response.getResults(0).getFeaturesCount()];
        for (int i = 0; i < got.length; i++) {
            got[i] = response.getResults(0).getFeatures(i);
        }
        assertArrayEquals(expected, got, 1e-6f);
        assertTrue(response.getResults(0).getError().isEmpty());
        assertEquals(0, response.getResults(1).getFeaturesCount());
        assertFalse(response.getResults(1).getError().isEmpty(), "the bad image carries a reason");
    }

    @Test
    void normalizeGivesUnitVectors() throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff8800);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        EmbedResponse response = FeatureServiceGrpc.newBlockingStub(channel).embed(EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(png.toByteArray())).setNormalize(true).build());
        double norm = 0;
        for (float v : response.getResults(0).getFeaturesList()) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-5);
    }

    @Test
    void rejectsEmptyAndOversizedRequests() {
        var stub = FeatureServiceGrpc.newBlockingStub(channel);
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class,
                () -> stub.embed(EmbedRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        EmbedRequest.Builder big = EmbedRequest.newBuilder();
        for (int i = 0; i < 5; i++) {
            big.addImages(ByteString.copyFromUtf8("x"));
        }
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> stub.embed(big.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
        assertTrue(tooMany.getStatus().getDescription().contains("limit is 4"));
    }

    @Test
    void modelInfoAndHealth() {
        ModelInfo info = FeatureServiceGrpc.newBlockingStub(channel).getModelInfo(GetModelInfoRequest.getDefaultInstance());
        assertEquals(8, info.getEmbeddingDim());
        assertEquals("16", info.getMetadataOrThrow(ModelContract.KEY_HEIGHT));
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(
                HealthCheckRequest.newBuilder().setService(FeatureServiceGrpc.SERVICE_NAME).build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    }
}
