package io.digitflow.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local HTTP mirror serving files under /mnist/, recording each request. A stalled file sends some
 * bytes (or nothing, not even headers) and then waits until the server is closed, to exercise timeouts.
 */
final class MirrorServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> stalls = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    MirrorServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A thread per exchange: a stalled one must not hold up the others.
        server.setExecutor(executor);
        server.createContext("/mnist/", this::handle);
        server.start();
    }

    MirrorServer serve(Map<String, byte[]> served) {
        files.putAll(served);
        return this;
    }

    /** Sends headers and the first {@code bytesBeforeStall} bytes, then nothing; -1 stalls before the headers. */
    MirrorServer stall(String name, byte[] content, int bytesBeforeStall) {
        files.put(name, content);
        stalls.put(name, bytesBeforeStall);
        return this;
    }

    URI mirror() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/");
    }

    /** Request paths in arrival order, e.g. {@code /mnist/t10k-images-idx3-ubyte.gz}. */
    List<String> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        byte[] body = files.get(path.substring("/mnist/".length()));
        Integer stall = stalls.get(path.substring("/mnist/".length()));
        try (exchange) {
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (stall != null && stall < 0) {
                awaitClose();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            if (stall != null) {
                out.write(body, 0, stall);
                out.flush();
                awaitClose();
                return;
            }
            out.write(body);
        }
    }

    private void awaitClose() {
        try {
            closing.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
