package io.byol4j.trainer.network;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.optim.TrainableParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ByolNetwork} per training device, for synchronous data parallelism. Replica 0, the
 * <em>primary</em>, is the network the optimiser updates, checkpoints save and monitors read; every other
 * replica holds a copy of its weights and only computes gradients on its shard of each batch.
 *
 * <p>A data-parallel step: {@link #onEach} runs forward and backward on every replica at once (the primary
 * on the calling thread, each other replica on a thread of its own); {@link #averageGradientsOntoPrimary()}
 * leaves the mean gradient on the primary; the primary's optimiser and target EMA update it; then
 * {@link #broadcastFromPrimary()} copies every online and target value, BatchNorm running statistics included,
 * back to the other replicas. BatchNorm therefore normalises with per-device batch statistics, and the primary's
 * running statistics win, as PyTorch's DistributedDataParallel does without SyncBatchNorm.
 *
 * <p>With one device this is just the primary network: nothing is copied and no thread is started.
 */
public final class ByolReplicas implements AutoCloseable {

    /** Work on one replica. */
    @FunctionalInterface
    public interface ReplicaTask<T> {

        /**
         * @param index 0 for the primary
         * @param replica the replica's network, driven by this call only while it runs
         */
        T run(int index, ByolNetwork replica);
    }

    private final List<ByolNetwork> replicas;
    private final int shardSize;
    private final List<List<TrainableParameter>> trainable = new ArrayList<>();
    private final List<List<Pair<Parameter, Parameter>>> copies = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();

    private ByolReplicas(List<ByolNetwork> replicas, int shardSize) {
        this.replicas = List.copyOf(replicas);
        this.shardSize = shardSize;
        ByolNetwork primary = replicas.get(0);
        for (int i = 0; i < replicas.size(); i++) {
            ByolNetwork replica = replicas.get(i);
            trainable.add(replica.trainableParameters(false));
            if (!names(trainable.get(i)).equals(names(trainable.get(0)))) {
                throw new IllegalStateException("replica " + i + " has other trainable parameters than the primary");
            }
            if (i == 0) {
                continue;
            }
            List<Pair<Parameter, Parameter>> pairs = new ArrayList<>();
            pairs.addAll(pair(
                    primary.online().getParameters().toMap(), replica.online().getParameters()));
            pairs.addAll(pair(
                    primary.target().getParameters().toMap(), replica.target().getParameters()));
            copies.add(pairs);
            String name = "byol4j-replica-" + i;
            threads.add(Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                return t;
            }));
        }
    }

    private static List<String> names(List<TrainableParameter> parameters) {
        return parameters.stream().map(TrainableParameter::name).toList();
    }

    private static List<Pair<Parameter, Parameter>> pair(
            Map<String, Parameter> sources, Iterable<Pair<String, Parameter>> destinations) {
        List<Pair<Parameter, Parameter>> out = new ArrayList<>();
        for (Pair<String, Parameter> d : destinations) {
            Parameter s = sources.get(d.getKey());
            if (s == null
                    || !s.getArray().getShape().equals(d.getValue().getArray().getShape())) {
                throw new IllegalStateException("replicas differ at parameter " + d.getKey());
            }
            out.add(new Pair<>(s, d.getValue()));
        }
        if (out.size() != sources.size()) {
            throw new IllegalStateException("replicas have different parameter counts");
        }
        return out;
    }

    /**
     * Checks that a batch of {@code batchSize} splits into equal shards of at least 2 images (BatchNorm needs
     * batch statistics) over {@code devices}.
     *
     * @throws IllegalArgumentException if it does not, or {@code devices} is empty
     */
    public static void checkBatch(int batchSize, List<Device> devices) {
        int n = devices.size();
        if (n == 0) {
            throw new IllegalArgumentException("no training device");
        }
        if (batchSize % n != 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " does not split evenly over the " + n
                    + " training devices " + devices + "; use a multiple of " + n);
        }
        if (batchSize / n < 2) {
            throw new IllegalArgumentException("batchSize " + batchSize + " leaves " + batchSize / n
                    + " image per device on " + n + " devices; BatchNorm needs at least 2, use batchSize >= "
                    + 2 * n);
        }
    }

    /**
     * Builds one network per device: the primary on {@code devices.get(0)} exactly as
     * {@link ByolNetwork#create(TrainConfig, Device)} does, the others as copies of it.
     *
     * @throws IllegalArgumentException if {@link #checkBatch} rejects {@code cfg.batchSize()}
     */
    public static ByolReplicas create(TrainConfig cfg, List<Device> devices) {
        checkBatch(cfg.batchSize(), devices);
        List<ByolNetwork> networks = new ArrayList<>(devices.size());
        ByolReplicas built = null;
        try {
            for (Device device : devices) {
                networks.add(ByolNetwork.create(cfg, device));
            }
            built = new ByolReplicas(networks, cfg.batchSize() / devices.size());
            built.broadcastFromPrimary();
            return built;
        } catch (RuntimeException e) {
            if (built != null) {
                built.close();
            } else {
                networks.forEach(ByolNetwork::close);
            }
            throw e;
        }
    }

    /** Number of replicas (devices). */
    public int size() {
        return replicas.size();
    }

    /** Images each replica trains on per step: {@code batchSize / size()}. */
    public int shardSize() {
        return shardSize;
    }

    /** Replica 0: the network the optimiser, checkpoints and monitors use. */
    public ByolNetwork primary() {
        return replicas.get(0);
    }

    /** Replica {@code index}; 0 is the primary. */
    public ByolNetwork get(int index) {
        return replicas.get(index);
    }

    /** The replicas' devices, primary first. */
    public List<Device> devices() {
        return replicas.stream().map(ByolNetwork::device).toList();
    }

    /**
     * Runs {@code task} on every replica at once: the primary on the calling thread, the others each on its
     * own thread. Returns when every task has ended (also when one failed or the caller is interrupted, so
     * that no task still uses arrays the caller is about to release).
     *
     * @return the results in replica order
     * @throws RuntimeException the first failure of any task (later ones are suppressed into it)
     */
    public <T> List<T> onEach(ReplicaTask<T> task) {
        List<Future<T>> others = new ArrayList<>(replicas.size() - 1);
        for (int i = 1; i < replicas.size(); i++) {
            int index = i;
            others.add(threads.get(i - 1).submit(() -> task.run(index, replicas.get(index))));
        }
        List<T> results = new ArrayList<>(replicas.size());
        Throwable failure = null;
        try {
            results.add(task.run(0, replicas.get(0)));
        } catch (RuntimeException | Error e) {
            failure = e;
            results.add(null);
        }
        boolean interrupted = false;
        for (Future<T> f : others) {
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure = firstOf(failure, e.getCause());
                    results.add(null);
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("a replica task failed: " + failure, failure);
        }
        return results;
    }

    private static Throwable firstOf(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /**
     * Replaces the primary's gradients by the mean of every replica's gradients (copied to the primary's
     * device) and zeroes the other replicas' gradients. Call it after every replica's backward pass and before
     * the optimiser step, outside any gradient collection.
     */
    public void averageGradientsOntoPrimary() {
        if (replicas.size() == 1) {
            return;
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<TrainableParameter> primary = trainable.get(0);
            for (int k = 0; k < primary.size(); k++) {
                NDArray sum = primary.get(k).array().getGradient();
                Device device = sum.getDevice();
                for (int r = 1; r < replicas.size(); r++) {
                    NDArray g = trainable.get(r).get(k).array().getGradient();
                    sum.addi(g.toDevice(device, false));
                    g.subi(g);
                }
                sum.divi(replicas.size());
            }
        }
    }

    /**
     * Copies every online and target value of the primary (weights and BatchNorm running statistics) into the
     * other replicas, in place. Call it outside any gradient collection.
     */
    public void broadcastFromPrimary() {
        if (replicas.size() == 1) {
            return;
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDIndex all = new NDIndex("...");
            for (List<Pair<Parameter, Parameter>> pairs : copies) {
                for (Pair<Parameter, Parameter> p : pairs) {
                    NDArray destination = p.getValue().getArray();
                    destination.set(all, p.getKey().getArray().toDevice(destination.getDevice(), false));
                }
            }
        }
    }

    /** Stops the replica threads and releases every replica. */
    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdown);
        try {
            for (ExecutorService t : threads) {
                t.awaitTermination(1, TimeUnit.MINUTES);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (int i = replicas.size() - 1; i >= 0; i--) {
                replicas.get(i).close();
            }
        }
    }
}
