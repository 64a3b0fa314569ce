package io.byol4j.trainer.checkpoint;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.metrics.MetricsHistory;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.optim.Optimizer;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and writes checkpoint directories.
 *
 * <p>Layout of a run directory and one checkpoint:
 * <pre>
 *   run/
 *     config.json          the run's config (written at start)
 *     latest               name of the newest complete checkpoint, e.g. "ckpt-00001200"
 *     ckpt-00001200/
 *       config.json        the config the weights were trained with
 *       state.json         {@link CheckpointState}: step, epoch, random state, ...
 *       online.params      online encoder + projector + predictor (DJL Block.saveParameters)
 *       target.params      target encoder + projector (DJL Block.saveParameters)
 *       optimizer.bin      optimiser type, update count and state slots
 *       metrics.csv, steps.csv   metrics recorded up to this step
 * </pre>
 * A checkpoint is written into {@code ckpt-XXXXXXXX.tmp/} and renamed when complete, then {@code latest}
 * is replaced atomically, so a crash at any point leaves the previous checkpoint intact and pointed to.
 */
public final class Checkpoints {

    /** Name of the pointer file in a run directory. */
    public static final String LATEST = "latest";
    /** Name of the config file in run and checkpoint directories. */
    public static final String CONFIG = "config.json";

