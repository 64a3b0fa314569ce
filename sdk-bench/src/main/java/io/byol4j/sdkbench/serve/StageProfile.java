package io.byol4j.sdkbench.serve;

import java.util.Locale;

/**
 * Where the time of the served single-image calls of one cell went: the server's own stage histograms (the
 * difference of two scrapes of its metrics endpoint around the cell, warm-up included) against the mean latency the
 * client measured. Everything the server does not time (HTTP/2 framing, the event loops, the hand-off to the handler
 * thread, the client's own stack) is the remainder. Sums in seconds; cells of several rounds add up.
 *
 * @param calls server-side calls of the method (request-duration count)
 * @param parse request bytes to message, summed over calls
 * @param decode decoding and preprocessing, summed over calls
 * @param model waiting for the model's results (queueing plus the run), summed over calls
 * @param call the handler's whole call (decode, model, building the response), summed over calls
 * @param respond serialising the response and handing it to the transport, summed over calls
 * @param batches model runs
 * @param batchImages images in those runs
 * @param compute time of those runs
 * @param clientCalls calls the client measured
 * @param client the client's latency summed over its calls
 * @param serverCpu CPU time of the server's process during the cell (warm-up included), or NaN when the server
 *     shares this JVM
 * @param clientCpu CPU time of this process during the cell (the client, and the server when it shares the JVM)
 */
record StageProfile(
        double calls,
        double parse,
        double decode,
        double model,
        double call,
        double respond,
        double batches,
        double batchImages,
        double compute,
        double clientCalls,
        double client,
        double serverCpu,
        double clientCpu) {

    static final String METHOD = "method=\"byol4j.v1.FeatureService/Embed\"";

    /** The profile of the calls between two scrapes, against the client's results for the same cell. */
    static StageProfile between(
            MetricsScrape before,
            MetricsScrape after,
            LoadResult clientSide,
            double serverCpuSeconds,
            double clientCpuSeconds) {
        return new StageProfile(
                delta(before, after, "byol4j_request_duration_seconds_count", METHOD),
                stage(before, after, "parse"),
                stage(before, after, "decode"),
                stage(before, after, "model"),
                delta(before, after, "byol4j_request_duration_seconds_sum", METHOD),
                stage(before, after, "respond"),
                delta(before, after, "byol4j_batch_size_count"),
                delta(before, after, "byol4j_batch_size_sum"),
                delta(before, after, "byol4j_batch_compute_seconds_sum"),
                clientSide.calls(),
                clientSide.meanMillis() * clientSide.calls() / 1000.0,
                serverCpuSeconds,
                clientCpuSeconds);
    }

    private static double stage(MetricsScrape before, MetricsScrape after, String stage) {
        return delta(before, after, "byol4j_call_stage_seconds_sum", METHOD, "stage=\"" + stage + "\"");
    }

    private static double delta(MetricsScrape before, MetricsScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    /** Both cells' calls together. */
    StageProfile plus(StageProfile o) {
        return new StageProfile(
                calls + o.calls,
                parse + o.parse,
                decode + o.decode,
                model + o.model,
                call + o.call,
                respond + o.respond,
                batches + o.batches,
                batchImages + o.batchImages,
                compute + o.compute,
                clientCalls + o.clientCalls,
                client + o.client,
                serverCpu + o.serverCpu,
                clientCpu + o.clientCpu);
    }

    private double perCall(double seconds) {
        return calls == 0 ? Double.NaN : seconds / calls * 1000;
    }

    /** Client-side mean latency in ms. */
    double clientMillis() {
        return clientCalls == 0 ? Double.NaN : client / clientCalls * 1000;
    }

    /** What the server's stages do not cover, per call in ms: transport, event loops, hand-offs and the client. */
    double restMillis() {
        return clientMillis() - perCall(parse) - perCall(call) - perCall(respond);
    }

    /** Model compute per image in ms (the runs' time over their images). */
    double computePerImageMillis() {
        return batchImages == 0 ? Double.NaN : compute / batchImages * 1000;
    }

    /** CPU ms per server-side call of the server's process (NaN when it shares this JVM). */
    double serverCpuMillis() {
        return perCall(serverCpu);
    }

    /** CPU ms per server-side call of this process (the client; plus the server when it shares the JVM). */
    double clientCpuMillis() {
        return perCall(clientCpu);
    }

    /** One line: per-call means in ms and the batches' mean size and compute. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "client %.3f ms = server [parse %.3f + handler %.3f (decode %.3f, model wait %.3f, other %.3f)"
                        + " + respond %.3f] + transport/client rest %.3f; runs: mean batch %.1f, %.3f ms each,"
                        + " %.3f ms/image; CPU per call: server process %.3f ms, client process %.3f ms",
                clientMillis(),
                perCall(parse),
                perCall(call),
                perCall(decode),
                perCall(model),
                perCall(call - decode - model),
                perCall(respond),
                restMillis(),
                batches == 0 ? Double.NaN : batchImages / batches,
                batches == 0 ? Double.NaN : compute / batches * 1000,
                computePerImageMillis(),
                serverCpuMillis(),
                clientCpuMillis());
    }

    /**
     * A Markdown table row: decode, model wait, other handler, parse + respond, rest, client, mean batch, ms/image,
     * server and client CPU per call.
     */
    String row() {
        return String.format(
                Locale.ROOT,
                "%.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.3f | %.3f | %.3f",
                perCall(decode),
                perCall(model),
                perCall(call - decode - model),
                perCall(parse + respond),
                restMillis(),
                clientMillis(),
                batches == 0 ? Double.NaN : batchImages / batches,
                computePerImageMillis(),
                serverCpuMillis(),
                clientCpuMillis());
    }
}
