package io.byol4j.grpc.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.EmbedResult;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.byol4j.grpc.v1.ModelInfo;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small client for a byol4j server's {@code FeatureService}: encoded images in, one {@code float[]} (or a
 * per-image error) out.
 *
 * <pre>{@code
 * try (FeatureClient client = FeatureClient.builder("localhost", 50051)
 *         .bearerToken(System.getenv("BYOL4J_TOKEN"))
 *         .deadline(Duration.ofSeconds(5))
 *         .build()) {
 *     float[] features = client.embed(Files.readAllBytes(Path.of("cat.jpg"))).featuresOrThrow();
 * }
 * }</pre>
 *
 * <p>Every call carries the default deadline (10 s unless set) and the bearer token, when one is set. A call that
 * fails as a whole (server unreachable, deadline exceeded, refused by a limit, wrong token) throws gRPC's
 * {@link StatusRuntimeException}, whose {@code getStatus().getCode()} says which ({@code UNAVAILABLE},
 * {@code DEADLINE_EXCEEDED}, {@code RESOURCE_EXHAUSTED}, {@code UNAUTHENTICATED}, ...) and whose description is
 * the server's reason. An image the server cannot use does not fail the call: its {@link Embedding} carries the
 * reason. The client is thread-safe and meant to be shared: one connection, many concurrent calls.
 * {@link #close()} releases the connection (unless the client was made {@link #over over} a caller's channel).
 * A server serving several models needs a model name ({@link Builder#model}, {@link #forModel}).
 */
public final class FeatureClient implements AutoCloseable {

    /** Deadline of each call unless the builder sets another. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    /** Largest response accepted (and request sent) unless the builder sets another: the server's default limit. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel owned;
    private final Channel channel;
    private final Duration deadline;
    private final String model;

    private FeatureClient(ManagedChannel owned, Channel channel, Duration deadline, String model) {
        this.owned = owned;
        this.channel = channel;
        this.deadline = deadline;
        this.model = model;
    }

    /** A plain-text client of {@code host:port} with the default deadline and no token. */
    public static FeatureClient connect(String host, int port) {
        return builder(host, port).build();
    }

    /** A builder for a client of {@code host:port}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * A client over a channel the caller built and keeps owning (e.g. an in-process channel); {@link #close()}
     * leaves it open. {@code bearerToken} may be null.
     */
    public static FeatureClient over(Channel channel, String bearerToken, Duration deadline) {
        return new FeatureClient(null, withToken(channel, bearerToken), positive(deadline), "");
    }

    /**
     * A client of the same connection that asks for model {@code name} (a server with several models needs one;
     * empty selects the server's only model). Closing either closes the shared connection.
     */
    public FeatureClient forModel(String name) {
        return new FeatureClient(owned, channel, deadline, Objects.requireNonNull(name, "name"));
    }

    /** The model this client asks for; empty for the server's only model. */
    public String modelName() {
        return model;
    }

    /**
     * Features of each encoded image (PNG, JPEG, ...), in order, one {@link Embedding} per image.
     *
     * @throws StatusRuntimeException when the call fails as a whole (see the class description)
     * @throws IllegalArgumentException when {@code images} is empty
     */
    public List<Embedding> embed(List<byte[]> images) {
        return toEmbeddings(blocking().embed(request(images, false, model)), images.size());
    }

    /** As {@link #embed(List)}, each feature vector scaled to unit L2 norm by the server. */
    public List<Embedding> embedNormalized(List<byte[]> images) {
        return toEmbeddings(blocking().embed(request(images, true, model)), images.size());
    }

    /** Features of one encoded image. */
    public Embedding embed(byte[] image) {
        return embed(List.of(image)).get(0);
    }

    /**
     * Features of image files, read here and sent in one call.
     *
     * @throws IOException naming the file that is missing or unreadable (nothing is sent then)
     */
    public List<Embedding> embedFiles(List<Path> files) throws IOException {
        List<byte[]> images = new ArrayList<>(files.size());
        for (Path f : files) {
            try {
                images.add(Files.readAllBytes(f));
            } catch (NoSuchFileException e) {
                throw new IOException("image file " + f + ": file not found", e);
            } catch (IOException e) {
                throw new IOException("image file " + f + ": cannot read (" + e.getMessage() + ")", e);
            }
        }
        return embed(images);
    }

    /**
     * As {@link #embed(List)} without blocking: the future completes on a gRPC thread with the embeddings, or
     * exceptionally with the {@link StatusRuntimeException}. Keep work done in callbacks short.
     */
    public CompletableFuture<List<Embedding>> embedAsync(List<byte[]> images) {
        EmbedRequest request = request(images, false, model);
        ListenableFuture<EmbedResponse> call = FeatureServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                .embed(request);
        CompletableFuture<List<Embedding>> result = new CompletableFuture<>();
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                call.cancel(true);
            }
        });
        Futures.addCallback(
                call,
                new FutureCallback<>() {
                    @Override
                    public void onSuccess(EmbedResponse response) {
                        try {
                            result.complete(toEmbeddings(response, images.size()));
                        } catch (RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        result.completeExceptionally(t);
                    }
                },
                MoreExecutors.directExecutor());
        return result;
    }

    /**
     * The served model: name, version, embedding dimension and contract metadata.
     *
     * @throws StatusRuntimeException e.g. NOT_FOUND for an unknown model name
     */
    public ServedModel model() {
        ModelInfo info = blocking()
                .getModelInfo(GetModelInfoRequest.newBuilder().setModel(model).build());
        return new ServedModel(info.getName(), info.getVersion(), info.getEmbeddingDim(), info.getMetadataMap());
    }

    /**
     * Whether the server's {@code FeatureService} is SERVING (standard gRPC health check; needs no token).
     * False when it is NOT_SERVING (loading, warming up or draining) or unknown to the server.
     *
     * @throws StatusRuntimeException when the server cannot be reached within the deadline
     */
    public boolean serving() {
        HealthCheckResponse response;
        try {
            response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                    .check(HealthCheckRequest.newBuilder()
                            .setService(FeatureServiceGrpc.SERVICE_NAME)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
        return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    }

    /** Closes the connection it made, waiting up to 5 s for calls in flight. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (owned == null) {
            return;
        }
        owned.shutdown();
        if (!owned.awaitTermination(5, TimeUnit.SECONDS)) {
            owned.shutdownNow();
            owned.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private FeatureServiceGrpc.FeatureServiceBlockingStub blocking() {
        return FeatureServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static EmbedRequest request(List<byte[]> images, boolean normalize, String model) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to embed");
        }
        EmbedRequest.Builder b =
                EmbedRequest.newBuilder().setNormalize(normalize).setModel(model);
        for (byte[] image : images) {
            b.addImages(ByteString.copyFrom(Objects.requireNonNull(image, "image")));
        }
        return b.build();
    }

    private static List<Embedding> toEmbeddings(EmbedResponse response, int expected) {
        if (response.getResultsCount() != expected) {
            throw new IllegalStateException(
                    "the server answered " + response.getResultsCount() + " results for " + expected + " images");
        }
        List<Embedding> out = new ArrayList<>(expected);
        for (EmbedResult r : response.getResultsList()) {
            if (!r.getError().isEmpty()) {
                out.add(Embedding.failed(r.getError()));
            } else {
                float[] f = new float[r.getFeaturesCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = r.getFeatures(i);
                }
                out.add(Embedding.of(f));
            }
        }
        return List.copyOf(out);
    }

    private static Channel withToken(Channel channel, String token) {
        if (token == null) {
            return channel;
        }
        checkToken(token);
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void checkToken(String token) {
        if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw new IllegalArgumentException("a bearer token is printable ASCII without spaces");
        }
    }

    private static Duration positive(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the deadline must be positive, got " + d);
        }
        return d;
    }

    /** Connection settings of a {@link FeatureClient}; not thread-safe. */
    public static final class Builder {

        private final String host;
        private final int port;
        private boolean tls;
        private Path trustedCa;
        private Path clientCertChain;
        private Path clientKey;
        private String token;
        private Duration deadline = DEFAULT_DEADLINE;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private String model = "";

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, got " + port);
            }
            this.port = port;
        }

        /** TLS, trusting the JVM's default certificate authorities. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** TLS, trusting only the CA certificates in this PEM file (e.g. a private CA or a self-signed server). */
        public Builder tls(Path caCertificates) {
            this.tls = true;
            this.trustedCa = Objects.requireNonNull(caCertificates, "caCertificates");
            return this;
        }

        /** A client certificate (PEM chain and PKCS#8 PEM key) for servers that verify clients; implies TLS. */
        public Builder clientCertificate(Path certChain, Path privateKey) {
            this.tls = true;
            this.clientCertChain = Objects.requireNonNull(certChain, "certChain");
            this.clientKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** Sends {@code authorization: Bearer <token>} with every call. Use with TLS unless on loopback. */
        public Builder bearerToken(String token) {
            checkToken(token);
            this.token = token;
            return this;
        }

        /** The model to ask for by name (default: empty, the server's only model). */
        public Builder model(String name) {
            this.model = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Deadline of each call (default 10 s). */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline);
            return this;
        }

        /** Largest message sent or received (default 64 MiB, the server's default). */
        public Builder maxMessageBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxMessageBytes must be positive, got " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * The client; the connection is made lazily, on the first call.
         *
         * @throws java.io.UncheckedIOException naming a TLS file that is missing or unreadable
         */
        public FeatureClient build() {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress(host, port, credentials())
                    .maxInboundMessageSize(maxMessageBytes)
                    .build();
            return new FeatureClient(channel, withToken(channel, token), deadline, model);
        }

        private ChannelCredentials credentials() {
            if (!tls) {
                return InsecureChannelCredentials.create();
            }
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            try {
                if (trustedCa != null) {
                    b.trustManager(readable(trustedCa, "CA certificates").toFile());
                }
                if (clientCertChain != null) {
                    b.keyManager(
                            readable(clientCertChain, "client certificate chain")
                                    .toFile(),
                            readable(clientKey, "client private key").toFile());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
            return b.build();
        }

        private static Path readable(Path file, String role) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IOException(role + " " + file + ": file not found");
            }
            if (!Files.isReadable(file)) {
                throw new IOException(role + " " + file + ": not readable");
            }
            return file;
        }
    }
}
