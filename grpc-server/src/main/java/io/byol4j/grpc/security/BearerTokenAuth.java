package io.byol4j.grpc.security;

import io.byol4j.grpc.limits.RefusalLog;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token authentication: every call must carry {@code authorization: Bearer <token>} metadata with a token
 * from the token file, or it is closed with {@code UNAUTHENTICATED} (the description says whether the header was
 * missing, not a Bearer token, or carried a token that is not accepted) before any of its messages is read.
 *
 * <p>Open without a token: the health service ({@code grpc.health.v1.Health}) only, because load balancers,
 * orchestrators and {@code grpc_health_probe} check liveness without credentials and health reveals nothing but a
 * serving status. Server reflection needs a token: it lists every service and message schema the server has, which
 * is a map for an attacker and of no use to a client that may not call those services anyway
 * ({@code grpcurl -H 'authorization: Bearer ...'} passes one).
 *
 * <p>Tokens are held as SHA-256 digests and compared in constant time ({@link java.security.MessageDigest#isEqual}
 * over the digests, against every accepted token), so neither the content nor the length of a token leaks through
 * timing. Tokens are never logged. The file is checked for changes at most once per {@link #RELOAD_CHECK_MILLIS}
 * ms, on a call (reading a small file; no watcher thread): changed tokens take effect, and if the file became
 * unreadable or empty the previous tokens stay in force (and a warning is logged once). Thread-safe.
 */
public final class BearerTokenAuth implements ServerInterceptor {

    /** How often, at most, the token file is read again to pick up changed tokens. */
    public static final long RELOAD_CHECK_MILLIS = 2_000;

    /** Services callable without a token. */
    static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health");

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String SCHEME = "bearer ";
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenAuth.class);

    private final Path file;
    private final ServerMetrics metrics;
    private final long checkMillis;
    private final AtomicLong nextCheck = new AtomicLong();
    private volatile TokenFile tokens;

    private BearerTokenAuth(Path file, TokenFile tokens, ServerMetrics metrics, long checkMillis) {
        this.file = file;
        this.tokens = tokens;
        this.metrics = metrics;
        this.checkMillis = checkMillis;
        this.nextCheck.set(System.currentTimeMillis() + checkMillis);
    }

    /**
     * Tokens from a file: one per line, blank lines and lines starting with '#' ignored.
     *
     * @throws IOException naming the file when it is missing, unreadable, holds no token or a token with spaces
     *     or non-ASCII characters
     */
    public static BearerTokenAuth fromFile(java.nio.file.Path tokens) throws java.io.IOException {
        return fromFile(tokens, RELOAD_CHECK_MILLIS);
    }

    static BearerTokenAuth fromFile(Path tokens, long checkMillis) throws IOException {
        return new BearerTokenAuth(tokens, TokenFile.read(tokens), null, checkMillis);
    }

    /** The same authentication, counting each refusal in {@code metrics} under the limit {@code auth}. */
    public BearerTokenAuth reportingTo(ServerMetrics metrics) {
        return new BearerTokenAuth(file, tokens, Objects.requireNonNull(metrics, "metrics"), checkMillis);
    }

    /** How many tokens are accepted right now. */
    public int tokenCount() {
        return tokens.size();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (OPEN_SERVICES.contains(MethodDescriptor.extractFullServiceName(method))) {
            return next.startCall(call, headers);
        }
        reloadIfChanged();
        String header = headers.get(AUTHORIZATION);
        String refusal;
        String reason;
        if (header == null) {
            reason = "missing_token";
            refusal = "missing 'authorization' metadata: this server needs 'authorization: Bearer <token>'";
        } else if (header.length() < SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            reason = "not_bearer";
            refusal = "the 'authorization' metadata is not a Bearer token: expected 'Bearer <token>'";
        } else if (!tokens.accepts(header.substring(SCHEME.length()).strip())) {
            reason = "wrong_token";
            refusal = "the bearer token is not accepted by this server";
        } else {
            return next.startCall(call, headers);
        }
        RefusalLog.calls()
                .refused(
                        "auth",
                        () -> "call refused method=" + method + " model=- status=UNAUTHENTICATED"
                                + " limit=auth reason=" + reason + " peer="
                                + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (metrics != null) {
            metrics.refused("", "auth");
        }
        call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private void reloadIfChanged() {
        long now = System.currentTimeMillis();
        long due = nextCheck.get();
        if (now < due || !nextCheck.compareAndSet(due, now + checkMillis)) {
            return;
        }
        TokenFile current = tokens;
        try {
            TokenFile reloaded = TokenFile.read(file);
            if (!reloaded.sameTokens(current)) {
                tokens = reloaded;
                LOG.info("token file {} reloaded: {} token(s)", file, reloaded.size());
            }
        } catch (IOException e) {
            if (current.unusableSince(e.getMessage())) {
                LOG.warn("{}; the previous {} token(s) stay in force", e.getMessage(), current.size());
            }
        }
    }
}
