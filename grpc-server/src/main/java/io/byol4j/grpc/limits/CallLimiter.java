package io.byol4j.grpc.limits;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Refuses inference calls beyond {@code max_concurrent_calls} at once with RESOURCE_EXHAUSTED, before the
 * call does any work. Only the methods named at construction are counted (health, metadata and
 * reflection stay open). A call holds its slot from its start until the server closes it (answers it), so
 * the slot is free again before the client sees the answer; a cancelled call frees its slot on cancellation.
 * Thread-safe.
 */
public final class CallLimiter implements ServerInterceptor {

    /** Told about each refusal: the full method name. */
    @FunctionalInterface
    public interface RefusalListener {
        /** A call of {@code method} was refused. */
        void refused(String method);
    }

    private final int max;
    private final Set<String> countedMethods;
    private final RefusalListener listener;
    private final AtomicInteger running = new AtomicInteger();

    /** Allows {@code max} concurrent calls of {@code countedMethods} (full method names). */
    public CallLimiter(int max, Set<String> countedMethods, RefusalListener listener) {
        this.max = max;
        this.countedMethods = Set.copyOf(countedMethods);
        this.listener = listener;
    }

    /** Counted calls running now. */
    public int running() {
        return running.get();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!countedMethods.contains(method)) {
            return next.startCall(call, headers);
        }
        if (running.incrementAndGet() > max) {
            running.decrementAndGet();
            listener.refused(method);
            call.close(
                    Status.RESOURCE_EXHAUSTED.withDescription(Limits.MAX_CONCURRENT_CALLS + ": " + max
                            + " inference calls are already running; retry later"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable release = () -> {
            if (done.compareAndSet(false, true)) {
                running.decrementAndGet();
            }
        };
        ServerCall.Listener<Q> delegate;
        try {
            // The slot is freed when the server closes the call, before the status is written: a client that
            // starts its next call as soon as this one returns must find the slot free again.
            delegate = next.startCall(
                    new SimpleForwardingServerCall<>(call) {
                        @Override
                        public void close(Status status, Metadata trailers) {
                            release.run();
                            super.close(status, trailers);
                        }
                    },
                    headers);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    release.run();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    release.run();
                }
            }
        };
    }
}
