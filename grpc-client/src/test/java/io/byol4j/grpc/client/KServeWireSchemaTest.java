package io.byol4j.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import inference.GrpcPredictV2;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire schema of the KServe v2 proto against the published grpc_predict_v2.proto: every message
 * field's number, type, label and name, and every RPC's request and response type. A renumbered,
 * retyped or renamed field fails here instead of silently breaking Triton and KServe clients.
 */
class KServeWireSchemaTest {

    /** The published schema, one line per field: Message.field = number type label. */
    private static final List<String> PUBLISHED_FIELDS = List.of(
            "ServerLiveResponse.live = 1 BOOL optional",
            "ServerReadyResponse.ready = 1 BOOL optional",
            "ModelReadyRequest.name = 1 STRING optional",
            "ModelReadyRequest.version = 2 STRING optional",
            "ModelReadyResponse.ready = 1 BOOL optional",
            "ServerMetadataResponse.name = 1 STRING optional",
            "ServerMetadataResponse.version = 2 STRING optional",
            "ServerMetadataResponse.extensions = 3 STRING repeated",
            "ModelMetadataRequest.name = 1 STRING optional",
            "ModelMetadataRequest.version = 2 STRING optional",
            "ModelMetadataResponse.name = 1 STRING optional",
            "ModelMetadataResponse.versions = 2 STRING repeated",
            "ModelMetadataResponse.platform = 3 STRING optional",
            "ModelMetadataResponse.inputs = 4 MESSAGE(inference.ModelMetadataResponse.TensorMetadata) repeated",
            "ModelMetadataResponse.outputs = 5 MESSAGE(inference.ModelMetadataResponse.TensorMetadata) repeated",
            "ModelMetadataResponse.TensorMetadata.name = 1 STRING optional",
            "ModelMetadataResponse.TensorMetadata.datatype = 2 STRING optional",
            "ModelMetadataResponse.TensorMetadata.shape = 3 INT64 repeated",
            "ModelInferRequest.model_name = 1 STRING optional",
            "ModelInferRequest.model_version = 2 STRING optional",
            "ModelInferRequest.id = 3 STRING optional",
            "ModelInferRequest.parameters = 4 MESSAGE(inference.ModelInferRequest.ParametersEntry) repeated",
            "ModelInferRequest.inputs = 5 MESSAGE(inference.ModelInferRequest.InferInputTensor) repeated",
            "ModelInferRequest.outputs = 6 MESSAGE(inference.ModelInferRequest.InferRequestedOutputTensor) repeated",
            "ModelInferRequest.raw_input_contents = 7 BYTES repeated",
            "ModelInferRequest.InferInputTensor.name = 1 STRING optional",
            "ModelInferRequest.InferInputTensor.datatype = 2 STRING optional",
            "ModelInferRequest.InferInputTensor.shape = 3 INT64 repeated",
            "ModelInferRequest.InferInputTensor.parameters = 4"
                    + " MESSAGE(inference.ModelInferRequest.InferInputTensor.ParametersEntry) repeated",
            "ModelInferRequest.InferInputTensor.contents = 5 MESSAGE(inference.InferTensorContents) optional",
            "ModelInferRequest.InferRequestedOutputTensor.name = 1 STRING optional",
            "ModelInferRequest.InferRequestedOutputTensor.parameters = 2"
                    + " MESSAGE(inference.ModelInferRequest.InferRequestedOutputTensor.ParametersEntry) repeated",
            "ModelInferResponse.model_name = 1 STRING optional",
            "ModelInferResponse.model_version = 2 STRING optional",
            "ModelInferResponse.id = 3 STRING optional",
            "ModelInferResponse.parameters = 4 MESSAGE(inference.ModelInferResponse.ParametersEntry) repeated",
            "ModelInferResponse.outputs = 5 MESSAGE(inference.ModelInferResponse.InferOutputTensor) repeated",
            "ModelInferResponse.raw_output_contents = 6 BYTES repeated",
            "ModelInferResponse.InferOutputTensor.name = 1 STRING optional",
            "ModelInferResponse.InferOutputTensor.datatype = 2 STRING optional",
            "ModelInferResponse.InferOutputTensor.shape = 3 INT64 repeated",
            "ModelInferResponse.InferOutputTensor.parameters = 4"
                    + " MESSAGE(inference.ModelInferResponse.InferOutputTensor.ParametersEntry) repeated",
            "ModelInferResponse.InferOutputTensor.contents = 5 MESSAGE(inference.InferTensorContents) optional",
            "InferParameter.bool_param = 1 BOOL optional oneof=parameter_choice",
            "InferParameter.int64_param = 2 INT64 optional oneof=parameter_choice",
            "InferParameter.string_param = 3 STRING optional oneof=parameter_choice",
            "InferTensorContents.bool_contents = 1 BOOL repeated",
            "InferTensorContents.int_contents = 2 INT32 repeated",
            "InferTensorContents.int64_contents = 3 INT64 repeated",
            "InferTensorContents.uint_contents = 4 UINT32 repeated",
            "InferTensorContents.uint64_contents = 5 UINT64 repeated",
            "InferTensorContents.fp32_contents = 6 FLOAT repeated",
            "InferTensorContents.fp64_contents = 7 DOUBLE repeated",
            "InferTensorContents.bytes_contents = 8 BYTES repeated",
            "RepositoryModelLoadRequest.model_name = 1 STRING optional",
            "RepositoryModelLoadResponse.model_name = 1 STRING optional",
            "RepositoryModelLoadResponse.isLoaded = 2 BOOL optional",
            "RepositoryModelUnloadRequest.model_name = 1 STRING optional",
            "RepositoryModelUnloadResponse.model_name = 1 STRING optional",
            "RepositoryModelUnloadResponse.isUnloaded = 2 BOOL optional");

