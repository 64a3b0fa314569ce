package io.byol4j.sdkbench.serve;

import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Open-loop overload: requests are sent at a fixed rate whatever the server answers (as independent clients
 * would), each asynchronously, for a fixed time; every second the server process's resident memory and thread
 * count and the server's queue depth are sampled. At the end it waits for every call to finish and counts each outcome, so a call that
 * never answered would show as lost.
 */
final class Overload {

    /** One second's sample. */
    record Sample(
            int second,
            long sent,
            long ok,
            long refused,
            long outstanding,
            long queueDepth,
            double rssMb,
            int threads) {}

    /** What is sampled each second about the server. */
    interface Probe {
        /** Images in the server's batching queues (-1 when unknown). */
        long queueDepth();

        /** Resident memory and threads of the server's process. */
        ProcStatus status() throws IOException;
    }

    /**
     * What happened.
     *
     * @param sent calls sent
     * @param outcomes finished calls by gRPC status code name (OK, RESOURCE_EXHAUSTED, ...)
     * @param failureReasons failed calls by status code and the limit the description names
     * @param lost calls that never finished (within the drain time after the run)
     * @param skipped sends skipped because the client already had {@code maxOutstanding} calls in flight
     * @param samples one per second
     */
    record Result(
            double rate,
            double seconds,
            long sent,
            Map<String, Long> outcomes,
            Map<String, Long> failureReasons,
            long lost,
            long skipped,
            List<Sample> samples) {

        long count(String code) {
            return outcomes.getOrDefault(code, 0L);
        }

        /** Calls that finished with anything else than OK or RESOURCE_EXHAUSTED. */
        long otherFailures() {
            return outcomes.entrySet().stream()
                    .filter(e -> !e.getKey().equals("OK") && !e.getKey().equals("RESOURCE_EXHAUSTED"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        double maxQueueDepth() {
            return samples.stream().mapToLong(Sample::queueDepth).max().orElse(-1);
        }

        long maxOutstanding() {
            return samples.stream().mapToLong(Sample::outstanding).max().orElse(0);
        }
    }

    private Overload() {}

    /**
     * Sends {@code rate} calls per second for {@code duration}.
     *
     * @param send starts call number {@code i}; the future completes normally for an answered call (with or
     *     without per-image errors) and exceptionally with the gRPC failure otherwise
     * @param server what is sampled each second about the server
     */
    static Result run(
            double rate, Duration duration, int maxOutstanding, LongFunction<CompletableFuture<?>> send, Probe server)
            throws InterruptedException {
        Semaphore window = new Semaphore(maxOutstanding);
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
        LongAdder ok = new LongAdder();
        LongAdder refused = new LongAdder();
        AtomicLong finished = new AtomicLong();
        long sent = 0;
        long skipped = 0;
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long nextSample = start + TimeUnit.SECONDS.toNanos(1);
        double intervalNanos = 1e9 / rate;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - start) / intervalNanos) + 1;
            while (sent + skipped < due) {
                if (!window.tryAcquire()) {
                    skipped++;
                    continue;
                }
                long i = sent++;
                CompletableFuture<?> call;
                try {
                    call = send.apply(i);
                } catch (RuntimeException e) {
                    call = CompletableFuture.failedFuture(e);
                }
                call.whenComplete((v, e) -> {
                    Status status = e == null ? Status.OK : Status.fromThrowable(e);
                    String code = status.getCode().name();
                    outcomes.computeIfAbsent(code, k -> new LongAdder()).increment();
                    if (e != null) {
                        reasons.computeIfAbsent(code + " " + limitOf(status), k -> new LongAdder())
                                .increment();
                    }
                    if (e == null) {
                        ok.increment();
                    } else if (code.equals("RESOURCE_EXHAUSTED")) {
                        refused.increment();
                    }
                    finished.incrementAndGet();
                    window.release();
                });
            }
            if (now >= nextSample) {
                ProcStatus status = status(server);
                samples.add(new Sample(
                        samples.size() + 1,
                        sent,
                        ok.sum(),
                        refused.sum(),
                        sent - finished.get(),
                        server.queueDepth(),
                        status == null ? Double.NaN : status.rssMb(),
                        status == null ? -1 : status.threads()));
                nextSample += TimeUnit.SECONDS.toNanos(1);
            }
            long sleep = Math.min(nextSample, start + (long) ((due) * intervalNanos)) - System.nanoTime();
            if (sleep > 200_000) {
                TimeUnit.NANOSECONDS.sleep(Math.min(sleep, 1_000_000));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (finished.get() < sent && System.nanoTime() < drainEnd) {
            Thread.sleep(10);
        }
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((k, v) -> counts.put(k, v.sum()));
        Map<String, Long> why = new TreeMap<>();
        reasons.forEach((k, v) -> why.put(k, v.sum()));
        return new Result(rate, seconds, sent, counts, why, sent - finished.get(), skipped, samples);
    }

    /** The limit a refusal names (its description up to the first ':'), or the description's start. */
    static String limitOf(Status status) {
        String d = status.getDescription();
        if (d == null || d.isEmpty()) {
            return "(no description)";
        }
        int colon = d.indexOf(':');
        String head = colon > 0 ? d.substring(0, colon) : d;
        return head.length() > 40 ? head.substring(0, 40) + "..." : head;
    }

    private static ProcStatus status(Probe server) {
        try {
            return server.status();
        } catch (IOException e) {
            return null;
        }
    }
}
