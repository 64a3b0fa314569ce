package io.byol4j.sdk.internal;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide ONNX Runtime environment, created on a thread with a large stack.
 *
 * <p>Why: ONNX Runtime 1.29.0's native initialisation (the first {@link OrtEnvironment#getEnvironment()} in a
 * process) reads the process command line ({@code /proc/self/cmdline}) and uses stack space in proportion to
 * its length: on a default 1 MiB Java thread stack it overflows the stack and the JVM dies with SIGSEGV once
 * the command line passes about 3,980 bytes (measured on Linux x86-64, OpenJDK 17). Stock {@code spark-submit}
 * (a {@code -cp} of every Spark jar) and long argument lists pass that easily. The cost is paid once, so the
 * environment is created here on a dedicated thread whose stack is sized from the command line; later calls
 * on any thread only return the existing environment. Thread-safe.
 */
public final class OrtEnvironments {

    /** Least stack of the initialising thread; measured: 64 MiB survives a 100,000-byte command line. */
    static final long MIN_STACK_BYTES = 64L << 20;
    /** Stack per command-line byte: about 4x the ~260 bytes per byte the crash threshold implies. */
    static final long STACK_BYTES_PER_CMDLINE_BYTE = 1024;

    private static final AtomicReference<OrtEnvironment> ENV = new AtomicReference<>();

    private OrtEnvironments() {}

    /**
     * The environment, created on first use on a large-stack thread.
     *
     * @throws IllegalStateException when ONNX Runtime's native library cannot be loaded (the cause attached)
     */
    public static OrtEnvironment get() {
        OrtEnvironment env = ENV.get();
        if (env != null) {
            return env;
        }
        synchronized (OrtEnvironments.class) {
            env = ENV.get();
            if (env == null) {
                env = createOnLargeStack(stackBytesFor(commandLineBytes()));
                ENV.set(env);
            }
            return env;
        }
    }

    /** The initialising thread's stack for a command line of {@code cmdlineBytes} bytes. */
    static long stackBytesFor(long cmdlineBytes) {
        return Math.max(MIN_STACK_BYTES, cmdlineBytes * STACK_BYTES_PER_CMDLINE_BYTE);
    }

    /** Length of this process's command line, or 0 where {@code /proc/self/cmdline} does not exist. */
    static long commandLineBytes() {
        Path cmdline = Path.of("/proc/self/cmdline");
        if (!Files.isReadable(cmdline)) {
            return 0;
        }
        long n = 0;
        byte[] buf = new byte[8192];
        try (InputStream in = Files.newInputStream(cmdline)) {
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                n += r;
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    private static OrtEnvironment createOnLargeStack(long stackBytes) {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread init = new Thread(
                null,
                () -> {
                    try {
                        created.set(OrtEnvironment.getEnvironment());
                    } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError: report them below
                        failure.set(t);
                    }
                },
                "byol4j-ort-init",
                stackBytes);
        init.start();
        boolean interrupted = false;
        while (true) {
            try {
                init.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // finish the (short) initialisation, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "cannot initialise ONNX Runtime: " + failure.get().getMessage(), failure.get());
        }
        return created.get();
    }
}
