package io.digitflow.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The HTTP side of a packaged service under test: a port to give it, and its answers (health, say). */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** A status and body; status -1 when nothing answered (not listening yet), the body then says why. */
    public record Answer(int status, String body) {
    }

    private Http() {
    }

    /** GET {@code uri}, waiting at most 10 s. */
    public static Answer get(URI uri) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(-1, String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, String.valueOf(e));
        }
    }

    /** A port free now, for a service to listen on. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
