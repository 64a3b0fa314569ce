package io.byol4j.trainer.finetune;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a run folder ({@code .lock}, an OS file lock released when the process ends, even by
 * kill -9), so that two processes never write one run: the second is refused with a clear message.
 */
final class RunLock implements AutoCloseable {

    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code runDir} (which must exist).
     *
     * @throws IllegalStateException when another process (or another run in this one) holds the lock
     */
    static RunLock acquire(Path runDir) throws IOException {
        FileChannel channel =
                FileChannel.open(runDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another fine-tuning process is writing " + runDir
                    + "; wait for it to end (or stop it), then --resume");
        }
        return new RunLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
