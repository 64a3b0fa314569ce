package io.byol4j.grpc.kserve;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelMetadataResponse.TensorMetadata;
import inference.ModelReadyRequest;
import inference.ModelReadyResponse;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelLoadResponse;
import inference.RepositoryModelUnloadRequest;
import inference.RepositoryModelUnloadResponse;
import inference.ServerLiveRequest;
import inference.ServerLiveResponse;
import inference.ServerMetadataRequest;
import inference.ServerMetadataResponse;
import inference.ServerReadyRequest;
import inference.ServerReadyResponse;
import io.byol4j.grpc.inference.ImageResult;
import io.byol4j.grpc.inference.InferenceCall;
import io.byol4j.grpc.inference.InferencePipeline;
import io.byol4j.grpc.inference.UnaryCalls;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelLease;
import io.byol4j.grpc.model.ModelNotFoundException;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.OutputSpec;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.sdk.model.ModelContract;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The KServe v2 / Open Inference Protocol service ({@code inference.GRPCInferenceService}).
 *
 * <p>Each model takes one of two inputs per request: its FP32 input (named as in its contract, shape
 * {@code [N, C, H, W]}, preprocessed as the contract prescribes) or {@value #ENCODED_INPUT} (BYTES,
 * shape {@code [N]} or {@code [N, 1]}, encoded PNG/JPEG/... images), each in {@code contents} or
 * {@code raw_input_contents} form. It returns every FP32 output of the model (the embedding and, for
 * a model exported with a classification head, the class probabilities) or those requested, shape
 * {@code [N, ...]}, raw when the request was raw, with the request's id. A bad image fails the call
 * with INVALID_ARGUMENT naming its index. RepositoryModelLoad reloads a model (picking up a new
 * version); RepositoryModelUnload stops serving one. Thread-safe.
 */
