package io.byol4j.sdkbench.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scrape of a server's Prometheus endpoint ({@code GET /metrics}, text format), as an operator's scraper sees
 * it: every sample line's series ({@code name{labels}}) and value. The benchmark reads the server's stage profile and
 * queue depth this way whether the server runs in this JVM or in a child process.
 */
final class MetricsScrape {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Double> series;

    private MetricsScrape(Map<String, Double> series) {
        this.series = series;
    }

    /** Scrapes {@code 127.0.0.1:port}; IOException names the port and the HTTP status when it fails. */
    static MetricsScrape of(int port) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "text/plain; version=0.0.4")
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scraping 127.0.0.1:" + port, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("scrape of 127.0.0.1:" + port + "/metrics answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Reads the Prometheus text format; comment lines are skipped, a malformed line is an error naming it. */
    static MetricsScrape parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("not a Prometheus sample line: '" + line + "'");
            }
            out.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1)));
        }
        return new MetricsScrape(out);
    }

    /**
     * The sum of every series named {@code name} whose labels contain each of {@code labels} (fragments such as
     * {@code stage="decode"}); 0 when none matches.
     */
    double sum(String name, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String key = e.getKey();
            int brace = key.indexOf('{');
            String metric = brace < 0 ? key : key.substring(0, brace);
            if (!metric.equals(name)) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= key.contains(label);
            }
            if (all) {
                total += e.getValue();
            }
        }
        return total;
    }
}
