package io.byol4j.grpc;

import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.limits.RefusalLog;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * gRPC-Java's Netty transport logs a WARNING with a stack trace for every request over the message-size
 * limit. This filter replaces those records with a structured refusal line (through the rate-limited
 * {@link RefusalLog}) and tells the running servers (for their refusal metrics); other records pass unchanged.
 * Installed once per JVM.
 */
final class OversizeMessageLog implements Filter {

    /** The transport logger; held so that java.util.logging keeps its filter. */
    private static final Logger TRANSPORT = Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    private static final List<Runnable> LISTENERS = new CopyOnWriteArrayList<>();

    static {
        TRANSPORT.setFilter(new OversizeMessageLog());
    }

    private OversizeMessageLog() {}

    /** Calls {@code onRefusal} for each oversize request until {@link #unregister}. */
    static void register(Runnable onRefusal) {
        LISTENERS.add(onRefusal);
    }

    static void unregister(Runnable onRefusal) {
        LISTENERS.remove(onRefusal);
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable t = record.getThrown();
        if (t == null) {
            return true;
        }
        Status status = Status.fromThrowable(t);
        if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED
                || status.getDescription() == null
                || !status.getDescription().contains("exceeds maximum size")) {
            return true;
        }
        RefusalLog.calls()
                .refused(
                        Limits.MAX_MESSAGE_BYTES,
                        () -> "call refused method=- model=-"
                                + " status=RESOURCE_EXHAUSTED limit=" + Limits.MAX_MESSAGE_BYTES + " detail=\""
                                + status.getDescription()
                                + "\"");
        LISTENERS.forEach(Runnable::run);
        return false;
    }
}