    private static final List<String> PUBLISHED_RPCS = List.of(
            "ServerLive(ServerLiveRequest) -> ServerLiveResponse",
            "ServerReady(ServerReadyRequest) -> ServerReadyResponse",
            "ModelReady(ModelReadyRequest) -> ModelReadyResponse",
            "ServerMetadata(ServerMetadataRequest) -> ServerMetadataResponse",
            "ModelMetadata(ModelMetadataRequest) -> ModelMetadataResponse",
            "ModelInfer(ModelInferRequest) -> ModelInferResponse",
            "RepositoryModelLoad(RepositoryModelLoadRequest) -> RepositoryModelLoadResponse",
            "RepositoryModelUnload(RepositoryModelUnloadRequest) -> RepositoryModelUnloadResponse");

    @Test
    void packageAndServiceNamesAreThePublishedOnes() {
        FileDescriptor file = GrpcPredictV2.getDescriptor();
        assertEquals("inference", file.getPackage());
        assertEquals(1, file.getServices().size());
        assertEquals("inference.GRPCInferenceService", file.getServices().get(0).getFullName());
    }

    @Test
    void everyFieldHasThePublishedNumberTypeAndName() {
        List<String> actual = new ArrayList<>();
        for (Descriptor message : GrpcPredictV2.getDescriptor().getMessageTypes()) {
            describe(message, message.getName(), actual);
        }
        assertEquals(new TreeSet<>(PUBLISHED_FIELDS), new TreeSet<>(actual));
    }

    @Test
    void mapParametersMapStringsToInferParameter() {
        Descriptor entry = inference.ModelInferRequest.getDescriptor()
                .findFieldByName("parameters")
                .getMessageType();
        assertEquals(FieldDescriptor.Type.STRING, entry.findFieldByName("key").getType());
        assertEquals(
                "inference.InferParameter",
                entry.findFieldByName("value").getMessageType().getFullName());
    }

    @Test
    void everyRpcHasThePublishedRequestAndResponseTypes() {
        ServiceDescriptor service = GrpcPredictV2.getDescriptor().getServices().get(0);
        List<String> actual = new ArrayList<>();
        for (MethodDescriptor m : service.getMethods()) {
            assertEquals(false, m.isClientStreaming(), m.getName());
            assertEquals(false, m.isServerStreaming(), m.getName());
            actual.add(m.getName() + "(" + m.getInputType().getName() + ") -> "
                    + m.getOutputType().getName());
        }
        assertEquals(PUBLISHED_RPCS, actual);
    }

    private static void describe(Descriptor message, String path, List<String> out) {
        if (message.getOptions().getMapEntry()) {
            return;
        }
        for (FieldDescriptor f : message.getFields()) {
            String type = f.getType() == FieldDescriptor.Type.MESSAGE
                    ? "MESSAGE(" + f.getMessageType().getFullName() + ")"
                    : f.getType().name();
            String label = f.isRepeated() ? "repeated" : "optional";
            String oneof = f.getRealContainingOneof() != null
                    ? " oneof=" + f.getRealContainingOneof().getName()
                    : "";
            out.add(path + "." + f.getName() + " = " + f.getNumber() + " " + type + " " + label + oneof);
        }
        for (Descriptor nested : message.getNestedTypes()) {
            describe(nested, path + "." + nested.getName(), out);
        }
    }
}
