package io.byol4j.grpc.inference;

import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelNotFoundException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    /** The work of one call that answers later: it starts the work and returns the response's future. */
    @FunctionalInterface
    public interface AsyncBody<R> {
        /**
         * Starts the work; the future completes with the response or fails with the status to answer with (a
         * {@link StatusException}, possibly wrapped in a {@link CompletionException}).
         */
        CompletableFuture<R> start(InferenceCall call) throws StatusException, ModelNotFoundException;
    }

    /** Runs {@code body} for a call of {@code method} and answers on {@code responses}. */
    public static <R> void serve(String method, ServerMetrics metrics, StreamObserver<R> responses, Body<R> body) {
        InferenceCall call = InferenceCall.begin(method, metrics);
        R response = null;
        Throwable failure = null;
        try {
            response = body.run(call);
        } catch (StatusException | ModelNotFoundException | RuntimeException e) {
            failure = e;
        }
        answer(call, responses, response, failure);
    }

    /**
     * Starts {@code body} for a call of {@code method} and answers on {@code responses} when its future completes,
     * on the thread that completes it (for a batched model, the batch worker): the handler thread is not held while
     * the call waits for the model.
     */
    public static <R> void serveAsync(
            String method, ServerMetrics metrics, StreamObserver<R> responses, AsyncBody<R> body) {
        InferenceCall call = InferenceCall.begin(method, metrics);
        CompletableFuture<R> pending;
        try {
            pending = body.start(call);
        } catch (StatusException | ModelNotFoundException | RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        pending.whenComplete((response, failure) -> answer(call, responses, response, failure));
    }

    private static <R> void answer(InferenceCall call, StreamObserver<R> responses, R response, Throwable failure) {
        Throwable e =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        Status status;
        if (e == null) {
            status = Status.OK;
        } else if (e instanceof StatusException se) {
            status = se.getStatus();
        } else if (e instanceof ModelNotFoundException) {
            status = Status.NOT_FOUND.withDescription(e.getMessage());
        } else {
            LOG.error("call method={} model={} failed unexpectedly", call.method(), call.modelName(), e);
            status = Status.INTERNAL.withDescription("internal error: " + e);
        }
        call.finish(status);
        if (status.isOk()) {
            long sending = System.nanoTime();
            responses.onNext(response);
            responses.onCompleted();
            call.stage(ServerMetrics.STAGE_RESPOND, System.nanoTime() - sending);
        } else {
            responses.onError(status.asRuntimeException());
        }
    }
}
