package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Opens datasets from a one-line spec (as given on the command line) and splits them.
 *
 * <h2>Spec grammar</h2>
 * <pre>
 * synthetic                                   built-in shapes, size=2000, seed=1, image=32
 * synthetic:size=N,seed=S,image=P             any subset of the keys, comma-separated
 * folder:/path/to/root                        labeled: root/&lt;class&gt;/&lt;image&gt; ({@link ImageFolderDataset})
 * flat:/path/to/folder                        unlabeled, recursive ({@link FlatFolderDataset})
 * idx:/path/images.idx3-ubyte[.gz][,/path/labels.idx1-ubyte[.gz]]   ({@link IdxDataset})
 * fashion-mnist:/dir[:train|test]             official file names, default train
 * mnist:/dir[:train|test]                     official file names, default train
 * cifar10-bin:/dir[:train|test]               binary batches, default train ({@link Cifar10BinaryDataset})
 * /path/to/existing/dir                       no prefix: same as folder:
 * </pre>
 * Prefixes are case-insensitive and win over a directory of the same name (use {@code folder:} to be
 * explicit). An {@code idx:} dataset with labels but no class names names its classes by label number.
 *
 * <p>{@code channels} is 1 or 3 to convert every image, or {@code <= 0} for the dataset's natural
 * channels: 1 for IDX (MNIST, Fashion-MNIST), 3 for everything else.
 */
public final class Datasets {

    /** The spec prefixes {@link #open} understands. */
    public static final List<String> PREFIXES =
            List.of("synthetic", "folder", "flat", "idx", "fashion-mnist", "mnist", "cifar10-bin");

    private Datasets() {}

    /**
     * Opens the dataset a spec describes, decoding image files with a default {@link ImageDecoder}.
     *
     * @throws IllegalArgumentException for an unknown prefix (the message lists the known ones), a
     *     malformed spec, or a dataset that cannot be opened
     */
    public static Dataset open(String spec, int channels) {
        return open(spec, channels, new ImageDecoder());
    }

