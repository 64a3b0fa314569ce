package io.byol4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.byol4j.trainer.config.OptimizerConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients (a manual update loop, not DJL's trainer). Each
 * parameter gets its own state slots (momentum buffers, moments) allocated next to the parameter. The
 * state is saved and restored for checkpoints, keyed by parameter name.
 *
 * <p>Call {@link #step(double)} after the backward pass, outside any gradient collection; it consumes
 * the gradients and resets them to zero for the next step.
 */
public abstract class Optimizer implements AutoCloseable {

    private static final String MAGIC = "byol4j-optimizer";
    private static final int FORMAT = 1;

    private final List<TrainableParameter> parameters;
    private final NDManager stateManager;
    private final Map<String, NDArray[]> state = new LinkedHashMap<>();
    private long updates;

    Optimizer(List<TrainableParameter> parameters, NDManager manager, int slots) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to optimise: the parameter list is empty");
        }
        this.parameters = List.copyOf(parameters);
        this.stateManager = manager.newSubManager();
        for (TrainableParameter p : this.parameters) {
            NDArray w = p.array();
            NDArray[] s = new NDArray[slots];
            for (int i = 0; i < slots; i++) {
                s[i] = stateManager.zeros(w.getShape(), w.getDataType());
            }
            if (state.put(p.name(), s) != null) {
                throw new IllegalArgumentException("duplicate parameter name " + p.name());
            }
        }
    }

    /**
     * Creates the optimiser named by {@code cfg.type()}.
     *
     * @param manager owns the optimiser state (use the network's manager so that state lives on its device)
     */
    public static Optimizer create(OptimizerConfig cfg, List<TrainableParameter> parameters, NDManager manager) {
        return switch (cfg.type()) {
            case "lars" ->
                new Lars(parameters, manager, cfg.momentum(), cfg.weightDecay(), cfg.trustCoefficient(), cfg.clipLr());
            case "sgd" -> new Sgd(parameters, manager, cfg.momentum(), cfg.weightDecay());
            case "adamw" ->
                new AdamW(parameters, manager, cfg.momentum(), cfg.beta2(), cfg.epsilon(), cfg.weightDecay());
            default -> throw new IllegalArgumentException("unknown optimizer type " + cfg.type());
        };
    }

    /** The optimiser type as in the config ({@code lars}, {@code sgd}, {@code adamw}). */
    public abstract String type();

    /** Number of {@link #step(double)} calls so far (restored from checkpoints). */
    public long updates() {
        return updates;
    }

    /**
     * Applies one update with learning rate {@code lr} to every parameter, then zeroes the gradients.
     * Temporary arrays are released before returning.
     */
    public void step(double lr) {
        updates++;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (TrainableParameter p : parameters) {
                NDArray w = p.array();
                NDArray g = w.getGradient();
                update(w, g, state.get(p.name()), (float) lr, p.regularized(), updates);
                g.subi(g);
            }
        }
    }

    /**
     * Updates {@code w} in place.
     *
     * @param slots this parameter's state, updated in place
     * @param t the 1-based update count
     */
    abstract void update(NDArray w, NDArray g, NDArray[] slots, float lr, boolean regularized, long t);

    /** Writes the type, the update count and every state slot. */
    public void save(DataOutputStream out) throws IOException {
        out.writeUTF(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(type());
        out.writeLong(updates);
        out.writeInt(state.size());
        for (Map.Entry<String, NDArray[]> e : state.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (NDArray slot : e.getValue()) {
                byte[] bytes = slot.encode();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    /**
     * Replaces the state with one written by {@link #save(DataOutputStream)}.
     *
     * @throws IOException if the stream is not optimiser state, is of another optimiser type, or does not
     *     match these parameters (names, slot count, shapes); the current state is then left unchanged
     */
    public void load(DataInputStream in) throws IOException {
        if (!MAGIC.equals(in.readUTF())) {
            throw new IOException("not byol4j optimiser state");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unsupported optimiser state format " + format + " (expected " + FORMAT + ")");
        }
        String savedType = in.readUTF();
        if (!savedType.equals(type())) {
            throw new IOException("optimiser state is for '" + savedType + "', this optimiser is '" + type() + "'");
        }
        long savedUpdates = in.readLong();
        int count = in.readInt();
        if (count != state.size()) {
            throw new IOException("optimiser state has " + count + " parameters, expected " + state.size());
        }
        Map<String, NDArray[]> loaded = new HashMap<>();
        try {
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                NDArray[] current = state.get(name);
                if (current == null) {
                    throw new IOException("optimiser state names unknown parameter " + name);
                }
                int slots = in.readInt();
                if (slots != current.length) {
                    throw new IOException(
                            "parameter " + name + " has " + slots + " state slots, expected " + current.length);
                }
                NDArray[] fresh = new NDArray[slots];
                loaded.put(name, fresh);
                for (int s = 0; s < slots; s++) {
                    int length = in.readInt();
                    if (length <= 0 || length > (1 << 30)) {
                        throw new IOException("corrupt optimiser state for " + name);
                    }
                    byte[] bytes = in.readNBytes(length);
                    if (bytes.length != length) {
                        throw new IOException("optimiser state is truncated at parameter " + name);
                    }
                    fresh[s] = stateManager.decode(bytes);
                    if (!fresh[s].getShape().equals(current[s].getShape())) {
                        throw new IOException("optimiser state for " + name + " has shape " + fresh[s].getShape()
                                + ", expected " + current[s].getShape());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            loaded.values().forEach(arrays -> {
                for (NDArray a : arrays) {
                    if (a != null) {
                        a.close();
                    }
                }
            });
            throw e;
        }
        for (Map.Entry<String, NDArray[]> e : loaded.entrySet()) {
            for (NDArray old : state.get(e.getKey())) {
                old.close();
            }
            state.put(e.getKey(), e.getValue());
        }
        updates = savedUpdates;
    }

    /** Releases the optimiser state. */
    @Override
    public void close() {
        stateManager.close();
    }
}
