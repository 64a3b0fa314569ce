package io.byol4j.grpc;

import io.byol4j.grpc.limits.RefusalLog;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

/**
 * Answers a request message that does not parse with INVALID_ARGUMENT and one log line, instead of
 * gRPC's UNKNOWN and a SEVERE stack trace per call. It works by moving the parsing of a service's
 * requests into the call listener ({@link ServerInterceptors#useInputStreamMessages}), where this
 * interceptor can catch the failure.
 */
final class MalformedMessageGuard implements ServerInterceptor {

    private final ServerMetrics metrics;

    private MalformedMessageGuard(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** {@code service} with its requests parsed under the guard. */
    static ServerServiceDefinition guard(BindableService service, ServerMetrics metrics) {
        return ServerInterceptors.intercept(
                ServerInterceptors.useInputStreamMessages(service.bindService()), new MalformedMessageGuard(metrics));
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        long started = System.nanoTime();
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean rejected;

            @Override
            public void onMessage(Q message) {
                if (rejected) {
                    return;
                }
                long parsing = System.nanoTime();
                try {
                    super.onMessage(message);
                    metrics.callStage(
                            call.getMethodDescriptor().getFullMethodName(),
                            ServerMetrics.STAGE_PARSE,
                            System.nanoTime() - parsing);
                } catch (RuntimeException e) {
                    rejected = true;
                    String method = call.getMethodDescriptor().getFullMethodName();
                    String why = Status.fromThrowable(e).getDescription();
                    RefusalLog.calls()
                            .refused(
                                    "malformed_message",
                                    () -> "call refused method=" + method
                                            + " model=- status=INVALID_ARGUMENT detail=\"malformed request message: "
                                            + why + "\"");
                    metrics.callStarted("", method);
                    metrics.callFinished("", method, Status.Code.INVALID_ARGUMENT.name(), System.nanoTime() - started);
                    call.close(
                            Status.INVALID_ARGUMENT.withDescription("malformed request message: the bytes do not"
                                    + " parse as " + method + "'s request type (" + why + ")"),
                            new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!rejected) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!rejected) {
                    super.onReady();
                }
            }
        };
    }
}
