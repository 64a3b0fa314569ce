package io.byol4j.grpc.inference;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.limits.LimitExceededException;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.limits.PixelBudget;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the samples of one call through a model, for both gRPC services. Encoded images are decoded one
 * at a time, each under a reservation of its declared pixels in the shared {@link PixelBudget} (taken
 * before decoding, returned once the image is preprocessed), and queued for the model right away so
 * that decoding overlaps inference. Before each image and while waiting, a cancelled call or a passed
 * deadline stops the call's remaining work (queued samples are withdrawn). Thread-safe.
 */
public final class InferencePipeline {

    private static final org.slf4j.Logger REFUSALS = org.slf4j.LoggerFactory.getLogger("io.byol4j.grpc.calls");

    private final Limits limits;
    private final PixelBudget budget;
    private final ServerMetrics metrics;
    private final ImageDecoder decoder;

    /** A pipeline enforcing {@code limits}, with one pixel budget for all calls. */
    public InferencePipeline(Limits limits, ServerMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
        this.budget = new PixelBudget(limits.maxPixelsInFlight(), metrics::pixelsInFlight);
        this.decoder = new ImageDecoder(limits.maxPixelsPerImage(), limits.maxMessageBytes());
    }

    /** The limits enforced. */
    public Limits limits() {
        return limits;
    }

    /** The shared decoding budget. */
    public PixelBudget budget() {
        return budget;
    }

    /**
     * Refuses a call with more than {@code max_images_per_request} samples.
     *
     * @throws StatusException INVALID_ARGUMENT naming the limit
     */
    public void checkCount(InferenceCall call, int count) throws StatusException {
        if (count > limits.maxImagesPerRequest()) {
            throw call.refused(
                    Limits.MAX_IMAGES_PER_REQUEST,
                    Status.INVALID_ARGUMENT.withDescription(Limits.MAX_IMAGES_PER_REQUEST + ": the request has " + count
                            + " images; the limit is " + limits.maxImagesPerRequest()));
        }
    }

