package io.byol4j.grpc.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Bearer-token authentication ({@code authorization: Bearer <token>}), tokens compared in constant
 * time; the health service stays open. CONTRACT SKELETON: being implemented; until then it lets
 * every call through.
 */
public final class BearerTokenAuth implements ServerInterceptor {

    private BearerTokenAuth() {}

    /** Tokens from a file: one per line, blank lines and lines starting with '#' ignored. */
    public static BearerTokenAuth fromFile(java.nio.file.Path tokens) throws java.io.IOException {
        return new BearerTokenAuth();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        return next.startCall(call, headers);
    }
}
