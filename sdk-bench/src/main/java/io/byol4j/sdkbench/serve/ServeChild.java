package io.byol4j.sdkbench.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of {@link ServeLoad} alone in its own JVM: starts one {@link ServerUnderTest} (flags
 * {@code --batching true|false --model FILE} plus {@link ServeLoad}'s server flags), prints
 * {@code READY <grpc port> <metrics port> <description>} on standard output, and serves until its standard input
 * closes. Started by {@link ServerUnderTest#spawn}.
 */
public final class ServeChild {

    /** The line that tells the parent the server is up. */
    static final String READY = "READY ";

    private ServeChild() {}

    /** Runs the server until standard input reaches its end; exit code 2 for bad flags. */
    public static void main(String[] args) throws Exception {
        Boolean batching = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--batching") && i + 1 < args.length) {
                batching = Boolean.parseBoolean(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        LoadOptions o;
        try {
            o = LoadOptions.parse(rest.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("ServeChild: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (batching == null || o.model() == null) {
            System.err.println("ServeChild: needs --batching true|false and --model FILE.onnx");
            System.exit(2);
            return;
        }
        Path model = o.model();
        try (ServerUnderTest server = ServerUnderTest.start(model, batching, o)) {
            System.out.println(READY + server.port() + " " + server.metricsPort() + " " + server.description());
            System.out.flush();
            waitForEndOfInput(System.in);
        }
        System.exit(0);
    }

    private static void waitForEndOfInput(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // input carries nothing; its end is the signal to stop
        }
    }
}
