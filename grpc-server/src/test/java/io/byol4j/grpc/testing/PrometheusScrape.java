package io.byol4j.grpc.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of a Prometheus text-format endpoint, parsed into samples (name, labels, value), as a scraper sees it.
 */
public final class PrometheusScrape {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final String contentType;
    private final String text;
    private final List<Sample> samples;

    private PrometheusScrape(String contentType, String text, List<Sample> samples) {
        this.contentType = contentType;
        this.text = text;
        this.samples = samples;
    }

    /** GET http://host:port/metrics and parse it; fails on a non-200 answer. */
    public static PrometheusScrape get(String host, int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("scrape answered HTTP " + r.statusCode());
        }
        return parse(r.headers().firstValue("content-type").orElse(""), r.body());
    }

    static PrometheusScrape parse(String contentType, String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher lm = LABEL.matcher(m.group(3));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return new PrometheusScrape(contentType, text, out);
    }

    public String contentType() {
        return contentType;
    }

    public String text() {
        return text;
    }

    /** The value of the one sample with this name and exactly these labels; fails if there is none. */
    public double value(String name, String... labelPairs) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(want)) {
                return s.value();
            }
        }
        throw new AssertionError("no sample " + name + want + " in the scrape:\n" + text);
    }

    /** Whether any sample has this name. */
    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }
}
