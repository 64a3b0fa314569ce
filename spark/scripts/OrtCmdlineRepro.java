import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Minimal reproduction of ONNX Runtime 1.29.0's crash on long process command lines (see README "Spark"): prints
 * the lengths of the class path and of /proc/self/cmdline, then creates the ONNX Runtime environment on the main
 * thread (no byol4j code involved) and opens MODEL. Pad the command line with any further argument, e.g.
 *   java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar \
 *     spark/scripts/OrtCmdlineRepro.java model.onnx "$(head -c 4000 /dev/zero | tr '\0' x)"
 * Exit 0 when it worked; the JVM dies with SIGSEGV (exit 139) when it did not.
 */
public class OrtCmdlineRepro {
    public static void main(String[] args) throws Exception {
        System.out.println("java.class.path: " + System.getProperty("java.class.path").length() + " chars");
        Path cmdline = Path.of("/proc/self/cmdline");
        if (Files.isReadable(cmdline)) {
            System.out.println("/proc/self/cmdline: " + Files.readAllBytes(cmdline).length + " bytes");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.println("environment created");
        try (OrtSession session = env.createSession(args[0], new OrtSession.SessionOptions())) {
            System.out.println("session opened, inputs " + session.getInputNames());
        }
    }
}
