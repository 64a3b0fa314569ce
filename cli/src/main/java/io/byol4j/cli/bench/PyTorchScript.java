package io.byol4j.cli.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@code byol_step.py}, the plain-PyTorch baseline, is found when {@code --pytorch-script} is not given. */
final class PyTorchScript {

    /** Where the PyTorch script lives in the source tree. */
    static final String SCRIPT = "bench/pytorch/byol_step.py";

    private PyTorchScript() {}

    /**
     * {@value #SCRIPT} under the working folder, else in the nearest folder above the jar (or classes folder)
     * this class was loaded from; {@code null} when neither has it.
     */
    static Path find() {
        Path here = Path.of(SCRIPT);
        if (Files.isRegularFile(here)) {
            return here.toAbsolutePath();
        }
        try {
            Path code = Path.of(PyTorchScript.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            for (Path dir = code.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(SCRIPT);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
