package io.byol4j.grpc.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.grpc.testing.PrometheusScrape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static final String HOST = "127.0.0.1";
    private static final String INFER = "inference.GRPCInferenceService/ModelInfer";

    @Test
    void scrapeShowsTheRecordedValues() throws Exception {
        ServerMetrics metrics = ServerMetrics.create();
        metrics.callStarted("resnet", INFER);
        metrics.callStarted("resnet", INFER);
        metrics.callStarted("resnet", INFER);
        metrics.callFinished("resnet", INFER, "OK", 3_000_000L); // 3 ms
        metrics.callFinished("resnet", INFER, "RESOURCE_EXHAUSTED", 40_000L); // 0.04 ms
        metrics.callStarted("other", INFER);
        metrics.callFinished("other", INFER, "OK", 1_500_000_000L); // 1.5 s
        metrics.imagesInferred("resnet", 5);
        metrics.imagesInferred("resnet", 2);
        metrics.batchRun("resnet", 6, 1_500_000L, 20_000_000L);
        metrics.batchRun("resnet", 1, 0L, 7_000_000L);
        metrics.queueDepth("resnet", 9);
        metrics.queueDepth("resnet", 4);
        metrics.pixelsInFlight(1_234_567L);
        metrics.refused("resnet", "max_images_per_request");
        metrics.refused("resnet", "max_images_per_request");
        metrics.refused("", "auth");

        try (MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, HOST, 0)) {
            assertTrue(endpoint.port() > 0);
            PrometheusScrape s = PrometheusScrape.get(HOST, endpoint.port());
            assertTrue(s.contentType().startsWith("text/plain"), s.contentType());

            assertEquals(1, s.value("byol4j_requests_total", "model", "resnet", "method", INFER, "outcome", "OK"));
            assertEquals(
                    1,
                    s.value(
                            "byol4j_requests_total",
                            "model",
                            "resnet",
                            "method",
                            INFER,
                            "outcome",
                            "RESOURCE_EXHAUSTED"));
            assertEquals(1, s.value("byol4j_requests_total", "model", "other", "method", INFER, "outcome", "OK"));
            assertEquals(1, s.value("byol4j_requests_in_flight", "model", "resnet", "method", INFER));
            assertEquals(0, s.value("byol4j_requests_in_flight", "model", "other", "method", INFER));

            // Total latency: 3 ms and 0.04 ms for resnet; bucket boundaries are inclusive upper bounds.
            String d = "byol4j_request_duration_seconds";
            assertEquals(2, s.value(d + "_count", "model", "resnet", "method", INFER));
            assertEquals(0.00304, s.value(d + "_sum", "model", "resnet", "method", INFER), 1e-9);
            assertEquals(1, s.value(d + "_bucket", "model", "resnet", "method", INFER, "le", "0.001"));
            assertEquals(1, s.value(d + "_bucket", "model", "resnet", "method", INFER, "le", "0.002"));
            assertEquals(2, s.value(d + "_bucket", "model", "resnet", "method", INFER, "le", "0.005"));
            assertEquals(0, s.value(d + "_bucket", "model", "other", "method", INFER, "le", "1.0"));
            assertEquals(1, s.value(d + "_bucket", "model", "other", "method", INFER, "le", "2.0"));
            assertEquals(1, s.value(d + "_bucket", "model", "other", "method", INFER, "le", "10.0"));
            assertEquals(1, s.value(d + "_bucket", "model", "other", "method", INFER, "le", "+Inf"));

            assertEquals(7, s.value("byol4j_images_inferred_total", "model", "resnet"));
            assertEquals(2, s.value("byol4j_batch_size_count", "model", "resnet"));
            assertEquals(7, s.value("byol4j_batch_size_sum", "model", "resnet"));
            assertEquals(1, s.value("byol4j_batch_size_bucket", "model", "resnet", "le", "4.0"));
            assertEquals(2, s.value("byol4j_batch_size_bucket", "model", "resnet", "le", "8.0"));
            assertEquals(0.0015, s.value("byol4j_batch_queue_seconds_sum", "model", "resnet"), 1e-12);
            assertEquals(1, s.value("byol4j_batch_queue_seconds_bucket", "model", "resnet", "le", "0.001"));
            assertEquals(2, s.value("byol4j_batch_queue_seconds_bucket", "model", "resnet", "le", "0.002"));
            assertEquals(0.027, s.value("byol4j_batch_compute_seconds_sum", "model", "resnet"), 1e-12);
            assertEquals(1, s.value("byol4j_batch_compute_seconds_bucket", "model", "resnet", "le", "0.01"));
            assertEquals(2, s.value("byol4j_batch_compute_seconds_bucket", "model", "resnet", "le", "0.05"));
            assertEquals(4, s.value("byol4j_queue_depth", "model", "resnet"));
            assertEquals(1_234_567, s.value("byol4j_pixels_in_flight"));
            assertEquals(2, s.value("byol4j_refusals_total", "model", "resnet", "limit", "max_images_per_request"));
            assertEquals(1, s.value("byol4j_refusals_total", "model", "", "limit", "auth"));
        }
    }

    @Test
    void eachInstanceHasItsOwnRegistry() throws Exception {
        ServerMetrics a = ServerMetrics.create();
        ServerMetrics b = ServerMetrics.create();
        a.imagesInferred("m", 3);
        b.imagesInferred("m", 10);
        try (MetricsEndpoint ea = MetricsEndpoint.start(a, HOST, 0);
                MetricsEndpoint eb = MetricsEndpoint.start(b, HOST, 0)) {
            assertEquals(3, PrometheusScrape.get(HOST, ea.port()).value("byol4j_images_inferred_total", "model", "m"));
            assertEquals(10, PrometheusScrape.get(HOST, eb.port()).value("byol4j_images_inferred_total", "model", "m"));
        }
    }

    @Test
    void nullLabelsAreRecordedAsEmpty() throws Exception {
        ServerMetrics m = ServerMetrics.create();
        m.callStarted(null, null);
        m.callFinished(null, null, null, 1);
        try (MetricsEndpoint e = MetricsEndpoint.start(m, HOST, 0)) {
            assertEquals(
                    1,
                    PrometheusScrape.get(HOST, e.port())
                            .value("byol4j_requests_total", "model", "", "method", "", "outcome", ""));
        }
    }

    @Test
    void valuesFollowLaterCallsAndClosingStopsListening() throws Exception {
        ServerMetrics m = ServerMetrics.create();
        MetricsEndpoint e = MetricsEndpoint.start(m, HOST, 0);
        int port = e.port();
        m.imagesInferred("m", 1);
        assertEquals(1, PrometheusScrape.get(HOST, port).value("byol4j_images_inferred_total", "model", "m"));
        m.imagesInferred("m", 4);
        assertEquals(5, PrometheusScrape.get(HOST, port).value("byol4j_images_inferred_total", "model", "m"));
        e.close();
        assertThrows(
                IOException.class,
                () -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        ServerMetrics m = ServerMetrics.create();
        try (MetricsEndpoint first = MetricsEndpoint.start(m, HOST, 0)) {
            IOException e = assertThrows(IOException.class, () -> MetricsEndpoint.start(m, HOST, first.port()));
            assertTrue(e.getMessage().contains(HOST + ":" + first.port()), e.getMessage());
        }
    }

    @Test
    void unusedLabelCombinationsAreNotInvented() throws Exception {
        ServerMetrics m = ServerMetrics.create();
        try (MetricsEndpoint e = MetricsEndpoint.start(m, HOST, 0)) {
            PrometheusScrape s = PrometheusScrape.get(HOST, e.port());
            assertFalse(s.has("byol4j_requests_total"), s.text());
            assertEquals(0, s.value("byol4j_pixels_in_flight"));
        }
    }
}
