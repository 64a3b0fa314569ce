package io.byol4j.grpc.inference;

import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelNotFoundException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the body of a unary inference call and answers it: the body's response, or the status it
 * failed with (client errors become their status without a stack trace; only unexpected exceptions are
 * logged with one). Every call is recorded through {@link InferenceCall}.
 */
public final class UnaryCalls {

    private static final Logger LOG = LoggerFactory.getLogger(UnaryCalls.class);

    /** The work of one call. */
    @FunctionalInterface
    public interface Body<R> {
        /** Computes the response or throws the status to answer with. */
        R run(InferenceCall call) throws StatusException, ModelNotFoundException;
    }

    private UnaryCalls() {}

    /** Runs {@code body} for a call of {@code method} and answers on {@code responses}. */
    public static <R> void serve(String method, ServerMetrics metrics, StreamObserver<R> responses, Body<R> body) {
        InferenceCall call = InferenceCall.begin(method, metrics);
        Status status;
        R response = null;
        try {
            response = body.run(call);
            status = Status.OK;
        } catch (StatusException e) {
            status = e.getStatus();
        } catch (ModelNotFoundException e) {
            status = Status.NOT_FOUND.withDescription(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("call method={} model={} failed unexpectedly", method, call.modelName(), e);
            status = Status.INTERNAL.withDescription("internal error: " + e);
        }
        call.finish(status);
        if (status.isOk()) {
            long sending = System.nanoTime();
            responses.onNext(response);
            responses.onCompleted();
            metrics.callStage(method, ServerMetrics.STAGE_RESPOND, System.nanoTime() - sending);
        } else {
            responses.onError(status.asRuntimeException());
        }
    }
}