    static final String STATE = "state.json";
    static final String ONLINE = "online.params";
    static final String TARGET = "target.params";
    static final String OPTIMIZER = "optimizer.bin";
    private static final List<String> REQUIRED =
            List.of(CONFIG, STATE, ONLINE, TARGET, OPTIMIZER, MetricsHistory.EPOCHS_FILE, MetricsHistory.STEPS_FILE);
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{8,})");
    private static final String TMP_SUFFIX = ".tmp";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Checkpoints() {}

    /** The directory name of the checkpoint after {@code step} steps. */
    public static String directoryName(long step) {
        return String.format(Locale.ROOT, "ckpt-%08d", step);
    }

    /**
     * Writes a checkpoint of {@code network} and {@code optimizer} into {@code runDir}, points
     * {@code latest} at it and deletes older checkpoints beyond the {@code keep} newest.
     *
     * @return the checkpoint directory
     */
    public static Path write(
            Path runDir,
            TrainConfig config,
            ByolNetwork network,
            Optimizer optimizer,
            CheckpointState state,
            MetricsHistory metrics,
            int keep)
            throws IOException {
        Files.createDirectories(runDir);
        String name = directoryName(state.step());
        Path finalDir = runDir.resolve(name);
        Path tmp = runDir.resolve(name + TMP_SUFFIX);
        boolean replacing = Files.exists(finalDir);
        AtomicFiles.deleteRecursively(tmp);
        Files.createDirectory(tmp);
        try {
            // every file is fsync'd and the folder renamed only when complete, so a power cut never leaves
            // a checkpoint that looks complete but holds lost data
            AtomicFiles.writeString(tmp.resolve(CONFIG), config.toJson() + "\n");
            AtomicFiles.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state) + "\n");
            AtomicFiles.write(tmp.resolve(ONLINE), out -> network.saveOnline(dataOut(out)));
            AtomicFiles.write(tmp.resolve(TARGET), out -> network.saveTarget(dataOut(out)));
            AtomicFiles.write(tmp.resolve(OPTIMIZER), out -> optimizer.save(dataOut(out)));
            metrics.write(tmp);
            if (Files.exists(finalDir)) {
                Path old = runDir.resolve(name + ".old");
                AtomicFiles.deleteRecursively(old);
                AtomicFiles.moveFolder(finalDir, old);
                try {
                    AtomicFiles.moveFolder(tmp, finalDir);
                } catch (IOException | RuntimeException e) {
                    Files.move(old, finalDir, StandardCopyOption.ATOMIC_MOVE);
                    throw e;
                }
                AtomicFiles.deleteRecursively(old);
            } else {
                AtomicFiles.moveFolder(tmp, finalDir);
            }
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(tmp);
            throw e;
        }
        try {
            writeAtomically(runDir.resolve(LATEST), name + "\n");
        } catch (IOException | RuntimeException e) {
            if (!replacing) {
                AtomicFiles.deleteRecursively(finalDir); // all or nothing: the run stays at its previous checkpoint
            }
            throw e;
        }
        prune(runDir, Math.max(1, keep), finalDir);
        return finalDir;
    }

    /**
     * Writes a checkpoint of a freshly initialised network (step 0, seeded by {@code config.seed()}) into
     * {@code runDir} together with {@code config.json}: a random-encoder baseline that loads and exports
     * exactly like a trained one.
     *
     * @return the checkpoint directory
     */
    public static Path saveInitial(TrainConfig config, Path runDir) throws IOException {
        Files.createDirectories(runDir);
        writeAtomically(runDir.resolve(CONFIG), config.toJson() + "\n");
        try (ByolNetwork network = ByolNetwork.create(config, Device.cpu());
                Optimizer optimizer = Optimizer.create(
                        config.optimizer(),
                        network.trainableParameters(config.optimizer().excludeBiasAndNorm()),
                        network.manager())) {
            CheckpointState state = new CheckpointState(
                    CheckpointState.FORMAT,
                    0,
                    0,
                    0,
                    0,
                    true,
                    config.sha256(),
                    config.dataset(),
                    config.seed(),
                    null,
                    0,
                    0.0,
                    Instant.now().toString(),
                    null,
                    0L);
            return write(runDir, config, network, optimizer, state, new MetricsHistory(), Integer.MAX_VALUE);
        }
    }

    /** The newest complete checkpoint of a run directory, if any: the one {@code latest} names, else the
     * highest-numbered complete {@code ckpt-*} directory. */
    public static Optional<Path> latest(Path runDir) {
        Path pointer = runDir.resolve(LATEST);
        if (Files.isRegularFile(pointer)) {
            String name;
            try {
                name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new CheckpointException("cannot read " + pointer + ": " + e.getMessage(), e);
            }
            if (!NAME.matcher(name).matches()) {
                throw new CheckpointException(pointer + " is corrupt: it should name a checkpoint directory, holds '"
                        + abbreviate(name) + "'");
            }
            Path dir = runDir.resolve(name);
            if (!Files.isDirectory(dir)) {
                throw new CheckpointException(pointer + " names " + name + ", which does not exist in " + runDir);
            }
            return Optional.of(dir);
        }
        return listCheckpoints(runDir).stream()
                .filter(Checkpoints::isComplete)
                .max(Comparator.comparingLong(Checkpoints::stepOf));
    }

    /**
     * Resolves a run directory (through its {@code latest} checkpoint) or a checkpoint directory to a
     * checkpoint directory that has every file.
     *
     * @throws CheckpointException if the path is missing, is neither kind of directory, or the checkpoint is
     *     incomplete
     */
    public static Path resolve(Path checkpointDirOrRunDir) {
        Path path = checkpointDirOrRunDir;
        if (!Files.exists(path)) {
            throw new CheckpointException("checkpoint path does not exist: " + path);
        }
        if (!Files.isDirectory(path)) {
            throw new CheckpointException(path + " is a file; pass a run directory or a checkpoint directory");
        }
        Path dir;
        if (Files.exists(path.resolve(STATE))) {
            dir = path;
        } else {
            dir = latest(path)
                    .orElseThrow(() -> new CheckpointException(path
                            + " is neither a checkpoint directory (no " + STATE
                            + ") nor a run directory with checkpoints"
                            + " (no '" + LATEST + "' file and no ckpt-* directory)"));
        }
        for (String file : REQUIRED) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new CheckpointException("checkpoint " + dir + " is incomplete: " + file + " is missing");
            }
        }
        return dir;
    }

    /**
     * Reads a checkpoint's config, state and metrics (not the weights).
     *
     * @throws CheckpointException if it cannot be resolved or a file is corrupt
     */
    public static Checkpoint read(Path checkpointDirOrRunDir) {
        Path dir = resolve(checkpointDirOrRunDir);
        String configJson = readText(dir.resolve(CONFIG));
        TrainConfig config;
        try {
            config = TrainConfig.parse(configJson);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + " has a corrupt " + CONFIG + ": " + e.getMessage(), e);
        }
        CheckpointState state;
        try {
            state = JSON.readValue(readText(dir.resolve(STATE)), CheckpointState.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(
                    "checkpoint " + dir + " has a corrupt " + STATE + ": " + e.getOriginalMessage(), e);
        }
        if (state.format() != CheckpointState.FORMAT) {
            throw new CheckpointException("checkpoint " + dir + " has layout version " + state.format()
                    + "; this trainer reads version " + CheckpointState.FORMAT);
        }
        MetricsHistory metrics;
        try {
            metrics = MetricsHistory.read(dir);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + " has corrupt metrics: " + e.getMessage(), e);
        }
        return new Checkpoint(dir, config, configJson, state, metrics);
    }

    /**
     * Loads a checkpoint's weights and optimiser state into a network and optimiser built from the
     * checkpoint's config.
     *
     * @throws CheckpointException if a file is corrupt or does not fit the network
     */
    public static void restore(Checkpoint checkpoint, ByolNetwork network, Optimizer optimizer) {
        Path dir = checkpoint.dir();
        try (DataInputStream in = dataIn(dir.resolve(ONLINE))) {
            network.loadOnline(in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw corrupt(dir, ONLINE, e);
        }
        try (DataInputStream in = dataIn(dir.resolve(TARGET))) {
            network.loadTarget(in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw corrupt(dir, TARGET, e);
        }
        try (DataInputStream in = dataIn(dir.resolve(OPTIMIZER))) {
            optimizer.load(in);
        } catch (IOException | RuntimeException e) {
            throw corrupt(dir, OPTIMIZER, e);
        }
    }

    /**
     * Loads the online encoder of a checkpoint for export.
     *
     * @param checkpointDirOrRunDir a checkpoint directory, or a run directory (its {@code latest} checkpoint)
     * @param manager owns the loaded arrays; its device is where they are placed
     * @throws CheckpointException for a missing directory, a directory that is not a checkpoint, or a
     *     corrupt or incomplete checkpoint
     */
    public static LoadedEncoder loadOnlineEncoder(Path checkpointDirOrRunDir, NDManager manager) {
        Checkpoint checkpoint = read(checkpointDirOrRunDir);
        TrainConfig cfg = checkpoint.config();
        Block encoder;
        try (DataInputStream in = dataIn(checkpoint.dir().resolve(ONLINE))) {
            encoder = ByolNetwork.readOnlineEncoder(cfg, in, manager);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw corrupt(checkpoint.dir(), ONLINE, e);
        }
        return new LoadedEncoder(
                encoder,
                cfg.encoder(),
                cfg.imageSize(),
                cfg.normalization().mean(),
                cfg.normalization().std(),
                checkpoint.configJson(),
                checkpoint.state().step(),
                cfg.dataset());
    }

    private static CheckpointException corrupt(Path dir, String file, Exception e) {
        String why = e instanceof EOFException ? "the file is truncated" : e.getMessage();
        return new CheckpointException("checkpoint " + dir + " has a corrupt " + file + ": " + why, e);
    }

    private static List<Path> listCheckpoints(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runDir)) {
            return s.filter(p -> Files.isDirectory(p)
                            && NAME.matcher(p.getFileName().toString()).matches())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir, e);
        }
    }

    private static boolean isComplete(Path dir) {
        return REQUIRED.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static long stepOf(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void prune(Path runDir, int keep, Path current) throws IOException {
        List<Path> all = new ArrayList<>(listCheckpoints(runDir));
        all.sort(Comparator.comparingLong(Checkpoints::stepOf).reversed());
        for (int i = keep; i < all.size(); i++) {
            if (!all.get(i).equals(current)) {
                AtomicFiles.deleteRecursively(all.get(i));
            }
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint file is missing: " + file, e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A data view of a stream {@link AtomicFiles} owns (it needs no closing: DataOutputStream buffers nothing). */
    private static DataOutputStream dataOut(java.io.OutputStream out) {
        return new DataOutputStream(out);
    }

    private static DataInputStream dataIn(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    /** Writes {@code text} to {@code target} through a temporary file in the same folder and an atomic move. */
    public static void writeAtomically(Path target, String text) throws IOException {
        AtomicFiles.writeString(target, text);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