    /** Like {@link #open(String, int)}, decoding image files with {@code decoder}. */
    public static Dataset open(String spec, int channels, ImageDecoder decoder) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(decoder, "decoder");
        if (channels > 0) {
            checkChannels(channels);
        }
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty dataset spec; expected one of " + knownForms());
        }
        int colon = s.indexOf(':');
        String prefix = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        int fileChannels = channels > 0 ? channels : 3;
        switch (prefix) {
            case "synthetic":
                return withChannels(synthetic(arg), channels);
            case "folder":
                return new ImageFolderDataset(Path.of(require(arg, prefix, "/path/to/root")), fileChannels, decoder);
            case "flat":
                return new FlatFolderDataset(Path.of(require(arg, prefix, "/path/to/folder")), fileChannels, decoder);
            case "idx":
                return withChannels(idx(require(arg, prefix, "/path/images[,/path/labels]")), channels);
            case "fashion-mnist": {
                DirAndSplit d = dirAndSplit(require(arg, prefix, "/dir[:train|test]"), prefix);
                return withChannels(IdxDataset.fashionMnist(d.dir, d.train), channels);
            }
            case "mnist": {
                DirAndSplit d = dirAndSplit(require(arg, prefix, "/dir[:train|test]"), prefix);
                return withChannels(IdxDataset.mnist(d.dir, d.train), channels);
            }
            case "cifar10-bin": {
                DirAndSplit d = dirAndSplit(require(arg, prefix, "/dir[:train|test]"), prefix);
                return withChannels(new Cifar10BinaryDataset(d.dir, d.train), channels);
            }
            default:
                Path bare = asExistingDirectory(s);
                if (bare != null) {
                    return new ImageFolderDataset(bare, fileChannels, decoder);
                }
                throw new IllegalArgumentException("unknown dataset spec '" + s + "': "
                        + (colon < 0
                                ? "not an existing directory nor a known prefix"
                                : "unknown prefix '" + prefix + "'")
                        + "; expected one of " + knownForms());
        }
    }

    /**
     * {@code dataset} with its images converted to {@code channels} (1 or 3); {@code dataset} itself
     * when it already has them or when {@code channels <= 0}.
     */
    public static Dataset withChannels(Dataset dataset, int channels) {
        Objects.requireNonNull(dataset, "dataset");
        if (channels <= 0 || dataset.channels() == channels) {
            return dataset;
        }
        checkChannels(channels);
        return new ChannelConvertingDataset(dataset, channels);
    }

    /**
     * Splits {@code dataset} at random into disjoint training and test parts. A labeled dataset is
     * split per class (stratified): each class with at least two samples puts
     * {@code round(n * trainFraction)}, but at least one and at most {@code n - 1}, of its {@code n}
     * samples into the training part. An unlabeled dataset is split the same way as a whole. Both parts
     * keep the base order. The same seed gives the same split.
     *
     * @param trainFraction strictly between 0 and 1
     */
    public static Split split(Dataset dataset, double trainFraction, long seed) {
        Objects.requireNonNull(dataset, "dataset");
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("train fraction must be strictly between 0 and 1, got " + trainFraction);
        }
        int n = dataset.size();
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> groups = new ArrayList<>();
        if (dataset.isLabeled()) {
            int classes = dataset.classNames().size();
            int[] counts = new int[classes];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = dataset.label(i);
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("sample " + i + " has label " + labels[i] + " outside the "
                            + classes + " classes of " + dataset.describe());
                }
                counts[labels[i]]++;
            }
            int[][] members = new int[classes][];
            for (int c = 0; c < classes; c++) {
                members[c] = new int[counts[c]];
            }
            int[] fill = new int[classes];
            for (int i = 0; i < n; i++) {
                members[labels[i]][fill[labels[i]]++] = i;
            }
            groups.addAll(Arrays.asList(members));
        } else {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            groups.add(all);
        }
        int[] train = new int[n];
        int[] test = new int[n];
        int nTrain = 0;
        int nTest = 0;
        for (int[] group : groups) {
            shuffle(group, rng);
            int k = trainCount(group.length, trainFraction);
            for (int j = 0; j < group.length; j++) {
                if (j < k) {
                    train[nTrain++] = group[j];
                } else {
                    test[nTest++] = group[j];
                }
            }
        }
        int[] trainIdx = Arrays.copyOf(train, nTrain);
        int[] testIdx = Arrays.copyOf(test, nTest);
        Arrays.sort(trainIdx);
        Arrays.sort(testIdx);
        return new Split(new Subset(dataset, trainIdx), new Subset(dataset, testIdx));
    }

    private static int trainCount(int n, double fraction) {
        if (n < 2) {
            return n;
        }
        long k = Math.round(n * fraction);
        return (int) Math.max(1, Math.min(n - 1, k));
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static void checkChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
    }

    private static SyntheticDataset synthetic(String arg) {
        int size = SyntheticDataset.DEFAULT_SIZE;
        long seed = SyntheticDataset.DEFAULT_SEED;
        int image = SyntheticDataset.DEFAULT_IMAGE_SIZE;
        if (arg != null && !arg.isBlank()) {
            for (String part : arg.split(",")) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(
                            "synthetic dataset option '" + p + "' is not key=value; keys: size, seed, image");
                }
                String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = p.substring(eq + 1).strip();
                switch (key) {
                    case "size" -> size = parseInt(value, "size");
                    case "seed" -> seed = parseLong(value, "seed");
                    case "image" -> image = parseInt(value, "image");
                    default ->
                        throw new IllegalArgumentException(
                                "unknown synthetic dataset option '" + key + "'; keys: size, seed, image");
                }
            }
        }
        return new SyntheticDataset(size, seed, image);
    }

    private static IdxDataset idx(String arg) {
        String[] parts = arg.split(",", -1);
        if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
            throw new IllegalArgumentException(
                    "idx dataset spec must be idx:/path/images[,/path/labels], got idx:" + arg);
        }
        Path images = Path.of(parts[0].strip());
        Path labels = parts.length == 2 ? Path.of(parts[1].strip()) : null;
        return new IdxDataset(images, labels, List.of());
    }

    private record DirAndSplit(Path dir, boolean train) {}

    private static DirAndSplit dirAndSplit(String arg, String prefix) {
        int colon = arg.lastIndexOf(':');
        if (colon >= 0) {
            String suffix = arg.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            if (suffix.equals("train") || suffix.equals("test")) {
                return new DirAndSplit(Path.of(arg.substring(0, colon).strip()), suffix.equals("train"));
            }
            if (!suffix.contains("/") && !suffix.contains("\\")) {
                throw new IllegalArgumentException(
                        "unknown split '" + suffix + "' in " + prefix + ":" + arg + "; expected train or test");
            }
        }
        return new DirAndSplit(Path.of(arg.strip()), true);
    }

    private static String require(String arg, String prefix, String form) {
        if (arg == null || arg.isBlank()) {
            throw new IllegalArgumentException("dataset spec " + prefix + " needs an argument: " + prefix + ":" + form);
        }
        return arg.strip();
    }

    private static int parseInt(String value, String key) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "synthetic dataset option " + key + " must be an integer, got '" + value + "'", e);
        }
    }

    private static long parseLong(String value, String key) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "synthetic dataset option " + key + " must be an integer, got '" + value + "'", e);
        }
    }

    private static Path asExistingDirectory(String s) {
        try {
            Path p = Path.of(s);
            return Files.isDirectory(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static String knownForms() {
        return "synthetic[:size=N,seed=S,image=P], folder:/root, flat:/folder, idx:/images[,/labels], "
                + "fashion-mnist:/dir[:train|test], mnist:/dir[:train|test], cifar10-bin:/dir[:train|test], "
                + "or an existing directory";
    }
}
