package io.byol4j.trainer.testing;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs libtorch with one intra-op thread. The test networks are tiny, so a second thread brings nothing,
 * while on a busy 2-core machine OpenMP threads waiting for each other slow every operation many times.
 * Results are identical either way.
 */
public final class SingleThreadedTorch implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        Engine.getInstance();
        JniUtils.setNumThreads(1);
    }
}
