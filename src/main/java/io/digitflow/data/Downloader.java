package io.digitflow.data;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** Downloads a file over HTTP into place, only once its content has the expected SHA-256. */
final class Downloader {

    private static final Logger LOG = Logger.getLogger(Downloader.class);
    private static final String OFFLINE_HINT = "; without network access, put the four MNIST files in a folder "
            + "and set digitflow.data.dir (DIGITFLOW_DATA) to it";

    private final HttpClient client;
    private final Duration readTimeout;

    /** {@code readTimeout}: how long the server may send nothing, before the headers or within the body. */
    Downloader(HttpClient client, Duration readTimeout) {
        this.client = client;
        this.readTimeout = readTimeout;
    }

    /** Downloads {@code url} to {@code target}; returns the SHA-256 of the stored bytes. */
    String download(URI url, Path target, String expectedContentSha256) {
        LOG.infof("Downloading %s", url);
        Path temp = createTemp(target);
        try {
            fetch(url, temp);
            String sha256 = Sha256.verify(temp, expectedContentSha256, problem -> new DataException(url, problem),
                    "the download was discarded (a damaged transfer, or the mirror serves other data)");
            // Moved only now, so the cache never holds a partial or unverified file, even after a crash.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return sha256;
        } catch (IOException e) {
            throw new DataException(target, "cannot be written (" + e + ")", e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private void fetch(URI url, Path temp) {
        AtomicLong received = new AtomicLong();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(readTimeout).GET().build();
        CompletableFuture<HttpResponse<Path>> response = client.sendAsync(request, info -> info.statusCode() == 200
                ? new Counting(BodySubscribers.ofFile(temp), received)
                : BodySubscribers.replacing(temp));
        // HttpClient has no read timeout for the body, so wait in slices and give up on a slice without progress.
        long seen = 0;
        while (true) {
            try {
                int status = response.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
                if (status != 200) {
                    throw new DataException(url, "HTTP " + status + " (expected 200)");
                }
                return;
            } catch (TimeoutException e) {
                long now = received.get();
                if (now == seen) {
                    response.cancel(true);
                    throw new DataException(url, "no data for " + describe(readTimeout) + OFFLINE_HINT);
                }
                seen = now;
            } catch (ExecutionException e) {
                throw failed(url, e.getCause());
            } catch (InterruptedException e) {
                response.cancel(true);
                Thread.currentThread().interrupt();
                throw new DataException(url, "download interrupted", e);
            }
        }
    }

    private DataException failed(URI url, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new DataException(url, "could not connect in time" + OFFLINE_HINT, cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new DataException(url, "no response within " + describe(readTimeout) + OFFLINE_HINT, cause);
        }
        return new DataException(url, "download failed (" + cause + ")" + OFFLINE_HINT, cause);
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static Path createTemp(Path target) {
        try {
            // Beside the target, so the final move stays on one file system and can be atomic.
            return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new DataException(target.getParent(), "cannot create a file in the download cache (" + e + ")", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Could not delete %s: %s", file, e);
        }
    }

    /** Passes the body on to the file while counting its bytes, the progress the read timeout watches. */
    private record Counting(BodySubscriber<Path> delegate, AtomicLong received) implements BodySubscriber<Path> {

        @Override
        public CompletionStage<Path> getBody() {
            return delegate.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            delegate.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            received.addAndGet(items.stream().mapToLong(ByteBuffer::remaining).sum());
            delegate.onNext(items);
        }

        @Override
        public void onError(Throwable throwable) {
            delegate.onError(throwable);
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }
    }
}
