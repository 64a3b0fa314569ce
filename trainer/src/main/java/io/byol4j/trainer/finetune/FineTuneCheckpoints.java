package io.byol4j.trainer.finetune;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.checkpoint.CheckpointException;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.network.ClassifierNetwork;
import io.byol4j.trainer.optim.Optimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints of a fine-tuning trial, in the trainer's layout: {@code ckpt-XXXXXXXX/} folders written into a
 * {@code .tmp} folder and renamed when complete, then the {@code latest} pointer replaced atomically, so a
 * kill at any moment leaves the previous checkpoint intact and pointed to.
 *
 * <pre>
 *   trial/latest, trial/ckpt-00000200/
 *     encoder.params, head.params   DJL block parameters (with BatchNorm statistics)
 *     optimizer.bin                 momentum buffers and update count
 *     state.json                    {@link TrialState}
 *     metrics.csv, steps.csv        {@link FineTuneMetrics} up to this step
 * </pre>
 */
final class FineTuneCheckpoints {

    static final String ENCODER = "encoder.params";
    static final String HEAD = "head.params";
    static final String OPTIMIZER = "optimizer.bin";
    static final String STATE = "state.json";
    private static final List<String> REQUIRED =
            List.of(ENCODER, HEAD, OPTIMIZER, STATE, FineTuneMetrics.EPOCHS_FILE, FineTuneMetrics.STEPS_FILE);

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private FineTuneCheckpoints() {}

    /** Writes a checkpoint into {@code trialDir}, points {@code latest} at it and keeps only the newest two. */
    static Path write(
            Path trialDir, ClassifierNetwork network, Optimizer optimizer, TrialState state, FineTuneMetrics metrics)
            throws IOException {
        Files.createDirectories(trialDir);
        String name = Checkpoints.directoryName(state.step());
        Path finalDir = trialDir.resolve(name);
        Path tmp = trialDir.resolve(name + ".tmp");
        deleteRecursively(tmp);
        Files.createDirectory(tmp);
        try {
            try (DataOutputStream out = dataOut(tmp.resolve(ENCODER))) {
                network.saveEncoder(out);
            }
            try (DataOutputStream out = dataOut(tmp.resolve(HEAD))) {
                network.saveHead(out);
            }
            try (DataOutputStream out = dataOut(tmp.resolve(OPTIMIZER))) {
                optimizer.save(out);
            }
            Files.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state) + "\n", StandardCharsets.UTF_8);
            metrics.write(tmp);
            deleteRecursively(finalDir);
            Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
        AtomicFiles.writeString(trialDir.resolve(Checkpoints.LATEST), name + "\n");
        prune(trialDir, finalDir);
        return finalDir;
    }

    /** The checkpoint {@code latest} names in {@code trialDir}, if any; a broken pointer is an error. */
    static Optional<Path> latest(Path trialDir) {
        Path pointer = trialDir.resolve(Checkpoints.LATEST);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        try {
            Path dir = trialDir.resolve(
                    Files.readString(pointer, StandardCharsets.UTF_8).trim());
            for (String f : REQUIRED) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    throw new CheckpointException(
                            "fine-tuning checkpoint " + dir + " is incomplete: " + f + " is missing");
                }
            }
            return Optional.of(dir);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + pointer + ": " + e.getMessage(), e);
        }
    }

    static TrialState readState(Path checkpoint) {
        try {
            return JSON.readValue(checkpoint.resolve(STATE).toFile(), TrialState.class);
        } catch (IOException e) {
            throw new CheckpointException(
                    "fine-tuning checkpoint " + checkpoint + " has a corrupt " + STATE + ": " + e.getMessage(), e);
        }
    }

    static FineTuneMetrics readMetrics(Path checkpoint) {
        try {
            return FineTuneMetrics.read(checkpoint);
        } catch (IOException e) {
            throw new CheckpointException(
                    "fine-tuning checkpoint " + checkpoint + " has corrupt metrics: " + e.getMessage(), e);
        }
    }

    /** Loads weights (and, when given, optimiser state) of {@code checkpoint}. */
    static void restore(Path checkpoint, ClassifierNetwork network, Optimizer optimizer) {
        try (DataInputStream enc = dataIn(checkpoint.resolve(ENCODER));
                DataInputStream head = dataIn(checkpoint.resolve(HEAD))) {
            network.load(enc, head);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw corrupt(checkpoint, ENCODER + "/" + HEAD, e);
        }
        if (optimizer != null) {
            try (DataInputStream in = dataIn(checkpoint.resolve(OPTIMIZER))) {
                optimizer.load(in);
            } catch (IOException | RuntimeException e) {
                throw corrupt(checkpoint, OPTIMIZER, e);
            }
        }
    }

    private static CheckpointException corrupt(Path dir, String file, Exception e) {
        String why = e instanceof EOFException ? "the file is truncated" : e.getMessage();
        return new CheckpointException("fine-tuning checkpoint " + dir + " has a corrupt " + file + ": " + why, e);
    }

    private static void prune(Path trialDir, Path keep) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(trialDir)) {
            all = s.filter(p ->
                            Files.isDirectory(p) && p.getFileName().toString().matches("ckpt-\\d{8,}"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
        }
        for (int i = 2; i < all.size(); i++) {
            if (!all.get(i).equals(keep)) {
                deleteRecursively(all.get(i));
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static DataOutputStream dataOut(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    static DataInputStream dataIn(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }
}
