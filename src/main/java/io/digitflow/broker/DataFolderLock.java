package io.digitflow.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the broker's data folder, held from before formatting until the broker stopped.
 * Kafka's own lock is not enough: in combined mode with one folder the controller starts writing the
 * metadata log before the broker half takes that lock. The OS drops the lock when the process dies,
 * so a restart after a kill finds the folder free.
 */
final class DataFolderLock implements AutoCloseable {

    static final String FILE_NAME = "digitflow-broker.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dataDir} or fails, naming the folder, when another broker (in any process) holds it. */
    static DataFolderLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new DataFolderLock(channel, lock);
            }
        } catch (OverlappingFileLockException e) {
            // Held by another broker in this same JVM.
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot lock the Kafka data folder " + dataDir, e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("The Kafka data folder " + dataDir
                + " is in use by another running broker; stop it, or give this one another folder");
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release the lock " + FILE_NAME, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a channel we failed to lock; nothing else to do.
        }
    }
}