public final class KServeInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** Name of the BYTES input of encoded images every model accepts. */
    public static final String ENCODED_INPUT = "encoded_images";
    /** Platform reported in model metadata. */
    public static final String PLATFORM = "onnxruntime_onnx";

    private static final String INFER =
            GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName();
    private static final String METADATA =
            GRPCInferenceServiceGrpc.getModelMetadataMethod().getFullMethodName();
    private static final String LOAD =
            GRPCInferenceServiceGrpc.getRepositoryModelLoadMethod().getFullMethodName();
    private static final String UNLOAD =
            GRPCInferenceServiceGrpc.getRepositoryModelUnloadMethod().getFullMethodName();

    private final ModelRepository models;
    private final InferencePipeline pipeline;
    private final ServerMetrics metrics;
    private final BooleanSupplier serving;
    private final String version;

    /**
     * A service over {@code models}; {@code serving} says whether the server accepts inference (false
     * before warm-up and while draining).
     */
    public KServeInferenceService(
            ModelRepository models,
            InferencePipeline pipeline,
            ServerMetrics metrics,
            BooleanSupplier serving,
            String version) {
        this.models = models;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.serving = serving;
        this.version = version;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        responses.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        responses.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        responses.onNext(ServerReadyResponse.newBuilder()
                .setReady(serving.getAsBoolean() && models.allReady())
                .build());
        responses.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        boolean ready;
        try {
            ready = serving.getAsBoolean()
                    && models.find(request.getName(), request.getVersion()).isReady();
        } catch (ModelNotFoundException e) {
            ready = false;
        }
        responses.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
        responses.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        responses.onNext(ServerMetadataResponse.newBuilder()
                .setName("byol4j")
                .setVersion(version)
                .addExtensions("model_repository")
                .addExtensions("classification")
                .build());
        responses.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        UnaryCalls.serve(METADATA, metrics, responses, call -> {
            ServedModel model = models.find(request.getName(), request.getVersion());
            call.model(model.name());
            ModelContract c = model.contract();
            // Without a version: the highest version's tensors, and every version that may be requested.
            List<String> versions =
                    request.getVersion().isEmpty() ? models.versions(model.name()) : List.of(model.version());
            ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder()
                    .setName(model.name())
                    .addAllVersions(versions.isEmpty() ? List.of(model.version()) : versions)
                    .setPlatform(PLATFORM);
            out.addInputs(TensorMetadata.newBuilder()
                    .setName(c.inputName())
                    .setDatatype("FP32")
                    .addShape(-1)
                    .addShape(c.channels())
                    .addShape(c.height())
                    .addShape(c.width()));
            out.addInputs(TensorMetadata.newBuilder()
                    .setName(ENCODED_INPUT)
                    .setDatatype("BYTES")
                    .addShape(-1));
            for (OutputSpec o : model.outputs()) {
                TensorMetadata.Builder t = out.addOutputsBuilder()
                        .setName(o.name())
                        .setDatatype("FP32")
                        .addShape(-1);
                for (int d = 1; d < o.shape().length; d++) {
                    t.addShape(o.shape()[d]);
                }
            }
            return out.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        Duration timeout;
        try {
            timeout = InferParameters.check(request);
        } catch (StatusException e) {
            UnaryCalls.serve(INFER, metrics, responses, call -> {
                throw e;
            });
            return;
        }
        if (timeout == null) {
            UnaryCalls.serve(INFER, metrics, responses, call -> infer(call, request));
            return;
        }
        // The request's timeout parameter: the call runs under the earlier of it and the gRPC deadline.
        Context.CancellableContext bounded =
                Context.current().withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS, Timers.SCHEDULER);
        try {
            bounded.run(() -> UnaryCalls.serve(INFER, metrics, responses, call -> infer(call, request)));
        } finally {
            bounded.cancel(null);
        }
    }

    private ModelInferResponse infer(InferenceCall call, ModelInferRequest request)
            throws StatusException, ModelNotFoundException {
        try (ModelLease lease = models.lease(request.getModelName(), request.getModelVersion())) {
            ServedModel model = lease.model();
            call.model(model.name());
            return infer(call, model, request);
        }
    }

    /** The scheduler of request timeouts (one daemon thread, only started when a request sets one). */
    private static final class Timers {
        static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "byol4j-request-timeouts");
            t.setDaemon(true);
            return t;
        });
    }

    private ModelInferResponse infer(InferenceCall call, ServedModel model, ModelInferRequest request)
            throws StatusException {
        ModelContract c = model.contract();
        if (request.getInputsCount() != 1) {
            throw TensorCodec.invalid("ModelInfer takes exactly one input, '" + c.inputName() + "' (FP32 [N,"
                    + c.channels() + "," + c.height() + "," + c.width() + "]) or '" + ENCODED_INPUT
                    + "' (BYTES [N]); the request has " + request.getInputsCount());
        }
        boolean raw = request.getRawInputContentsCount() > 0;
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        if (raw && request.getRawInputContentsCount() != 1) {
            throw TensorCodec.invalid(
                    "raw_input_contents has " + request.getRawInputContentsCount() + " entries for 1 input");
        }
        if (raw && input.hasContents()) {
            throw TensorCodec.invalid("input '" + input.getName() + "' sets contents while raw_input_contents is"
                    + " used; use one form");
        }
        List<OutputSpec> outputs = requestedOutputs(model, request);
        Map<String, Integer> classification = new HashMap<>();
        for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
            int k = InferParameters.classification(o);
            if (k > 0) {
                classification.put(o.getName(), k);
            }
        }
        float[][] rows;
        if (input.getName().equals(c.inputName())) {
            rows = inferTensor(call, model, input, raw ? request.getRawInputContents(0) : null);
        } else if (input.getName().equals(ENCODED_INPUT)) {
            rows = inferImages(call, model, input, raw ? request.getRawInputContents(0) : null);
        } else {
            throw TensorCodec.invalid("model '" + model.name() + "' has no input '" + input.getName() + "'; its inputs"
                    + " are '" + c.inputName() + "' (FP32) and '" + ENCODED_INPUT + "' (BYTES)");
        }
        ModelInferResponse.Builder out = ModelInferResponse.newBuilder()
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setId(request.getId());
        for (OutputSpec o : outputs) {
            int classes = classification.getOrDefault(o.name(), 0);
            if (classes > 0) {
                TopK top = TopK.of(model, o, classes);
                List<byte[]> strings = top.strings(rows, o);
                ModelInferResponse.InferOutputTensor.Builder t = out.addOutputsBuilder()
                        .setName(o.name())
                        .setDatatype("BYTES")
                        .addShape(rows.length)
                        .addShape(top.k());
                if (raw) {
                    out.addRawOutputContents(TensorCodec.bytesRaw(strings));
                } else {
                    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                    strings.forEach(b -> contents.addBytesContents(ByteString.copyFrom(b)));
                    t.setContents(contents);
                }
                continue;
            }
            ModelInferResponse.InferOutputTensor.Builder t = out.addOutputsBuilder()
                    .setName(o.name())
                    .setDatatype("FP32")
                    .addShape(rows.length);
            for (int d = 1; d < o.shape().length; d++) {
                t.addShape(o.shape()[d]);
            }
            if (raw) {
                out.addRawOutputContents(TensorCodec.fp32Raw(rows, o.offset(), o.width()));
            } else {
                InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                for (float[] row : rows) {
                    for (int k = 0; k < o.width(); k++) {
                        contents.addFp32Contents(row[o.offset() + k]);
                    }
                }
                t.setContents(contents);
            }
        }
        return out.build();
    }

    private static List<OutputSpec> requestedOutputs(ServedModel model, ModelInferRequest request)
            throws StatusException {
        if (request.getOutputsCount() == 0) {
            return model.outputs();
        }
        Set<String> seen = new LinkedHashSet<>();
        List<OutputSpec> chosen = new ArrayList<>();
        for (ModelInferRequest.InferRequestedOutputTensor wanted : request.getOutputsList()) {
            OutputSpec found = null;
            for (OutputSpec o : model.outputs()) {
                if (o.name().equals(wanted.getName())) {
                    found = o;
                }
            }
            if (found == null) {
                List<String> names =
                        model.outputs().stream().map(OutputSpec::name).toList();
                throw TensorCodec.invalid("model '" + model.name() + "' has no output '" + wanted.getName()
                        + "'; its outputs are " + names);
            }
            if (seen.add(found.name())) {
                chosen.add(found);
            }
        }
        return chosen;
    }

    private float[][] inferTensor(
            InferenceCall call, ServedModel model, ModelInferRequest.InferInputTensor input, ByteString raw)
            throws StatusException {
        ModelContract c = model.contract();
        String name = input.getName();
        if (!"FP32".equals(input.getDatatype())) {
            throw TensorCodec.invalid("input '" + name + "' must be FP32, got '" + input.getDatatype() + "'");
        }
        List<Long> shape = input.getShapeList();
        if (shape.size() != 4
                || shape.get(0) < 1
                || shape.get(1) != c.channels()
                || shape.get(2) != c.height()
                || shape.get(3) != c.width()) {
            throw TensorCodec.invalid("input '" + name + "' has shape " + shape + "; model '" + model.name()
                    + "' takes [N, " + c.channels() + ", " + c.height() + ", " + c.width() + "] with N >= 1");
        }
        pipeline.checkCount(call, (int) Math.min(Integer.MAX_VALUE, shape.get(0)));
        int n = shape.get(0).intValue();
        long count = (long) n * model.sampleSize();
        float[] values;
        if (raw != null) {
            values = TensorCodec.fp32(raw, count, name);
        } else {
            if (input.getContents().getFp32ContentsCount() != count) {
                throw TensorCodec.invalid(
                        "input '" + name + "' has " + input.getContents().getFp32ContentsCount()
                                + " fp32_contents; its shape " + shape + " needs " + count);
            }
            values = new float[(int) count];
            for (int i = 0; i < values.length; i++) {
                values[i] = input.getContents().getFp32Contents(i);
            }
        }
        return pipeline.runSamples(call, model, values, n);
    }

    private float[][] inferImages(
            InferenceCall call, ServedModel model, ModelInferRequest.InferInputTensor input, ByteString raw)
            throws StatusException {
        String name = input.getName();
        if (!"BYTES".equals(input.getDatatype())) {
            throw TensorCodec.invalid("input '" + name + "' must be BYTES, got '" + input.getDatatype() + "'");
        }
        List<Long> shape = input.getShapeList();
        boolean ok = (shape.size() == 1 || (shape.size() == 2 && shape.get(1) == 1)) && shape.get(0) >= 1;
        if (!ok) {
            throw TensorCodec.invalid("input '" + name + "' has shape " + shape + "; it takes [N] (or [N, 1]) encoded"
                    + " images with N >= 1");
        }
        pipeline.checkCount(call, (int) Math.min(Integer.MAX_VALUE, shape.get(0)));
        int n = shape.get(0).intValue();
        List<ByteString> images;
        if (raw != null) {
            images = TensorCodec.bytes(raw, n, name);
        } else {
            images = input.getContents().getBytesContentsList();
            if (images.size() != n) {
                throw TensorCodec.invalid("input '" + name + "' has " + images.size() + " bytes_contents; its shape "
                        + shape + " needs " + n);
            }
        }
        List<ImageResult> results = pipeline.runImages(call, model, images);
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            ImageResult r = results.get(i);
            if (!r.ok()) {
                throw TensorCodec.invalid("element " + i + " of input '" + name + "': " + r.error());
            }
            rows[i] = r.row();
        }
        return rows;
    }

    @Override
    public void repositoryModelLoad(
            RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> responses) {
        UnaryCalls.serve(LOAD, metrics, responses, call -> {
            call.model(request.getModelName());
            try {
                ServedModel loaded = models.load(request.getModelName());
                return RepositoryModelLoadResponse.newBuilder()
                        .setModelName(loaded.name())
                        .setIsLoaded(true)
                        .build();
            } catch (IOException | RuntimeException e) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("model '" + request.getModelName()
                                + "' failed to load; the versions already served (if any) keep serving: "
                                + e.getMessage())
                        .asException();
            }
        });
    }

    @Override
    public void repositoryModelUnload(
            RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> responses) {
        UnaryCalls.serve(UNLOAD, metrics, responses, call -> {
            call.model(request.getModelName());
            if (!models.unload(request.getModelName())) {
                throw new ModelNotFoundException(
                        "model '" + request.getModelName() + "' is not served; served models: " + models.names());
            }
            return RepositoryModelUnloadResponse.newBuilder()
                    .setModelName(request.getModelName())
                    .setIsUnloaded(true)
                    .build();
        });
    }
}
