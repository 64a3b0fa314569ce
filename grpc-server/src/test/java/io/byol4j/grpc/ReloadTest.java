package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelUnloadRequest;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.testing.Await;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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

/** A model repository: several models, new versions swapped in under load without a failed call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReloadTest {

    @TempDir
    Path repo;

    private void addVersion(String model, int version, byte[] bytes) throws Exception {
        Path dir = Files.createDirectories(repo.resolve(model).resolve(Integer.toString(version)));
        // Written beside, then moved in, as an operator's deployment would.
        Path tmp = Files.write(repo.resolve(model + "-" + version + ".tmp"), bytes);
        Files.move(tmp, dir.resolve(ModelRepository.MODEL_FILE));
    }

    private ModelRepository repository() {
        return ModelRepository.ofDirectory(repo, TestServer.batching(8, 256), ServerMetrics.create());
    }

    @Test
    void servesTheHighestVersionOfEveryModelAndRefusesUnknownOnes() throws Exception {
        addVersion("alpha", 1, TestModels.model(TestServer.CONTRACT));
        addVersion("alpha", 3, TestModels.headModel(TestServer.CONTRACT));
        addVersion("beta", 2, TestModels.model(TestServer.CONTRACT));
        Files.createDirectories(repo.resolve("empty"));
        try (TestServer s = TestServer.start(repository(), Limits.defaults())) {
            assertEquals(List.of("alpha", "beta"), s.server.models().names());
            assertEquals("3", s.server.models().find("alpha", "").version());
            assertEquals(2, s.server.models().find("alpha", "").outputs().size(), "version 3 has the head");
            var stub = FeatureServiceGrpc.newBlockingStub(s.channel);
            EmbedRequest.Builder req =
                    EmbedRequest.newBuilder().addImages(ByteString.copyFrom(TestServer.png(8, 8, 1)));
            assertEquals("2", stub.embed(req.clone().setModel("beta").build()).getModelVersion());
            StatusRuntimeException noName = assertThrows(StatusRuntimeException.class, () -> stub.embed(req.build()));
            assertEquals(Status.Code.NOT_FOUND, noName.getStatus().getCode());
            assertTrue(noName.getStatus().getDescription().contains("[alpha, beta]"));
            var kserve = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
            StatusRuntimeException missing = assertThrows(
                    StatusRuntimeException.class,
                    () -> kserve.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                            .setModelName("gamma")
                            .build()));
            assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
            assertTrue(missing.getStatus().getDescription().contains("'gamma'"));
            ServedModel beta = s.server.models().find("beta", "");
            assertTrue(kserve.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                            .setModelName("beta")
                            .build())
                    .getIsUnloaded());
            assertTrue(beta.isClosed());
            assertEquals(
                    Status.Code.NOT_FOUND,
                    assertThrows(
                                    StatusRuntimeException.class,
                                    () -> stub.embed(
                                            req.clone().setModel("beta").build()))
                            .getStatus()
                            .getCode());
        }
    }

    @Test
    void aNewVersionIsSwappedInUnderLoadWithoutAFailedCall() throws Exception {
        addVersion("enc", 1, TestModels.model(TestServer.CONTRACT));
        try (TestServer s = TestServer.start(repository(), Limits.defaults())) {
            ServedModel v1 = s.server.models().find("enc", "");
            EmbedRequest request = EmbedRequest.newBuilder()
                    .setModel("enc")
                    .addImages(ByteString.copyFrom(TestServer.png(24, 24, 3)))
                    .build();
            AtomicBoolean running = new AtomicBoolean(true);
            Set<String> versions = ConcurrentHashMap.newKeySet();
            AtomicInteger calls = new AtomicInteger();
            List<Throwable> failures = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(pool.submit(() -> {
                    var stub = FeatureServiceGrpc.newBlockingStub(s.channel);
                    while (running.get()) {
                        try {
                            EmbedResponse r = stub.embed(request);
                            if (!r.getResults(0).getError().isEmpty()) {
                                throw new AssertionError(r.getResults(0).getError());
                            }
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
            try {
                Await.until("20 calls on version 1", () -> calls.get() >= 20);
                addVersion("enc", 2, TestModels.headModel(TestServer.CONTRACT));
                var kserve = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
                assertTrue(kserve.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                .setModelName("enc")
                                .build())
                        .getIsLoaded());
                assertEquals("2", s.server.models().find("enc", "").version());
                int atSwap = calls.get();
                Await.until("20 more calls after the swap", () -> calls.get() >= atSwap + 20);
            } finally {
                running.set(false);
                for (Future<?> f : clients) {
                    f.get(20, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            assertEquals(List.of(), failures);
            assertEquals(Set.of("1", "2"), versions, "calls were served by both versions");
            assertTrue(calls.get() >= 40, calls.get() + " calls");
            assertTrue(v1.isClosed(), "the old version was closed after its last call");
        }
    }

    @Test
    void pollingPicksUpANewVersionAndAFailedLoadKeepsTheOldOne() throws Exception {
        addVersion("enc", 1, TestModels.model(TestServer.CONTRACT));
        try (TestServer s = TestServer.start(repository(), Limits.defaults())) {
            s.server.models().startPolling(Duration.ofMillis(50));
            addVersion("enc", 4, TestModels.headModel(TestServer.CONTRACT));
            Await.until(
                    "version 4 loaded by polling", () -> servedVersion(s, "enc").equals("4"));
            addVersion("enc", 5, new byte[] {1, 2, 3});
            var kserve = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> kserve.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                            .setModelName("enc")
                            .build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertEquals("4", s.server.models().find("enc", "").version(), "the served version keeps serving");
            assertFalse(s.server.models().find("enc", "").isClosed());
            // An unloaded model stays unloaded although polling still sees its folder.
            assertTrue(kserve.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                            .setModelName("enc")
                            .build())
                    .getIsUnloaded());
            Thread.sleep(300);
            assertEquals(List.of(), s.server.models().names());
        }
    }

    private static String servedVersion(TestServer s, String model) {
        try {
            return s.server.models().find(model, "").version();
        } catch (io.byol4j.grpc.model.ModelNotFoundException e) {
            return "";
        }
    }

    @Test
    void aSingleFileIsNamedAfterItselfUnlessNamed() throws Exception {
        Path file = TestServer.plainModel(repo, "resnet18-byol.onnx");
        assertEquals("resnet18-byol", ModelRepository.nameOf(file));
        try (ModelRepository named =
                ModelRepository.ofFile(file, "features", TestServer.batching(4, 64), ServerMetrics.create())) {
            named.loadAll();
            assertEquals(List.of("features"), named.names());
        }
        java.io.IOException empty =
                assertThrows(java.io.IOException.class, () -> repository().loadAll());
        assertTrue(empty.getMessage().contains("holds no model"), empty.getMessage());
    }
}