    /**
     * Decodes, preprocesses and runs encoded images. An image that cannot be decoded (or that declares
     * more than {@code max_pixels_per_image}) gets an error result and does not stop the others.
     *
     * @throws StatusException for the whole call: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (pixel
     *     budget or queue full, naming the limit), INTERNAL
     */
    public List<ImageResult> runImages(InferenceCall call, ServedModel model, List<ByteString> images)
            throws StatusException {
        checkCount(call, images.size());
        int n = images.size();
        String[] errors = new String[n];
        // filled on this thread, read by a cancellation on another; null for an image that could not be decoded
        List<CompletableFuture<float[]>> futures = new CopyOnWriteArrayList<>();
        Context.CancellationListener onCancel = ctx -> cancelAll(futures);
        call.context().addListener(onCancel, Runnable::run);
        try {
            int channels = model.contract().channels();
            long decodeNanos = 0;
            long modelNanos = 0;
            for (int i = 0; i < n; i++) {
                call.checkAlive();
                float[] sample;
                long t0 = System.nanoTime();
                try {
                    sample = decode(call, model, images.get(i).toByteArray(), channels, i);
                } catch (ImageDecodeException e) {
                    decodeNanos += System.nanoTime() - t0;
                    errors[i] = e.reason() + ": " + e.getMessage();
                    futures.add(null);
                    continue;
                }
                long t1 = System.nanoTime();
                decodeNanos += t1 - t0;
                metrics.imageDecoded(model.name(), t1 - t0);
                futures.add(submit(call, model, sample));
                modelNanos += System.nanoTime() - t1;
            }
            metrics.callStage(call.method(), ServerMetrics.STAGE_DECODE, decodeNanos);
            long waitStart = System.nanoTime();
            float[][] rows = await(call, model, futures, errors);
            metrics.callStage(call.method(), ServerMetrics.STAGE_MODEL, modelNanos + System.nanoTime() - waitStart);
            List<ImageResult> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                results.add(new ImageResult(rows[i], rows[i] == null ? errors[i] : null));
            }
            return results;
        } catch (StatusException e) {
            cancelAll(futures);
            throw e;
        } finally {
            call.context().removeListener(onCancel);
        }
    }

    /**
     * Runs {@code n} preprocessed samples packed in {@code samples} (NCHW).
     *
     * @throws StatusException for the whole call, as {@link #runImages}, or INTERNAL when a sample fails
     */
    public float[][] runSamples(InferenceCall call, ServedModel model, float[] samples, int n) throws StatusException {
        checkCount(call, n);
        int size = model.sampleSize();
        // filled on this thread, read by a cancellation on another
        List<CompletableFuture<float[]>> futures = new CopyOnWriteArrayList<>();
        Context.CancellationListener onCancel = ctx -> cancelAll(futures);
        call.context().addListener(onCancel, Runnable::run);
        try {
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                call.checkAlive();
                futures.add(submit(call, model, Arrays.copyOfRange(samples, i * size, (i + 1) * size)));
            }
            String[] errors = new String[n];
            float[][] rows = await(call, model, futures, errors);
            metrics.callStage(call.method(), ServerMetrics.STAGE_MODEL, System.nanoTime() - started);
            for (int i = 0; i < n; i++) {
                if (rows[i] == null) {
                    throw Status.INTERNAL
                            .withDescription("sample " + i + ": " + errors[i])
                            .asException();
                }
            }
            return rows;
        } catch (StatusException e) {
            cancelAll(futures);
            throw e;
        } finally {
            call.context().removeListener(onCancel);
        }
    }

    /** Withdraws every queued sample of a call (null entries, images that were not decoded, are skipped). */
    private static void cancelAll(List<CompletableFuture<float[]>> futures) {
        for (CompletableFuture<float[]> f : futures) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private float[] decode(InferenceCall call, ServedModel model, byte[] data, int channels, int index)
            throws ImageDecodeException, StatusException {
        long declared = ImageDecoder.declaredPixels(data);
        if (declared > limits.maxPixelsPerImage()) {
            metrics.refused(model.name(), Limits.MAX_PIXELS_PER_IMAGE);
            REFUSALS.warn(
                    "image refused method={} model={} index={} limit={} detail=\"declares {} pixels, limit {}\"",
                    call.method(),
                    model.name(),
                    index,
                    Limits.MAX_PIXELS_PER_IMAGE,
                    declared,
                    limits.maxPixelsPerImage());
            throw new ImageDecodeException(
                    ImageDecodeException.Reason.TOO_LARGE,
                    Limits.MAX_PIXELS_PER_IMAGE
                            + ": image " + index + " declares " + declared + " pixels in its header; the limit is "
                            + limits.maxPixelsPerImage() + " (nothing was decoded)");
        }
        Duration remaining = call.remaining();
        long wait = limits.maxBudgetWait().toNanos();
        boolean deadlineFirst = remaining != null && remaining.toNanos() < wait;
        if (deadlineFirst) {
            wait = remaining.toNanos();
        }
        PixelBudget.Reservation reservation;
        // A cancelled (or expired) call must not keep waiting for room: its cancellation wakes this thread.
        Thread waiter = Thread.currentThread();
        AtomicBoolean waiting = new AtomicBoolean(true);
        Context.CancellationListener wake = ctx -> {
            synchronized (waiting) {
                if (waiting.get()) {
                    waiter.interrupt();
                }
            }
        };
        call.context().addListener(wake, Runnable::run);
        try {
            reservation = budget.reserve(declared, wait);
        } catch (LimitExceededException e) {
            call.checkAlive();
            if (deadlineFirst) {
                throw Status.DEADLINE_EXCEEDED
                        .withDescription("the deadline passed while image " + index
                                + " waited for room in the decoding budget (" + Limits.MAX_PIXELS_IN_FLIGHT + ")")
                        .asException();
            }
            throw call.refused(e);
        } catch (InterruptedException e) {
            call.checkAlive();
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("interrupted while waiting for the decoding budget")
                    .asException();
        } finally {
            call.context().removeListener(wake);
            synchronized (waiting) {
                waiting.set(false);
            }
            if (call.context().isCancelled()) {
                // A wake-up that came after the room was found: it is answered by checkAlive below.
                Thread.interrupted();
            }
        }
        try (reservation) {
            // The call may have ended while it waited: then nothing is decoded.
            call.checkAlive();
            DecodedImage image = decoder.decode(data, channels);
            return model.preprocessor().apply(image);
        } catch (RuntimeException e) {
            throw new ImageDecodeException(
                    ImageDecodeException.Reason.CORRUPT,
                    "image " + index + ": cannot preprocess: " + e.getMessage(),
                    e);
        }
    }

    private CompletableFuture<float[]> submit(InferenceCall call, ServedModel model, float[] sample)
            throws StatusException {
        Duration remaining = call.remaining();
        if (remaining != null && (remaining.isNegative() || remaining.isZero())) {
            call.checkAlive();
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("the call's deadline passed")
                    .asException();
        }
        CompletableFuture<float[]> f = model.submit(sample, remaining);
        metrics.queueDepth(model.name(), model.queued());
        if (f.isCompletedExceptionally()) {
            try {
                f.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof RejectedExecutionException) {
                    throw call.refused(
                            Limits.QUEUE_CAPACITY,
                            Status.RESOURCE_EXHAUSTED.withDescription(
                                    Limits.QUEUE_CAPACITY + ": the batching queue of model " + model.name()
                                            + " is full (" + cause.getMessage() + "); retry later"));
                }
            }
        }
        return f;
    }

    private float[][] await(
            InferenceCall call, ServedModel model, List<CompletableFuture<float[]>> futures, String[] errors)
            throws StatusException {
        float[][] rows = new float[futures.size()][];
        int ok = 0;
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<float[]> f = futures.get(i);
            if (f == null) {
                continue;
            }
            try {
                rows[i] = f.get();
                ok++;
            } catch (CancellationException e) {
                call.checkAlive();
                throw Status.CANCELLED
                        .withDescription("the call's work was withdrawn")
                        .asException();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asException();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TimeoutException) {
                    throw Status.DEADLINE_EXCEEDED
                            .withDescription(
                                    "the call's deadline passed before image " + i + " was run; it was not run")
                            .asException();
                }
                if (cause instanceof RejectedExecutionException) {
                    throw call.refused(
                            Limits.QUEUE_CAPACITY,
                            Status.RESOURCE_EXHAUSTED.withDescription(
                                    Limits.QUEUE_CAPACITY + ": " + cause.getMessage()));
                }
                errors[i] = "INFERENCE_FAILED: " + cause.getMessage();
            }
        }
        if (ok > 0) {
            metrics.imagesInferred(model.name(), ok);
        }
        return rows;
    }
}
