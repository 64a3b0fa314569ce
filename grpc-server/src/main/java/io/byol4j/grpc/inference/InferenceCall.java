package io.byol4j.grpc.inference;

import io.byol4j.grpc.limits.LimitExceededException;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.limits.RefusalLog;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One inference call as the server sees it: its method, model, gRPC context (deadline and
 * cancellation), metrics and the one-line structured log of how it ended. Created on the handler
 * thread; not shared between calls.
 */
public final class InferenceCall {

    private final String method;
    private final ServerMetrics metrics;
    private final Context context;
    private final long started = System.nanoTime();
    private String model = "";
    private boolean counted;

    private InferenceCall(String method, ServerMetrics metrics, Context context) {
        this.method = method;
        this.metrics = metrics;
        this.context = context;
    }

    /** Starts tracking a call of {@code method} (full gRPC method name) in the current gRPC context. */
    public static InferenceCall begin(String method, ServerMetrics metrics) {
        return new InferenceCall(method, metrics, Context.current());
    }

    /** The model the call runs on, once known; the call is counted as started from here. */
    public void model(String name) {
        model = name;
        if (!counted) {
            counted = true;
            metrics.callStarted(model, method);
        }
    }

    /** The gRPC method's full name. */
    public String method() {
        return method;
    }

    /** The model's name, or empty before it is known. */
    public String modelName() {
        return model;
    }

    /** The call's gRPC context. */
    public Context context() {
        return context;
    }

    /** Time left before the deadline, or null without one. */
    public Duration remaining() {
        Deadline d = context.getDeadline();
        return d == null ? null : Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS));
    }

    /**
     * Stops the call's work if the client cancelled it or its deadline passed.
     *
     * @throws StatusException CANCELLED or DEADLINE_EXCEEDED
     */
    public void checkAlive() throws StatusException {
        Deadline d = context.getDeadline();
        if (d != null && d.isExpired()) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("the call's deadline passed; its remaining work was" + " not run")
                    .asException();
        }
        if (context.isCancelled()) {
            throw Status.CANCELLED
                    .withDescription("the call was cancelled; its remaining work was not run")
                    .asException();
        }
    }

    /** A refusal by a limit: counted, logged, and turned into the status the client receives. */
    public StatusException refused(LimitExceededException e) {
        metrics.refused(model, e.limit());
        return e.status().asException();
    }

    /** A refusal by a limit named {@code limit} with {@code status}. */
    public StatusException refused(String limit, Status status) {
        metrics.refused(model, limit);
        return status.asException();
    }

    /** The limit a refusal's description names ({@code "max_...: ..."}), else the status code's name. */
    static String limitOf(Status.Code code, String detail) {
        int colon = detail.indexOf(':');
        if (colon > 0 && Limits.ALL.contains(detail.substring(0, colon))) {
            return detail.substring(0, colon);
        }
        return code.name();
    }

    /**
     * Records the end of the call: metrics and, unless it succeeded, one structured log line through
     * {@link RefusalLog} (rate-limited per limit, or per status code when no limit is named).
     */
    public void finish(Status status) {
        if (!counted) {
            counted = true;
            metrics.callStarted(model, method);
        }
        long nanos = System.nanoTime() - started;
        metrics.callFinished(model, method, status.getCode().name(), nanos);
        if (!status.isOk()) {
            String detail = status.getDescription() == null ? "" : status.getDescription();
            RefusalLog.calls()
                    .refused(
                            limitOf(status.getCode(), detail),
                            () -> "call refused method=" + method
                                    + " model=" + (model.isEmpty() ? "-" : model) + " status=" + status.getCode()
                                    + " millis="
                                    + nanos / 1_000_000 + " detail=\"" + detail.replace('"', '\'') + "\"");
        }
    }
}
