package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferRequest.InferRequestedOutputTensor;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelReadyRequest;
import inference.ServerLiveRequest;
import inference.ServerMetadataRequest;
import inference.ServerReadyRequest;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.image.Preprocessor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KServe v2 / Open Inference Protocol service, called through the stubs generated from the
 * published proto the way any KServe or Triton client would, on a model with a fused head.
 */
class KServeServiceTest {

    private static final String MODEL = "classifier";

    @TempDir
    static Path tmp;

    private static TestServer server;
    private static GRPCInferenceServiceBlockingStub stub;
    private static Encoder reference;
    private static Preprocessor preprocessor;
    private static final List<byte[]> IMAGES =
            List.of(TestServer.png(20, 18, 1), TestServer.png(16, 30, 2), TestServer.png(40, 40, 3));

    @BeforeAll
    static void start() throws Exception {
        Path file = TestServer.headModel(tmp, MODEL + ".onnx");
        server = TestServer.start(
                TestServer.repository(file, TestServer.batching(8, 64)),
                TestServer.limits(16, 1_000_000, 4_000_000, Duration.ofSeconds(5), 8));
        stub = GRPCInferenceServiceGrpc.newBlockingStub(server.channel);
        reference = Encoder.open(file);
        preprocessor = new Preprocessor(TestServer.CONTRACT);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        reference.close();
    }

