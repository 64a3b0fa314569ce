package io.byol4j.grpc.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.security.BearerTokenAuth;
import io.byol4j.grpc.testing.TestImages;
import io.byol4j.grpc.testing.TestServers;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.model.ModelContract;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FeatureClient against an InferenceServer on a real loopback socket. */
class FeatureClientTest {

    @TempDir
    static Path dir;

    static Path model;
    static Encoder encoder;
    static InferenceServer server;
    static BufferedImage picture = TestImages.random(20, 18, 3);
    static byte[] png = TestImages.png(picture);

    @BeforeAll
    static void start() throws Exception {
        model = TestServers.tinyModel(dir);
        encoder = Encoder.open(model);
        server = TestServers.loopback(model, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        encoder.close();
    }

    @Test
    void embedGivesTheSdkFeaturesAndPerImageErrors() throws Exception {
        try (FeatureClient client = FeatureClient.connect("127.0.0.1", server.port())) {
            List<Embedding> out = client.embed(List.of(png, "not an image".getBytes(StandardCharsets.UTF_8), png));
            assertEquals(3, out.size());
            float[] expected = encoder.embed(ImageDecoder.fromBufferedImage(picture, 3));
            assertArrayEquals(expected, out.get(0).featuresOrThrow(), 1e-6f);
            assertArrayEquals(expected, out.get(2).featuresOrThrow(), 1e-6f);
            assertFalse(out.get(1).ok());
            assertNull(out.get(1).features());
            assertFalse(out.get(1).error().isBlank());
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> out.get(1).featuresOrThrow());
            assertTrue(e.getMessage().contains(out.get(1).error()));
        }
    }

    @Test
    void normalizedFilesAndAsync() throws Exception {
        Path file = dir.resolve("a.png");
        Files.write(file, png);
        try (FeatureClient client = FeatureClient.connect("localhost", server.port())) {
            float[] plain = client.embedFiles(List.of(file)).get(0).featuresOrThrow();
            assertArrayEquals(encoder.embed(ImageDecoder.fromBufferedImage(picture, 3)), plain, 1e-6f);

            float[] unit = client.embedNormalized(List.of(png)).get(0).featuresOrThrow();
            double norm = 0;
            for (float v : unit) {
                norm += v * v;
            }
            assertEquals(1.0, norm, 1e-5);

            List<Embedding> async = client.embedAsync(List.of(png, png)).get(10, TimeUnit.SECONDS);
            assertArrayEquals(plain, async.get(1).featuresOrThrow(), 0f);

            Path missing = dir.resolve("missing.png");
            IOException io = assertThrows(IOException.class, () -> client.embedFiles(List.of(file, missing)));
            assertTrue(io.getMessage().contains(missing + ": file not found"), io.getMessage());
            assertThrows(IllegalArgumentException.class, () -> client.embed(List.of()));
        }
    }

    @Test
    void modelAndHealth() throws Exception {
        try (FeatureClient client = FeatureClient.connect("127.0.0.1", server.port())) {
            ServedModel model = client.model();
            assertEquals(TestServers.MODEL, model.name());
            assertEquals("1", model.version());
            assertEquals(8, model.embeddingDim());
            assertEquals("16", model.metadata().get(ModelContract.KEY_HEIGHT));
            assertTrue(client.serving());
        }
    }

    @Test
    void modelsAreChosenByName() throws Exception {
        try (FeatureClient client = FeatureClient.builder("127.0.0.1", server.port())
                .model(TestServers.MODEL)
                .build()) {
            assertEquals(TestServers.MODEL, client.modelName());
            assertTrue(client.embed(png).ok());
            FeatureClient other = client.forModel("no-such-model");
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> other.embed(png));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("no-such-model"),
                    e.getStatus().getDescription());
            assertEquals(
                    Status.Code.NOT_FOUND,
                    assertThrows(StatusRuntimeException.class, other::model)
                            .getStatus()
                            .getCode());
        }
    }

    @Test
    void callFailuresCarryTheirStatus() throws Exception {
        try (FeatureClient hurried = FeatureClient.builder("127.0.0.1", server.port())
                .deadline(Duration.ofNanos(1))
                .build()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> hurried.embed(png));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            ExecutionException async = assertThrows(
                    ExecutionException.class,
                    () -> hurried.embedAsync(List.of(png)).get(10, TimeUnit.SECONDS));
            assertEquals(
                    Status.Code.DEADLINE_EXCEEDED,
                    Status.fromThrowable(async.getCause()).getCode());
        }
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (FeatureClient nobody = FeatureClient.builder("127.0.0.1", closedPort)
                .deadline(Duration.ofSeconds(2))
                .build()) {
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    assertThrows(StatusRuntimeException.class, () -> nobody.serving())
                            .getStatus()
                            .getCode());
        }
    }

    @Test
    void bearerTokenIsSentAndHealthNeedsNone() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "tok-123\n");
        InferenceServer secured = TestServers.loopback(model, null, BearerTokenAuth.fromFile(tokens));
        try (FeatureClient right = FeatureClient.builder("127.0.0.1", secured.port())
                        .bearerToken("tok-123")
                        .build();
                FeatureClient none = FeatureClient.connect("127.0.0.1", secured.port());
                FeatureClient wrong = FeatureClient.builder("127.0.0.1", secured.port())
                        .bearerToken("tok-124")
                        .build()) {
            assertTrue(right.embed(png).ok());
            assertEquals(
                    Status.Code.UNAUTHENTICATED,
                    assertThrows(StatusRuntimeException.class, () -> none.embed(png))
                            .getStatus()
                            .getCode());
            assertEquals(
                    Status.Code.UNAUTHENTICATED,
                    assertThrows(StatusRuntimeException.class, () -> wrong.model())
                            .getStatus()
                            .getCode());
            assertTrue(none.serving());
        } finally {
            secured.close();
        }
    }

    @Test
    void overACallersChannel() throws Exception {
        String name = InProcessServerBuilder.generateName();
        InferenceServer inProcess = TestServers.over(InProcessServerBuilder.forName(name), model, null);
        var channel = InProcessChannelBuilder.forName(name).build();
        try {
            FeatureClient client = FeatureClient.over(channel, null, Duration.ofSeconds(5));
            assertEquals(8, client.model().embeddingDim());
            client.close();
            assertFalse(channel.isShutdown(), "the caller's channel stays open");
            assertTrue(client.embed(png).ok());
        } finally {
            channel.shutdownNow();
            inProcess.close();
        }
    }

    @Test
    void badSettingsAreRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> FeatureClient.builder("h", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> FeatureClient.builder("h", 1).deadline(Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () -> FeatureClient.builder("h", 1).bearerToken("a b"));
        Path missing = dir.resolve("no-ca.pem");
        java.io.UncheckedIOException e = assertThrows(
                java.io.UncheckedIOException.class,
                () -> FeatureClient.builder("h", 1).tls(missing).build());
        assertTrue(e.getMessage().contains("CA certificates " + missing + ": file not found"), e.getMessage());
    }
}
