package io.byol4j.grpc;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.EmbedResult;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.byol4j.grpc.v1.ModelInfo;
import io.byol4j.sdk.encoder.Encoder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/** Serves an {@link Encoder} over gRPC: each request's images are encoded as one batch. */
final class FeatureServiceImpl extends FeatureServiceGrpc.FeatureServiceImplBase {

    private final Encoder encoder;
    private final int maxImagesPerRequest;

    FeatureServiceImpl(Encoder encoder, int maxImagesPerRequest) {
        this.encoder = encoder;
        this.maxImagesPerRequest = maxImagesPerRequest;
    }

    @Override
    public void embed(EmbedRequest request, StreamObserver<EmbedResponse> responses) {
        if (request.getImagesCount() == 0) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("request has no images").asRuntimeException());
            return;
        }
        if (request.getImagesCount() > maxImagesPerRequest) {
            responses.onError(Status.INVALID_ARGUMENT
                    .withDescription("request has " + request.getImagesCount() + " images; the limit is "
                            + maxImagesPerRequest)
                    .asRuntimeException());
            return;
        }
        List<byte[]> images = new ArrayList<>(request.getImagesCount());
        for (ByteString b : request.getImagesList()) {
            images.add(b.toByteArray());
        }
        try {
            EmbedResponse.Builder out = EmbedResponse.newBuilder();
            for (var r : encoder.embedEncoded(images)) {
                EmbedResult.Builder rb = EmbedResult.newBuilder();
                if (r.ok()) {
                    float[] f = request.getNormalize() ? l2Normalized(r.features()) : r.features();
                    for (float v : f) {
                        rb.addFeatures(v);
                    }
                } else {
                    rb.setError(r.error());
                }
                out.addResults(rb);
            }
            responses.onNext(out.build());
            responses.onCompleted();
        } catch (Exception e) {
            responses.onError(Status.INTERNAL.withDescription("inference failed: " + e.getMessage())
                    .withCause(e).asRuntimeException());
        }
    }

    @Override
    public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
        responses.onNext(ModelInfo.newBuilder()
                .setEmbeddingDim(encoder.embeddingDim())
                .putAllMetadata(encoder.contract().toMetadata())
                .build());
        responses.onCompleted();
    }

    static float[] l2Normalized(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float inv = s > 0 ? (float) (1.0 / Math.sqrt(s)) : 0f;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
