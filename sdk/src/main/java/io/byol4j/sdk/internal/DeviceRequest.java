package io.byol4j.sdk.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a user asked byol4j to compute, in the one vocabulary every command and config shares: {@code auto},
 * {@code cpu}, {@code gpu} (every GPU) and {@code gpu:N} (GPU number {@code N}); {@code cuda} and {@code cuda:N} are
 * the same as {@code gpu} and {@code gpu:N}. Case and surrounding spaces are ignored.
 *
 * <p>This is only the request: the trainer turns it into DJL devices ({@code trainer.device.DeviceSelector}), the SDK
 * into an ONNX Runtime execution provider ({@code EncoderOptions} with its CUDA fallback). Not API.
 *
 * @param kind what was asked for
 * @param index the GPU number for {@code gpu:N}, {@link #ALL_GPUS} otherwise
 */
public record DeviceRequest(Kind kind, int index) {

    /** The accepted words, for help texts and error messages. */
    public static final String VOCABULARY = "auto, cpu, gpu (every GPU) or gpu:N (GPU number N); cuda means gpu";

    /** {@link #index()} when no single GPU is named. */
    public static final int ALL_GPUS = -1;

    /** What was asked for. */
    public enum Kind {
        /** Every GPU when there is one, else the CPU. */
        AUTO,
        /** The CPU. */
        CPU,
        /** GPUs only: all of them, or the one {@link #index()} names. */
        GPU
    }

    /** The request for {@code auto}. */
    public static final DeviceRequest AUTO = new DeviceRequest(Kind.AUTO, ALL_GPUS);

    /**
     * Checks that only a GPU request names an index, and that the index is not negative.
     *
     * @throws IllegalArgumentException otherwise
     */
    public DeviceRequest {
        Objects.requireNonNull(kind, "kind");
        if (index != ALL_GPUS && (kind != Kind.GPU || index < 0)) {
            throw new IllegalArgumentException("device " + kind + " cannot name GPU " + index);
        }
    }

    /**
     * Reads a device word.
     *
     * @throws IllegalArgumentException naming {@code text} and the vocabulary when it is not one of the words
     */
    public static DeviceRequest parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "auto":
                return AUTO;
            case "cpu":
                return new DeviceRequest(Kind.CPU, ALL_GPUS);
            case "gpu":
            case "cuda":
                return new DeviceRequest(Kind.GPU, ALL_GPUS);
            default:
                break;
        }
        int colon = t.indexOf(':');
        String head = colon < 0 ? t : t.substring(0, colon);
        if (colon > 0 && (head.equals("gpu") || head.equals("cuda"))) {
            String number = t.substring(colon + 1);
            if (number.matches("[0-9]{1,4}")) {
                return new DeviceRequest(Kind.GPU, Integer.parseInt(number));
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "'; use " + VOCABULARY);
    }

    /** True for {@code gpu} and {@code gpu:N}. */
    public boolean gpuOnly() {
        return kind == Kind.GPU;
    }

    /** The canonical word: {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. */
    @Override
    public String toString() {
        return kind == Kind.GPU && index != ALL_GPUS
                ? "gpu:" + index
                : kind.name().toLowerCase(Locale.ROOT);
    }
}
