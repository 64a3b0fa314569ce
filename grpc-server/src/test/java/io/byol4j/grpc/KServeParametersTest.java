package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ServerMetadataRequest;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.sdk.classify.Classifier;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * KServe {@code parameters} of ModelInfer as Triton's gRPC front end treats them: top-k classification,
 * the request timeout, accepted-and-ignored custom parameters, and refusals naming the parameter. Requests
 * are built with the stubs generated from the published proto.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KServeParametersTest {

    private static final List<String> CLASSES = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    @TempDir
    Path tmp;

    private TestServer server;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserve;
    private final byte[] png = TestServer.png(16, 16, 11);

    /** The test head model with its class names in its metadata, sealed again. */
    private static byte[] labelledHeadModel() throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(TestModels.headModel(TestServer.CONTRACT)).toBuilder();
        for (int i = 0; i < m.getMetadataPropsCount(); i++) {
            if (m.getMetadataProps(i).getKey().equals(ModelContract.KEY_DIGEST)) {
                m.setMetadataProps(i, m.getMetadataProps(i).toBuilder().setValue(ModelContract.DIGEST_PLACEHOLDER));
            }
        }
        m.addMetadataProps(StringStringEntryProto.newBuilder()
                .setKey(Classifier.KEY_CLASS_NAMES)
                .setValue("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\"]"));
        return TestModels.seal(m.build().toByteArray());
    }

    @BeforeEach
    void start() throws Exception {
        Path model = Files.write(tmp.resolve("clf.onnx"), labelledHeadModel());
        server = TestServer.start(TestServer.repository(model, TestServer.batching(8, 64)), Limits.defaults());
        kserve = GRPCInferenceServiceGrpc.newBlockingStub(server.channel);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ModelInferRequest.Builder request() {
        return ModelInferRequest.newBuilder()
                .setModelName("clf")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("encoded_images")
                        .setDatatype("BYTES")
                        .addShape(2)
                        .setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(png))
                                .addBytesContents(ByteString.copyFrom(TestServer.png(16, 16, 12)))));
    }

    private static ModelInferRequest.InferRequestedOutputTensor.Builder output(String name) {
        return ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name);
    }

    private static InferParameter int64(long v) {
        return InferParameter.newBuilder().setInt64Param(v).build();
    }

    private static InferParameter string(String v) {
        return InferParameter.newBuilder().setStringParam(v).build();
    }

    private static InferParameter bool(boolean v) {
        return InferParameter.newBuilder().setBoolParam(v).build();
    }

    private List<Float> probabilities() {
        return kserve.modelInfer(request().addOutputs(output("probabilities")).build())
                .getOutputs(0)
                .getContents()
                .getFp32ContentsList();
    }

    /** "value:index:label" of the top 3 of each row of {@code values}, computed here. */
    private static List<String> expectedTop3(List<Float> values, boolean labels) {
        List<String> out = new ArrayList<>();
        for (int row = 0; row < 2; row++) {
            int base = row * 8;
            IntStream.range(0, 8)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer k) -> -values.get(base + k)))
                    .limit(3)
                    .forEach(k -> out.add(values.get(base + k) + ":" + k + (labels ? ":" + CLASSES.get(k) : "")));
        }
        return out;
    }

    @Test
    void classificationReturnsTheTopClassesAsBytesWithLabels() {
        List<Float> probabilities = probabilities();
        ModelInferResponse r = kserve.modelInfer(request()
                .addOutputs(output("probabilities").putParameters("classification", int64(3)))
                .build());
        ModelInferResponse.InferOutputTensor t = r.getOutputs(0);
        assertEquals("BYTES", t.getDatatype());
        assertEquals(List.of(2L, 3L), t.getShapeList());
        List<String> got = t.getContents().getBytesContentsList().stream()
                .map(ByteString::toStringUtf8)
                .toList();
        assertEquals(expectedTop3(probabilities, true), got);
        // The embedding has no class names: "value:index"; more classes than elements returns them all.
        ModelInferResponse e = kserve.modelInfer(request()
                .addOutputs(output("embedding").putParameters("classification", int64(100)))
                .build());
        assertEquals(List.of(2L, 8L), e.getOutputs(0).getShapeList());
        assertTrue(
                e.getOutputs(0).getContents().getBytesContents(0).toStringUtf8().matches("[-0-9.E]+:[0-7]"));
    }

    @Test
    void classificationOfARawRequestIsRawLengthPrefixedBytes() {
        ModelInferRequest plain = request().build();
        ModelInferRequest.InferInputTensor input =
                plain.getInputs(0).toBuilder().clearContents().build();
        ByteBuffer raw = ByteBuffer.allocate(2 * 4 + png.length + TestServer.png(16, 16, 12).length)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (ByteString image : plain.getInputs(0).getContents().getBytesContentsList()) {
            raw.putInt(image.size()).put(image.toByteArray());
        }
        raw.flip();
        ModelInferResponse r = kserve.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("clf")
                .addInputs(input)
                .addRawInputContents(ByteString.copyFrom(raw))
                .addOutputs(output("probabilities").putParameters("classification", int64(3)))
                .build());
        ByteBuffer out = r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<String> got = new ArrayList<>();
        while (out.hasRemaining()) {
            byte[] s = new byte[out.getInt()];
            out.get(s);
            got.add(new String(s, StandardCharsets.UTF_8));
        }
        assertEquals(expectedTop3(probabilities(), true), got);
    }

    @Test
    void customAndHttpOnlyParametersAreIgnoredAsTritonDoes() {
        List<Float> plain = probabilities();
        ModelInferResponse r = kserve.modelInfer(request()
                .putParameters("my_custom_parameter", string("x"))
                .putParameters("binary_data_output", bool(true))
                .putParameters("priority", int64(2))
                .putParameters("triton_enable_empty_final_response", bool(true))
                .putParameters("timeout", int64(Long.MAX_VALUE))
                .addOutputs(output("probabilities").putParameters("binary_data", bool(true)))
                .build());
        assertEquals(plain, r.getOutputs(0).getContents().getFp32ContentsList());
        assertTrue(kserve.serverMetadata(ServerMetadataRequest.getDefaultInstance())
                .getExtensionsList()
                .contains("classification"));
    }

    @Test
    void aRequestTimeoutThatHasPassedEndsTheCallWithDeadlineExceeded() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> kserve.modelInfer(
                        request().putParameters("timeout", int64(1)).build()));
        assertEquals(
                Status.Code.DEADLINE_EXCEEDED,
                e.getStatus().getCode(),
                e.getStatus().toString());
    }

    @Test
    void unsupportedParametersAreRefusedNamingThem() {
        assertRefused(r -> r.putParameters("sequence_id", int64(7)), "request parameter 'sequence_id'");
        assertRefused(r -> r.putParameters("sequence_start", bool(true)), "request parameter 'sequence_start'");
        assertRefused(r -> r.putParameters("triton_secret", bool(true)), "request parameter 'triton_secret'");
        assertRefused(r -> r.putParameters("priority", int64(-1)), "request parameter 'priority'");
        assertRefused(r -> r.putParameters("timeout", string("5s")), "request parameter 'timeout'");
        assertRefused(
                r -> r.putParameters("my_custom_parameter", InferParameter.getDefaultInstance()),
                "request parameter 'my_custom_parameter' has no value");
        assertRefused(
                r -> r.setInputs(0, r.getInputs(0).toBuilder().putParameters("shared_memory_region", string("shm0"))),
                "parameter 'shared_memory_region' of input 'encoded_images'");
        assertRefused(
                r -> r.addOutputs(output("probabilities").putParameters("classification", int64(0))),
                "parameter 'classification' of output 'probabilities'");
        assertRefused(
                r -> r.addOutputs(output("probabilities").putParameters("classification", string("3"))),
                "parameter 'classification' of output 'probabilities' must be an int64_param");
    }

    private void assertRefused(UnaryOperator<ModelInferRequest.Builder> change, String named) {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> kserve.modelInfer(change.apply(request()).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), named);
        assertTrue(e.getStatus().getDescription().contains(named), e.getStatus().getDescription());
    }
}
