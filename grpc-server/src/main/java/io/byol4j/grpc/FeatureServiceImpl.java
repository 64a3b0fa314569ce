package io.byol4j.grpc;

import io.byol4j.grpc.inference.ImageResult;
import io.byol4j.grpc.inference.InferencePipeline;
import io.byol4j.grpc.inference.UnaryCalls;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelLease;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.OutputSpec;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.EmbedResult;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.byol4j.grpc.v1.ModelInfo;
import io.byol4j.sdk.internal.Vectors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.List;

/**
 * {@code byol4j.v1.FeatureService}: encoded images in, one feature vector (or error) per image out,
 * through the shared {@link InferencePipeline} (limits, batching, deadlines).
 */
final class FeatureServiceImpl extends FeatureServiceGrpc.FeatureServiceImplBase {

    private static final String EMBED = FeatureServiceGrpc.getEmbedMethod().getFullMethodName();
    private static final String INFO =
            FeatureServiceGrpc.getGetModelInfoMethod().getFullMethodName();

    private final ModelRepository models;
    private final InferencePipeline pipeline;
    private final ServerMetrics metrics;

    FeatureServiceImpl(ModelRepository models, InferencePipeline pipeline, ServerMetrics metrics) {
        this.models = models;
        this.pipeline = pipeline;
        this.metrics = metrics;
    }

    @Override
    public void embed(EmbedRequest request, StreamObserver<EmbedResponse> responses) {
        UnaryCalls.serve(EMBED, metrics, responses, call -> {
            try (ModelLease lease = models.lease(request.getModel(), request.getModelVersion())) {
                ServedModel model = lease.model();
                call.model(model.name());
                if (request.getImagesCount() == 0) {
                    throw Status.INVALID_ARGUMENT
                            .withDescription("request has no images")
                            .asException();
                }
                List<ImageResult> results = pipeline.runImages(call, model, request.getImagesList());
                OutputSpec embedding = model.embeddingOutput();
                EmbedResponse.Builder out =
                        EmbedResponse.newBuilder().setModel(model.name()).setModelVersion(model.version());
                for (ImageResult r : results) {
                    EmbedResult.Builder rb = out.addResultsBuilder();
                    if (r.ok()) {
                        float[] f =
                                Arrays.copyOfRange(r.row(), embedding.offset(), embedding.offset() + embedding.width());
                        if (request.getNormalize()) {
                            Vectors.normalizeL2(f);
                        }
                        for (float v : f) {
                            rb.addFeatures(v);
                        }
                    } else {
                        rb.setError(r.error());
                    }
                }
                return out.build();
            }
        });
    }

    @Override
    public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
        UnaryCalls.serve(INFO, metrics, responses, call -> {
            ServedModel model = models.find(request.getModel(), request.getVersion());
            call.model(model.name());
            return ModelInfo.newBuilder()
                    .setEmbeddingDim(model.contract().embeddingDim())
                    .putAllMetadata(model.metadata())
                    .setName(model.name())
                    .setVersion(model.version())
                    .setDevice(model.device())
                    .build();
        });
    }
}
