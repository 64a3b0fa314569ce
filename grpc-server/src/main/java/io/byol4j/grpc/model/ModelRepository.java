package io.byol4j.grpc.model;

import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.internal.DeviceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
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
 * The models a server serves, by name and version: either one file ({@link #ofFile}, version 1) or a
 * Triton-style directory ({@link #ofDirectory}: {@code DIR/<name>/<version>/model.onnx}, versions are
 * positive integers; a {@link VersionPolicy} chooses which are served, by default the highest).
 * {@link #load} loads a model or reloads it (re-reading the repository, so a newly added version is picked
 * up, optionally under a new version policy); the new versions are opened and warmed up before they are
 * swapped in together, and the old copies keep serving the calls that hold them until they end
 * ({@link ServedModel}). {@link #startPolling} does the same on a timer for every model whose selected
 * versions changed (keeping the copies of versions that stay), and loads new model folders (skipping
 * models unloaded on request, and a selection that already failed to load). Every version is opened on the one
 * device {@link #resolveDevice()} decided from {@link ModelOptions#device()}.
 * Thread-safe; loads are serialised.
 */
public final class ModelRepository implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);
    /** File name of a model inside a version folder of a repository directory. */
    public static final String MODEL_FILE = "model.onnx";
    /**
     * File in a model's folder of a repository directory that sets that model's version policy (one line,
     * as {@link VersionPolicy#parse} reads it), overriding the repository's; read again on every load.
     */
    public static final String POLICY_FILE = "version_policy";

    /** Where a model's versions come from. */
    private interface Source {
        /** Versions available for {@code name} (version -> file), empty if none. */
        TreeMap<Long, Path> versions(String name) throws IOException;

        /** Every model name the source holds. */
        List<String> names() throws IOException;

        /** The version policy {@code name}'s own folder sets, or null when it sets none. */
        VersionPolicy policy(String name) throws IOException;
    }

    private final Source source;
    private final String description;
    /** The options models are opened with; its device becomes the resolved one in {@link #resolveDevice()}. */
    private volatile ModelOptions options;

    private final DeviceRequest requestedDevice;
    private volatile boolean deviceResolved;
    private final EncoderOpener opener;
    private final ServerMetrics metrics;
    private final VersionPolicy defaultPolicy;
    /** Served versions of each model: an unmodifiable, never empty map, replaced as a whole on each load. */
    private final Map<String, NavigableMap<Long, ServedModel>> served = new ConcurrentHashMap<>();

    private final Object loadLock = new Object();
    /** Models unloaded on request: polling leaves them alone until they are loaded again. */
    private final Set<String> unloaded = ConcurrentHashMap.newKeySet();
    /** The versions of each model whose last load failed: polling does not retry them until they change. */
    private final Map<String, Set<Long>> failedVersions = new ConcurrentHashMap<>();

    private ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;

    private ModelRepository(
            Source source,
            String description,
            VersionPolicy policy,
            ModelOptions options,
            ServerMetrics metrics,
            EncoderOpener opener) {
        this.source = source;
        this.defaultPolicy = Objects.requireNonNull(policy, "policy");
        this.description = description;
        this.options = Objects.requireNonNull(options, "options");
        this.requestedDevice = options.device();
        this.opener = Objects.requireNonNull(opener, "opener");
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

            @Override
            public VersionPolicy policy(String n) {
                return null;
            }
        };
        return new ModelRepository(single, "model file " + file, VersionPolicy.LATEST, options, metrics, Encoder::open);
    }

    /** A repository directory: {@code dir/<name>/<version>/model.onnx}, the highest version of each served. */
    public static ModelRepository ofDirectory(Path dir, ModelOptions options, ServerMetrics metrics) {
        return ofDirectory(dir, VersionPolicy.LATEST, options, metrics);
    }

    /** A repository directory whose models serve the versions {@code policy} selects. */
    public static ModelRepository ofDirectory(
            Path dir, VersionPolicy policy, ModelOptions options, ServerMetrics metrics) {
        return ofDirectory(dir, policy, options, metrics, Encoder::open);
    }

    /** {@link #ofDirectory(Path, VersionPolicy, ModelOptions, ServerMetrics)} opening encoders with {@code opener}. */
    static ModelRepository ofDirectory(
            Path dir, VersionPolicy policy, ModelOptions options, ServerMetrics metrics, EncoderOpener opener) {
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
            public VersionPolicy policy(String n) throws IOException {
                Path file = dir.resolve(n).resolve(POLICY_FILE);
                if (!Files.isRegularFile(file)) {
                    return null;
                }
                try {
                    return VersionPolicy.parse(Files.readString(file).strip());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": " + e.getMessage(), e);
                }
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
        return new ModelRepository(folders, "model repository " + dir, policy, options, metrics, opener);
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

    /** The device asked for ({@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}). */
    public DeviceRequest requestedDevice() {
        return requestedDevice;
    }

    /**
     * Decides once where every model version will run, before any is served: {@code cpu} stays the CPU; otherwise
     * the first model's first selected version is opened (and closed again) through the SDK on the requested
     * CUDA device. {@code auto} becomes {@code gpu:N} when that worked and {@code cpu} when it fell back (the SDK
     * logs one warning saying why; later versions open on the CPU with no further warning); {@code gpu} and
     * {@code gpu:N} become {@code gpu:N} or fail here. Every later load uses the resolved device, with the GPU
     * required. Idempotent; called by {@link #load} when not called before.
     *
     * @return the resolved device: {@code cpu} or {@code gpu:N}
     * @throws IOException naming the device and the reason when a required GPU cannot be used, or when the
     *     repository holds no model to check it with
     */
    public DeviceRequest resolveDevice() throws IOException {
        synchronized (loadLock) {
            if (deviceResolved) {
                return options.device();
            }
            if (requestedDevice.kind() == DeviceRequest.Kind.CPU) {
                deviceResolved = true;
                return requestedDevice;
            }
            Path probe = probeFile();
            String used;
            try (Encoder encoder = opener.open(probe, options.encoderOptions(ServedModel.batchSize(options)))) {
                used = ServedModel.deviceOf(encoder);
            } catch (IOException | RuntimeException e) {
                int gpu = requestedDevice.index() == DeviceRequest.ALL_GPUS ? 0 : requestedDevice.index();
                throw new IOException(
                        "device " + requestedDevice + " (CUDA device " + gpu + ") cannot be used, checked with " + probe
                                + ": " + e.getMessage(),
                        e);
            }
            options = options.withDevice(DeviceRequest.parse(used));
            deviceResolved = true;
            LOG.info("device {} requested: every model version runs on {}", requestedDevice, used);
            return options.device();
        }
    }

    /** The file {@link #resolveDevice()} checks the device with: the first model's lowest selected version. */
    private Path probeFile() throws IOException {
        for (String name : source.names()) {
            NavigableMap<Long, Path> chosen = policy(name).select(source.versions(name));
            if (!chosen.isEmpty()) {
                return chosen.firstEntry().getValue();
            }
        }
        throw new IOException(description + " holds no model to check device " + requestedDevice + " with");
    }

    /**
     * The version policy of {@code name}: the one its folder's {@value #POLICY_FILE} file sets, else the
     * repository's.
     *
     * @throws IOException when that file cannot be read or holds no valid policy
     */
    public VersionPolicy policy(String name) throws IOException {
        VersionPolicy own = source.policy(name);
        return own != null ? own : defaultPolicy;
    }

    /**
     * Loads every model the source holds (the versions its policy selects), warming each up.
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
     * Loads the versions of {@code name} its {@link #policy} selects, or reloads them if it is served
     * (re-reading the repository and the policy): every selected version is opened afresh and warmed up
     * first, then they are swapped in together; calls in flight on the old copies finish on them.
     *
     * @return the highest version now served
     * @throws ModelNotFoundException when the repository has no such model
     * @throws IOException when it cannot be read, the policy is invalid or selects none of its versions, or
     *     a version is not a valid model (the old copies keep serving)
     */
    public ServedModel load(String name) throws IOException, ModelNotFoundException {
        return load(name, false);
    }

    private ServedModel load(String name, boolean keepUnchanged) throws IOException, ModelNotFoundException {
        synchronized (loadLock) {
            TreeMap<Long, Path> available = source.versions(name);
            if (available.isEmpty()) {
                throw new ModelNotFoundException("no model '" + name + "' in the " + description);
            }
            VersionPolicy policy;
            try {
                policy = policy(name);
            } catch (IOException e) {
                failedVersions.put(name, Set.of());
                throw e;
            }
            NavigableMap<Long, Path> chosen = policy.select(available);
            resolveDevice();
            long started = System.nanoTime();
            unloaded.remove(name);
            if (chosen.isEmpty()) {
                failedVersions.put(name, Set.of());
                throw new IOException("model '" + name + "': version policy " + policy
                        + " selects none of its versions " + available.keySet() + " in the " + description);
            }
            NavigableMap<Long, ServedModel> current = served.getOrDefault(name, new TreeMap<>());
            TreeMap<Long, ServedModel> fresh = new TreeMap<>();
            List<ServedModel> opened = new ArrayList<>();
            try {
                for (Map.Entry<Long, Path> v : chosen.entrySet()) {
                    ServedModel kept = keepUnchanged ? current.get(v.getKey()) : null;
                    if (kept != null && kept.file().equals(v.getValue())) {
                        fresh.put(v.getKey(), kept);
                    } else {
                        ServedModel model = ServedModel.open(
                                name, Long.toString(v.getKey()), v.getValue(), options, metrics, opener);
                        opened.add(model);
                        fresh.put(v.getKey(), model);
                    }
                }
            } catch (IOException | RuntimeException e) {
                opened.forEach(ServedModel::retire);
                failedVersions.put(name, Set.copyOf(chosen.keySet()));
                throw e;
            }
            failedVersions.remove(name);
            NavigableMap<Long, ServedModel> old = served.put(name, Collections.unmodifiableNavigableMap(fresh));
            List<Long> replaced = new ArrayList<>();
            if (old != null) {
                for (Map.Entry<Long, ServedModel> e : old.entrySet()) {
                    if (fresh.get(e.getKey()) != e.getValue()) {
                        replaced.add(e.getKey());
                        e.getValue().retire();
                    }
                }
            }
            LOG.info(
                    "model={} versions={} policy={} device={} loaded from {} in {} ms{}",
                    name,
                    fresh.keySet(),
                    policy,
                    options.device(),
                    description,
                    (System.nanoTime() - started) / 1_000_000,
                    replaced.isEmpty() ? "" : " (retired versions " + replaced + ")");
            return fresh.lastEntry().getValue();
        }
    }

    /** Stops serving every version of {@code name}; calls in flight on them finish. False if it was not served. */
    public boolean unload(String name) {
        synchronized (loadLock) {
            NavigableMap<Long, ServedModel> old = served.remove(name);
            if (old != null) {
                unloaded.add(name);
                old.values().forEach(ServedModel::retire);
                LOG.info("model={} versions={} unloaded", name, old.keySet());
            }
            return old != null;
        }
    }

    /**
     * Leases a model for one call. {@code name} empty selects the only model when exactly one is served;
     * {@code version} empty selects its highest served version, otherwise it must be a served version.
     *
     * @throws ModelNotFoundException naming the model (and version) asked for and what is served
     */
    public ModelLease lease(String name, String version) throws ModelNotFoundException {
        while (true) {
            ServedModel model = find(name, version);
            if (model.tryLease()) {
                return new ModelLease(model);
            }
            // Another copy was swapped in between the lookup and the lease: look again.
        }
    }

    /** The served copy of {@code name} at {@code version} (see {@link #lease} for empty names and versions). */
    public ServedModel find(String name, String version) throws ModelNotFoundException {
        String modelName = resolveName(name);
        NavigableMap<Long, ServedModel> versions = served.get(modelName);
        if (versions == null) {
            throw new ModelNotFoundException("model '" + modelName + "' is not served; served models: " + names());
        }
        if (version == null || version.isEmpty()) {
            return versions.lastEntry().getValue();
        }
        Long v = parseVersion(version);
        ServedModel model = v == null ? null : versions.get(v);
        if (model == null) {
            throw new ModelNotFoundException("model '" + modelName + "' version '" + version
                    + "' is not served; served versions of '" + modelName + "': " + versions.keySet());
        }
        return model;
    }

    private String resolveName(String name) throws ModelNotFoundException {
        if (name != null && !name.isEmpty()) {
            return name;
        }
        List<String> names = names();
        if (names.size() != 1) {
            throw new ModelNotFoundException("no model named in the request and this server serves " + names.size()
                    + " models " + names + "; name one");
        }
        return names.get(0);
    }

    /** The versions of {@code name} served now, ascending (empty if it is not served). */
    public List<String> versions(String name) {
        NavigableMap<Long, ServedModel> versions = served.get(name);
        return versions == null
                ? List.of()
                : versions.keySet().stream().map(String::valueOf).toList();
    }

    /** Names of the served models, sorted. */
    public List<String> names() {
        List<String> names = new ArrayList<>(served.keySet());
        names.sort(null);
        return names;
    }

    /** Every served copy: by model name, then by ascending version. */
    public List<ServedModel> models() {
        List<ServedModel> list = new ArrayList<>();
        for (String n : names()) {
            NavigableMap<Long, ServedModel> versions = served.get(n);
            if (versions != null) {
                list.addAll(versions.values());
            }
        }
        return list;
    }

    /** True when at least one model is served and every served copy is ready. */
    public boolean allReady() {
        return !served.isEmpty()
                && served.values().stream().flatMap(m -> m.values().stream()).allMatch(ServedModel::isReady);
    }

    /**
     * Checks the source every {@code interval}: reloads a model whose selected versions changed (keeping
     * the copies of versions that stay) and loads model folders that appeared. A failed load is logged and
     * leaves the served copies in place.
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
                Set<Long> chosen;
                try {
                    chosen = Set.copyOf(
                            policy(name).select(source.versions(name)).keySet());
                } catch (IOException e) {
                    if (!Set.of().equals(failedVersions.put(name, Set.of()))) {
                        LOG.warn("model={}: {}; the served versions keep serving", name, e.getMessage());
                    }
                    continue;
                }
                NavigableMap<Long, ServedModel> current = served.get(name);
                boolean changed = !chosen.isEmpty()
                        && (current == null || !current.keySet().equals(chosen));
                if (changed && !unloaded.contains(name) && !chosen.equals(failedVersions.get(name))) {
                    try {
                        load(name, true);
                    } catch (IOException | ModelNotFoundException | RuntimeException e) {
                        LOG.warn(
                                "model={} versions={} failed to load; the served versions keep serving: {}",
                                name,
                                chosen,
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
                NavigableMap<Long, ServedModel> m = served.remove(name);
                if (m != null) {
                    m.values().forEach(ServedModel::retire);
                }
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
