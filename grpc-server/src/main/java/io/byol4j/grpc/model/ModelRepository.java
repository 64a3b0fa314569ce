package io.byol4j.grpc.model;

import io.byol4j.grpc.metrics.ServerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a server serves, by name: either one file ({@link #ofFile}) or a Triton-style directory
 * ({@link #ofDirectory}: {@code DIR/<name>/<version>/model.onnx}, versions are positive integers and the
 * highest is served). {@link #load} loads a model or reloads it (re-reading the repository, so a newly
 * added version is picked up); the new version is opened and warmed up before it is swapped in, and the
 * old one keeps serving the calls that hold it until they end ({@link ServedModel}). {@link #startPolling}
 * does the same on a timer for every model whose highest version changed, and loads new model folders
 * (skipping models unloaded on request, and a version that already failed to load).
 * Thread-safe; loads are serialised.
 */
public final class ModelRepository implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);
    /** File name of a model inside a version folder of a repository directory. */
    public static final String MODEL_FILE = "model.onnx";

    /** Where a model's versions come from. */
    private interface Source {
        /** Versions available for {@code name} (version -> file), empty if none. */
        TreeMap<Long, Path> versions(String name) throws IOException;

        /** Every model name the source holds. */
        List<String> names() throws IOException;
    }

    private final Source source;
    private final String description;
    private final ModelOptions options;
    private final ServerMetrics metrics;
    private final Map<String, ServedModel> served = new ConcurrentHashMap<>();
    private final Object loadLock = new Object();
    /** Models unloaded on request: polling leaves them alone until they are loaded again. */
    private final java.util.Set<String> unloaded = ConcurrentHashMap.newKeySet();
    /** The version of each model whose last load failed: polling does not retry it until it changes. */
    private final Map<String, Long> failedVersion = new ConcurrentHashMap<>();

    private ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;

    private ModelRepository(Source source, String description, ModelOptions options, ServerMetrics metrics) {
        this.source = source;
        this.description = description;
        this.options = Objects.requireNonNull(options, "options");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * One model file, served as version 1 under {@code name}, or under the file's name without
     * {@code .onnx} when {@code name} is null or blank (as Triton names a model after its folder).
     */
    public static ModelRepository ofFile(Path file, String name, ModelOptions options, ServerMetrics metrics) {
        Objects.requireNonNull(file, "file");
        String modelName = name == null || name.isBlank() ? nameOf(file) : name;
        checkName(modelName);
        Source single = new Source() {
            @Override
            public TreeMap<Long, Path> versions(String n) {
                TreeMap<Long, Path> v = new TreeMap<>();
                if (n.equals(modelName)) {
                    v.put(1L, file);
                }
                return v;
            }

            @Override
            public List<String> names() {
                return List.of(modelName);
            }
        };
        return new ModelRepository(single, "model file " + file, options, metrics);
    }

    /** A repository directory: {@code dir/<name>/<version>/model.onnx}. */
    public static ModelRepository ofDirectory(Path dir, ModelOptions options, ServerMetrics metrics) {
        Objects.requireNonNull(dir, "dir");
        Source folders = new Source() {
            @Override
            public TreeMap<Long, Path> versions(String n) throws IOException {
                TreeMap<Long, Path> v = new TreeMap<>();
                Path modelDir = dir.resolve(n);
                if (!Files.isDirectory(modelDir)) {
                    return v;
                }
                try (Stream<Path> children = Files.list(modelDir)) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        Long version = parseVersion(child.getFileName().toString());
                        if (version != null && Files.isRegularFile(child.resolve(MODEL_FILE))) {
                            v.put(version, child.resolve(MODEL_FILE));
                        }
                    }
                }
                return v;
            }

            @Override
            public List<String> names() throws IOException {
                if (!Files.isDirectory(dir)) {
                    throw new NoSuchFileException(dir.toString(), null, "model repository is not a directory");
                }
                List<String> names = new ArrayList<>();
                try (Stream<Path> children = Files.list(dir)) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        String n = child.getFileName().toString();
                        if (Files.isDirectory(child)
                                && !n.startsWith(".")
                                && !versions(n).isEmpty()) {
                            names.add(n);
                        }
                    }
                }
                names.sort(null);
                return names;
            }
        };
        return new ModelRepository(folders, "model repository " + dir, options, metrics);
    }

    /** The name a model file is served under by default: its file name without {@code .onnx}. */
    public static String nameOf(Path file) {
        String f = file.getFileName().toString();
        return f.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
    }

    private static Long parseVersion(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        long v = Long.parseLong(s);
        return v > 0 ? v : null;
    }

    private static void checkName(String name) {
        if (name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("invalid model name '" + name + "'");
        }
    }

    /**
     * Loads every model the source holds (highest version of each), warming each up.
     *
     * @throws IOException when the source cannot be read or holds no model, or a model fails to load
     */
    public void loadAll() throws IOException {
        List<String> names = source.names();
        if (names.isEmpty()) {
            throw new IOException(description + " holds no model (expected <name>/<version>/" + MODEL_FILE + ")");
        }
        for (String name : names) {
            try {
                load(name);
            } catch (ModelNotFoundException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /**
     * Loads {@code name}'s highest version, or reloads it if it is served: the new copy is opened and
     * warmed up first, then swapped in; calls in flight on the old copy finish on it.
     *
     * @return the model now served
     * @throws ModelNotFoundException when the repository has no such model
     * @throws IOException when it cannot be read or is not a valid model (the old copy keeps serving)
     */
    public ServedModel load(String name) throws IOException, ModelNotFoundException {
        synchronized (loadLock) {
            TreeMap<Long, Path> versions = source.versions(name);
            if (versions.isEmpty()) {
                throw new ModelNotFoundException("no model '" + name + "' in the " + description);
            }
            Map.Entry<Long, Path> highest = versions.lastEntry();
            long started = System.nanoTime();
            unloaded.remove(name);
            ServedModel fresh;
            try {
                fresh = ServedModel.open(name, Long.toString(highest.getKey()), highest.getValue(), options, metrics);
            } catch (IOException | RuntimeException e) {
                failedVersion.put(name, highest.getKey());
                throw e;
            }
            failedVersion.remove(name);
            ServedModel old = served.put(name, fresh);
            if (old != null) {
                old.retire();
            }
            LOG.info(
                    "model={} version={} loaded from {} in {} ms{}",
                    name,
                    fresh.version(),
                    highest.getValue(),
                    (System.nanoTime() - started) / 1_000_000,
                    old == null ? "" : " (replaced version " + old.version() + ")");
            return fresh;
        }
    }

    /** Stops serving {@code name}; calls in flight on it finish. False if it was not served. */
    public boolean unload(String name) {
        synchronized (loadLock) {
            ServedModel old = served.remove(name);
            if (old != null) {
                unloaded.add(name);
                old.retire();
                LOG.info("model={} version={} unloaded", name, old.version());
            }
            return old != null;
        }
    }

    /**
     * Leases a model for one call. {@code name} empty selects the only model when exactly one is served;
     * {@code version} empty selects the served version, otherwise it must be that version.
     *
     * @throws ModelNotFoundException naming the model (and version) asked for and what is served
     */
    public ModelLease lease(String name, String version) throws ModelNotFoundException {
        while (true) {
            ServedModel model = find(name, version);
            if (model.tryLease()) {
                return new ModelLease(model);
            }
            // A newer version was swapped in between the lookup and the lease: look again.
        }
    }

    /** The served copy of {@code name} (see {@link #lease} for empty names and versions). */
    public ServedModel find(String name, String version) throws ModelNotFoundException {
        ServedModel model;
        if (name == null || name.isEmpty()) {
            if (served.size() != 1) {
                throw new ModelNotFoundException("no model named in the request and this server serves " + served.size()
                        + " models " + names() + "; name one");
            }
            model = served.values().iterator().next();
        } else {
            model = served.get(name);
            if (model == null) {
                throw new ModelNotFoundException("model '" + name + "' is not served; served models: " + names());
            }
        }
        if (version != null && !version.isEmpty() && !version.equals(model.version())) {
            throw new ModelNotFoundException("model '" + model.name() + "' version '" + version
                    + "' is not served; the served version is " + model.version());
        }
        return model;
    }

    /** Names of the served models, sorted. */
    public List<String> names() {
        List<String> names = new ArrayList<>(served.keySet());
        names.sort(null);
        return names;
    }

    /** The served models, sorted by name. */
    public List<ServedModel> models() {
        List<ServedModel> list = new ArrayList<>();
        for (String n : names()) {
            ServedModel m = served.get(n);
            if (m != null) {
                list.add(m);
            }
        }
        return list;
    }

    /** True when at least one model is served and every served model is ready. */
    public boolean allReady() {
        return !served.isEmpty() && served.values().stream().allMatch(ServedModel::isReady);
    }

    /**
     * Checks the source every {@code interval}: reloads a model whose highest version changed and loads
     * model folders that appeared. A failed load is logged and leaves the served copy in place.
     */
    public synchronized void startPolling(Duration interval) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "byol4j-model-poller");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        polling = poller.scheduleWithFixedDelay(this::pollOnce, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** One polling pass (see {@link #startPolling}). */
    void pollOnce() {
        try {
            for (String name : source.names()) {
                TreeMap<Long, Path> versions = source.versions(name);
                ServedModel current = served.get(name);
                boolean changed = !versions.isEmpty()
                        && (current == null || !current.version().equals(Long.toString(versions.lastKey())));
                if (changed && !unloaded.contains(name) && !versions.lastKey().equals(failedVersion.get(name))) {
                    try {
                        load(name);
                    } catch (IOException | ModelNotFoundException | RuntimeException e) {
                        LOG.warn(
                                "model={} version={} failed to load; the served version keeps serving: {}",
                                name,
                                versions.lastKey(),
                                e.getMessage());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("model repository poll failed: {}", e.toString());
        }
    }

    /** Stops polling and retires every model (each closes when its last call ends). */
    @Override
    public void close() {
        synchronized (this) {
            if (poller != null) {
                polling.cancel(false);
                poller.shutdownNow();
            }
        }
        synchronized (loadLock) {
            for (String name : names()) {
                ServedModel m = served.remove(name);
                if (m != null) {
                    m.retire();
                }
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