    @Test
    void liveReadyAndServerMetadata() {
        assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build())
                .getReady());
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder()
                        .setName(MODEL)
                        .setVersion("1")
                        .build())
                .getReady());
        assertFalse(stub.modelReady(ModelReadyRequest.newBuilder()
                        .setName(MODEL)
                        .setVersion("7")
                        .build())
                .getReady());
        assertFalse(
                stub.modelReady(ModelReadyRequest.newBuilder().setName("other").build())
                        .getReady());
        var meta = stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("byol4j", meta.getName());
        assertTrue(meta.getExtensionsList().contains("model_repository"));
    }

    @Test
    void modelMetadataDescribesBothInputsAndEveryOutput() {
        ModelMetadataResponse meta = stub.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(MODEL).build());
        assertEquals(MODEL, meta.getName());
        assertEquals(List.of("1"), meta.getVersionsList());
        assertEquals("onnxruntime_onnx", meta.getPlatform());
        assertEquals(2, meta.getInputsCount());
        assertEquals("images", meta.getInputs(0).getName());
        assertEquals("FP32", meta.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, 3L, 16L, 16L), meta.getInputs(0).getShapeList());
        assertEquals("encoded_images", meta.getInputs(1).getName());
        assertEquals("BYTES", meta.getInputs(1).getDatatype());
        assertEquals(List.of(-1L), meta.getInputs(1).getShapeList());
        assertEquals(2, meta.getOutputsCount());
        assertEquals("embedding", meta.getOutputs(0).getName());
        assertEquals(List.of(-1L, 8L), meta.getOutputs(0).getShapeList());
        assertEquals("probabilities", meta.getOutputs(1).getName());
        assertEquals("FP32", meta.getOutputs(1).getDatatype());
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelMetadata(
                        ModelMetadataRequest.newBuilder().setName("missing").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("'missing'"));
    }

    @Test
    void encodedImagesInContentsGiveEmbeddingsAndProbabilitiesWithTheId() throws Exception {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        IMAGES.forEach(b -> contents.addBytesContents(ByteString.copyFrom(b)));
        ModelInferResponse r = stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .setId("req-42")
                .addInputs(InferInputTensor.newBuilder()
                        .setName("encoded_images")
                        .setDatatype("BYTES")
                        .addShape(IMAGES.size())
                        .setContents(contents))
                .build());
        assertEquals("req-42", r.getId());
        assertEquals(MODEL, r.getModelName());
        assertEquals("1", r.getModelVersion());
        assertEquals(0, r.getRawOutputContentsCount());
        assertEquals(2, r.getOutputsCount());
        assertEquals(List.of(3L, 8L), r.getOutputs(0).getShapeList());
        float[][] expected = expectedRows();
        assertRows(expected, 0, r.getOutputs(0).getContents().getFp32ContentsList());
        assertRows(expected, 8, r.getOutputs(1).getContents().getFp32ContentsList());
    }

    @Test
    void rawEncodedImagesAreLengthPrefixedAndAnswerRaw() throws Exception {
        ByteBuffer raw = ByteBuffer.allocate(
                        IMAGES.stream().mapToInt(b -> b.length + 4).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        IMAGES.forEach(b -> raw.putInt(b.length).put(b));
        ModelInferResponse r = stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .addInputs(InferInputTensor.newBuilder()
                        .setName("encoded_images")
                        .setDatatype("BYTES")
                        .addShape(IMAGES.size())
                        .addShape(1))
                .addRawInputContents(ByteString.copyFrom(raw.array()))
                .addOutputs(InferRequestedOutputTensor.newBuilder().setName("probabilities"))
                .build());
        assertEquals(1, r.getOutputsCount(), "only the requested output");
        assertEquals("probabilities", r.getOutputs(0).getName());
        assertFalse(r.getOutputs(0).hasContents());
        assertRows(expectedRows(), 8, floats(r.getRawOutputContents(0)));
    }

    @Test
    void preprocessedFp32TensorInContentsAndRaw() throws Exception {
        float[] packed = new float[IMAGES.size() * preprocessor.inputSize()];
        for (int i = 0; i < IMAGES.size(); i++) {
            preprocessor.apply(new ImageDecoder().decode(IMAGES.get(i), 3), packed, i * preprocessor.inputSize());
        }
        InferInputTensor.Builder input = InferInputTensor.newBuilder()
                .setName("images")
                .setDatatype("FP32")
                .addShape(IMAGES.size())
                .addShape(3)
                .addShape(16)
                .addShape(16);
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float v : packed) {
            contents.addFp32Contents(v);
        }
        ModelInferResponse typed = stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .addInputs(input.clone().setContents(contents))
                .addOutputs(InferRequestedOutputTensor.newBuilder().setName("embedding"))
                .build());
        assertRows(expectedRows(), 0, typed.getOutputs(0).getContents().getFp32ContentsList());
        ByteBuffer raw = ByteBuffer.allocate(packed.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : packed) {
            raw.putFloat(v);
        }
        ModelInferResponse rawResponse = stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .addInputs(input)
                .addRawInputContents(ByteString.copyFrom(raw.array()))
                .build());
        assertEquals(2, rawResponse.getRawOutputContentsCount());
        assertRows(expectedRows(), 0, floats(rawResponse.getRawOutputContents(0)));
        assertRows(expectedRows(), 8, floats(rawResponse.getRawOutputContents(1)));
    }

    @Test
    void badRequestsAreRefusedWithAReasonNamingWhat() {
        InferInputTensor.Builder images = InferInputTensor.newBuilder()
                .setName("encoded_images")
                .setDatatype("BYTES")
                .addShape(1)
                .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(IMAGES.get(0))));
        assertInvalid(
                ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(images)
                        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("logits")),
                "'logits'");
        assertInvalid(
                ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(images.clone().setName("pixels")),
                "'pixels'");
        assertInvalid(
                ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(InferInputTensor.newBuilder()
                                .setName("images")
                                .setDatatype("FP32")
                                .addShape(1)
                                .addShape(3)
                                .addShape(8)
                                .addShape(8)),
                "[1, 3, 8, 8]");
        assertInvalid(
                ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(InferInputTensor.newBuilder()
                                .setName("images")
                                .setDatatype("FP32")
                                .addShape(1)
                                .addShape(3)
                                .addShape(16)
                                .addShape(16))
                        .addRawInputContents(ByteString.copyFrom(new byte[10])),
                "10 bytes");
        assertInvalid(
                ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(images.clone().clearContents())
                        .addRawInputContents(ByteString.copyFrom(new byte[] {(byte) 200, 0, 0, 0, 1, 2})),
                "declares 200 bytes");
        assertInvalid(
                ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(images.clone()
                                .setContents(InferTensorContents.newBuilder()
                                        .addBytesContents(ByteString.copyFromUtf8("junk")))),
                "element 0");
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("nope")
                        .addInputs(images)
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        e = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .setModelVersion("3")
                        .addInputs(images)
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("version '3'"));
    }

    private static void assertInvalid(ModelInferRequest.Builder request, String mention) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request.build()));
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                e.getStatus().getCode(),
                e.getStatus().toString());
        assertTrue(
                e.getStatus().getDescription().contains(mention), e.getStatus().getDescription());
    }

    /** Embedding then softmax for each test image, computed in-process with the SDK. */
    private static float[][] expectedRows() throws Exception {
        float[][] rows = new float[IMAGES.size()][];
        for (int i = 0; i < IMAGES.size(); i++) {
            float[] e = reference.embed(new ImageDecoder().decode(IMAGES.get(i), 3));
            float[] row = new float[16];
            System.arraycopy(e, 0, row, 0, 8);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : e) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : e) {
                sum += Math.exp(v - max);
            }
            for (int k = 0; k < 8; k++) {
                row[8 + k] = (float) (Math.exp(e[k] - max) / sum);
            }
            rows[i] = row;
        }
        return rows;
    }

    private static void assertRows(float[][] expected, int offset, List<Float> flat) {
        assertEquals(expected.length * 8, flat.size());
        for (int i = 0; i < expected.length; i++) {
            float[] got = new float[8];
            for (int k = 0; k < 8; k++) {
                got[k] = flat.get(i * 8 + k);
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(expected[i], offset, offset + 8), got, 1e-5f, "row " + i);
        }
    }

    private static List<Float> floats(ByteString raw) {
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        Float[] out = new Float[raw.size() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat();
        }
        return List.of(out);
    }
}
