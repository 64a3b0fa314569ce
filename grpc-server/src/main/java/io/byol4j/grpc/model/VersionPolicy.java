package io.byol4j.grpc.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which versions of a model a repository serves, as Triton's version policy: the latest N
 * ({@code latest:N}, {@code latest} = {@code latest:1}, the default), every version ({@code all}) or the
 * listed ones ({@code specific:1,3}). Immutable.
 */
public final class VersionPolicy {

    /** The default: only the highest version. */
    public static final VersionPolicy LATEST = new VersionPolicy(Kind.LATEST, 1, new TreeSet<>());

    private enum Kind {
        LATEST,
        ALL,
        SPECIFIC
    }

    private final Kind kind;
    private final int latest;
    private final SortedSet<Long> specific;

    private VersionPolicy(Kind kind, int latest, SortedSet<Long> specific) {
        this.kind = kind;
        this.latest = latest;
        this.specific = specific;
    }

    /** The newest {@code n} versions. */
    public static VersionPolicy latest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("version policy latest:N needs N >= 1, got " + n);
        }
        return new VersionPolicy(Kind.LATEST, n, new TreeSet<>());
    }

    /** Every version present. */
    public static VersionPolicy all() {
        return new VersionPolicy(Kind.ALL, 0, new TreeSet<>());
    }

    /** Exactly these versions (those present). */
    public static VersionPolicy specific(List<Long> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("version policy specific: lists no version");
        }
        TreeSet<Long> set = new TreeSet<>();
        for (long v : versions) {
            if (v < 1) {
                throw new IllegalArgumentException("version policy specific: versions are positive, got " + v);
            }
            set.add(v);
        }
        return new VersionPolicy(Kind.SPECIFIC, 0, set);
    }

    /**
     * Parses {@code latest}, {@code latest:N}, {@code all} or {@code specific:V1,V2,...} (case-insensitive,
     * spaces ignored).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static VersionPolicy parse(String text) {
        String t = text == null ? "" : text.replace(" ", "").toLowerCase(Locale.ROOT);
        try {
            if (t.equals("latest")) {
                return LATEST;
            }
            if (t.equals("all")) {
                return all();
            }
            if (t.startsWith("latest:")) {
                return latest(Integer.parseInt(t.substring("latest:".length())));
            }
            if (t.startsWith("specific:")) {
                List<Long> versions = new ArrayList<>();
                for (String v : t.substring("specific:".length()).split(",", -1)) {
                    versions.add(Long.parseLong(v));
                }
                return specific(versions);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "invalid version policy '" + text + "': " + e.getMessage() + "; " + FORMS, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid version policy '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("invalid version policy '" + text + "'; " + FORMS);
    }

    private static final String FORMS = "expected latest, latest:N, all or specific:V1,V2,...";

    /** The versions of {@code available} (version -> anything) this policy serves, in the same order. */
    public <T> NavigableMap<Long, T> select(NavigableMap<Long, T> available) {
        TreeMap<Long, T> chosen = new TreeMap<>();
        switch (kind) {
            case ALL -> chosen.putAll(available);
            case LATEST -> {
                for (Long v : available.descendingKeySet()) {
                    if (chosen.size() == latest) {
                        break;
                    }
                    chosen.put(v, available.get(v));
                }
            }
            case SPECIFIC -> {
                for (Long v : specific) {
                    if (available.containsKey(v)) {
                        chosen.put(v, available.get(v));
                    }
                }
            }
        }
        return chosen;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionPolicy p && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The policy in the form {@link #parse} reads ({@code latest:1}, {@code all}, {@code specific:1,3}). */
    @Override
    public String toString() {
        return switch (kind) {
            case LATEST -> "latest:" + latest;
            case ALL -> "all";
            case SPECIFIC ->
                "specific:" + specific.stream().map(String::valueOf).collect(Collectors.joining(","));
        };
    }
}
