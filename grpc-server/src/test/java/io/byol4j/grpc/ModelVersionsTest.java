package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelReadyRequest;
import inference.RepositoryModelLoadRequest;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.model.VersionPolicy;
import io.byol4j.grpc.testing.Await;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Version policies: several versions of a model side by side, routing by version, policy changes under load. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModelVersionsTest {

    @TempDir
    Path repo;

    /** Version 1: one conv layer; version 2: two (other weights, so other outputs); version 3: like 1. */
    private void threeVersions() throws IOException {
        addVersion("enc", 1, TestModels.model(TestServer.CONTRACT));
        addVersion(
                "enc",
                2,
                TestModels.seal(TestModels.graphModel(
                        TestServer.CONTRACT,
                        TestModels.dynamicInput(TestServer.CONTRACT),
                        2,
                        TestServer.CONTRACT.toMetadata())));
        addVersion("enc", 3, TestModels.model(TestServer.CONTRACT));
    }

    private void addVersion(String model, int version, byte[] bytes) throws IOException {
        Path dir = Files.createDirectories(repo.resolve(model).resolve(Integer.toString(version)));
        Files.write(dir.resolve(ModelRepository.MODEL_FILE), bytes);
    }

    private ModelRepository repository(VersionPolicy policy) {
        return ModelRepository.ofDirectory(repo, policy, TestServer.batching(8, 256), ServerMetrics.create());
    }

    private static ModelInferRequest infer(String version, byte[] png) {
        return ModelInferRequest.newBuilder()
                .setModelName("enc")
                .setModelVersion(version)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("encoded_images")
                        .setDatatype("BYTES")
                        .addShape(1)
                        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(png))))
                .build();
    }

    @Test
    void policiesSelectVersions() throws Exception {
        threeVersions();
        for (String[] c : new String[][] {
            {"latest", "[3]"}, {"latest:2", "[2, 3]"}, {"all", "[1, 2, 3]"}, {"specific:1,3", "[1, 3]"}
        }) {
            try (ModelRepository r = repository(VersionPolicy.parse(c[0]))) {
                r.loadAll();
                assertEquals(c[1], r.versions("enc").toString(), c[0]);
                assertEquals(
                        r.versions("enc").get(r.versions("enc").size() - 1),
                        r.find("enc", "").version(),
                        "empty version = highest served");
            }
        }
        try (ModelRepository r = repository(VersionPolicy.parse("specific:7"))) {
            IOException e = assertThrows(IOException.class, r::loadAll);
            assertTrue(
                    e.getMessage().contains("version policy specific:7 selects none of its versions [1, 2, 3]"),
                    e.getMessage());
        }
        Files.writeString(repo.resolve("enc").resolve(ModelRepository.POLICY_FILE), "specific:2\n");
        try (ModelRepository r = repository(VersionPolicy.LATEST)) {
            r.loadAll();
            assertEquals(List.of("2"), r.versions("enc"), "the model folder's version_policy file wins");
        }
        Files.writeString(repo.resolve("enc").resolve(ModelRepository.POLICY_FILE), "newest\n");
        try (ModelRepository r = repository(VersionPolicy.LATEST)) {
            IOException e = assertThrows(IOException.class, r::loadAll);
            assertTrue(e.getMessage().contains(ModelRepository.POLICY_FILE), e.getMessage());
            assertTrue(e.getMessage().contains("invalid version policy 'newest'"), e.getMessage());
        }
    }

    @Test
    void twoVersionsServedSideBySideAnswerWithTheirOwnOutputs() throws Exception {
        threeVersions();
        byte[] png = TestServer.png(16, 16, 4);
        try (TestServer s = TestServer.start(repository(VersionPolicy.parse("specific:1,2")), Limits.defaults())) {
            var kserve = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
            ModelInferResponse v1 = kserve.modelInfer(infer("1", png));
            ModelInferResponse v2 = kserve.modelInfer(infer("2", png));
            ModelInferResponse highest = kserve.modelInfer(infer("", png));
            assertEquals("1", v1.getModelVersion());
            assertEquals("2", v2.getModelVersion());
            assertEquals("2", highest.getModelVersion(), "no version = the highest served");
            List<Float> f1 = v1.getOutputs(0).getContents().getFp32ContentsList();
            List<Float> f2 = v2.getOutputs(0).getContents().getFp32ContentsList();
            assertEquals(8, f1.size());
            assertNotEquals(f1, f2, "the two versions are different models");
            assertEquals(f2, highest.getOutputs(0).getContents().getFp32ContentsList());
            assertEquals(
                    f1,
                    kserve.modelInfer(infer("1", png))
                            .getOutputs(0)
                            .getContents()
                            .getFp32ContentsList());

            StatusRuntimeException unknown =
                    assertThrows(StatusRuntimeException.class, () -> kserve.modelInfer(infer("3", png)));
            assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
            assertEquals(
                    "model 'enc' version '3' is not served; served versions of 'enc': [1, 2]",
                    unknown.getStatus().getDescription());

            assertTrue(kserve.modelReady(ModelReadyRequest.newBuilder()
                            .setName("enc")
                            .setVersion("1")
                            .build())
                    .getReady());
            assertFalse(kserve.modelReady(ModelReadyRequest.newBuilder()
                            .setName("enc")
                            .setVersion("3")
                            .build())
                    .getReady());
            assertEquals(
                    List.of("1", "2"),
                    kserve.modelMetadata(ModelMetadataRequest.newBuilder()
                                    .setName("enc")
                                    .build())
                            .getVersionsList());
            assertEquals(
                    List.of("1"),
                    kserve.modelMetadata(ModelMetadataRequest.newBuilder()
                                    .setName("enc")
                                    .setVersion("1")
                                    .build())
                            .getVersionsList());

            var features = FeatureServiceGrpc.newBlockingStub(s.channel);
            EmbedRequest.Builder embed =
                    EmbedRequest.newBuilder().setModel("enc").addImages(ByteString.copyFrom(png));
            var e1 = features.embed(embed.clone().setModelVersion("1").build());
            var eHighest = features.embed(embed.build());
            assertEquals("1", e1.getModelVersion());
            assertEquals(f1, e1.getResults(0).getFeaturesList());
            assertEquals("2", eHighest.getModelVersion());
            assertEquals(f2, eHighest.getResults(0).getFeaturesList());
            assertEquals(
                    "1",
                    features.getModelInfo(GetModelInfoRequest.newBuilder()
                                    .setModel("enc")
                                    .setVersion("1")
                                    .build())
                            .getVersion());
            assertEquals(
                    Status.Code.NOT_FOUND,
                    assertThrows(
                                    StatusRuntimeException.class,
                                    () -> features.embed(
                                            embed.clone().setModelVersion("7").build()))
                            .getStatus()
                            .getCode());
        }
    }

    @Test
    void aPolicyChangedByReloadUnderLoadFailsNoCall() throws Exception {
        threeVersions();
        byte[] png = TestServer.png(16, 16, 5);
        try (TestServer s = TestServer.start(repository(VersionPolicy.LATEST), Limits.defaults())) {
            ServedModel v3 = s.server.models().find("enc", "3");
            AtomicBoolean running = new AtomicBoolean(true);
            Set<String> versions = ConcurrentHashMap.newKeySet();
            AtomicInteger calls = new AtomicInteger();
            List<Throwable> failures = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(pool.submit(() -> {
                    var stub = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
                    while (running.get()) {
                        try {
                            ModelInferResponse r = stub.modelInfer(infer("", png));
                            assertEquals(8, r.getOutputs(0).getContents().getFp32ContentsCount());
                            versions.add(r.getModelVersion());
                            calls.incrementAndGet();
                        } catch (RuntimeException | AssertionError e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    }
                }));
            }
            var kserve = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
            Path policyFile = repo.resolve("enc").resolve(ModelRepository.POLICY_FILE);
            try {
                Await.until("calls on version 3", () -> versions.contains("3") && calls.get() >= 10);
                // Serve every version: the highest stays 3.
                Files.writeString(policyFile, "all\n");
                assertTrue(kserve.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                .setModelName("enc")
                                .build())
                        .getIsLoaded());
                assertEquals(List.of("1", "2", "3"), s.server.models().versions("enc"));
                int atAll = calls.get();
                Await.until("calls after serving all versions", () -> calls.get() >= atAll + 10);
                // Serve only version 2: calls without a version move to it, calls on 3 finish on 3.
                Files.writeString(policyFile, "specific:2\n");
                assertTrue(kserve.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                .setModelName("enc")
                                .build())
                        .getIsLoaded());
                assertEquals(List.of("2"), s.server.models().versions("enc"));
                Await.until("calls on version 2", () -> versions.contains("2"));
                int atSpecific = calls.get();
                Await.until("calls after the second change", () -> calls.get() >= atSpecific + 10);
            } finally {
                running.set(false);
                for (Future<?> f : clients) {
                    f.get(60, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            assertEquals(List.of(), failures);
            assertEquals(Set.of("2", "3"), versions, "calls were served by the highest version of each policy");
            assertTrue(v3.isClosed(), "version 3's copies were closed after their last call");
        }
    }

    @Test
    void pollingFollowsAPolicyChangeAndKeepsTheCopiesOfVersionsThatStay() throws Exception {
        threeVersions();
        try (TestServer s = TestServer.start(repository(VersionPolicy.LATEST), Limits.defaults())) {
            ServedModel v3 = s.server.models().find("enc", "3");
            s.server.models().startPolling(Duration.ofMillis(20));
            Files.writeString(repo.resolve("enc").resolve(ModelRepository.POLICY_FILE), "latest:2\n");
            Await.until(
                    "versions 2 and 3 served",
                    () -> s.server.models().versions("enc").equals(List.of("2", "3")));
            assertSame(v3, s.server.models().find("enc", "3"), "version 3 was kept, not reopened");
            assertFalse(v3.isClosed());
        }
    }
}
