package io.digitflow;

import io.digitflow.broker.KafkaTestResource;
import io.digitflow.support.AppProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 5: every reason {@code serve} cannot start ends the packaged app with exit status 2 and
 * one line on stderr naming the cause and the setting to change, whatever state logging is in.
 */
class StartupFailuresIT {

    @TempDir
    Path dir;

    @Test
    void aTakenBrokerPortIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            AppProcess.Result result = serve(Map.of("DIGITFLOW_BROKER_PORT", String.valueOf(port),
                    "DIGITFLOW_BROKER_CONTROLLER_PORT", String.valueOf(freePort()),
                    "DIGITFLOW_HOME", dir.toString()));
            assertOneLine(result, "port " + port + " is taken", "digitflow.broker.port");
        }
    }

    @Test
    void aBadSettingIsNamed() throws Exception {
        AppProcess.Result result = serve(Map.of("KAFKA_BOOTSTRAP_SERVERS", KafkaTestResource.bootstrapServers(),
                "DIGITFLOW_BATCH_MAX_SIZE", "many"));
        assertOneLine(result, "many", "digitflow.batch.max-size");
    }

    @Test
    void unusableBrokerStorageIsNamed() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("kafka-data"), "a file, not a folder");
        AppProcess.Result result = serve(Map.of("DIGITFLOW_BROKER_DIR", notAFolder.toString(),
                "DIGITFLOW_BROKER_PORT", String.valueOf(freePort()),
                "DIGITFLOW_BROKER_CONTROLLER_PORT", String.valueOf(freePort()),
                "DIGITFLOW_HOME", dir.toString()));
        assertOneLine(result, notAFolder.toString(), "digitflow.broker.dir");
    }

    @Test
    void noModelAndNoDataIsNamed() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path data = Files.createDirectories(dir.resolve("no-mnist"));
        AppProcess.Result result = serve(Map.of("KAFKA_BOOTSTRAP_SERVERS", KafkaTestResource.bootstrapServers(),
                "DIGITFLOW_HOME", home.toString(), "DIGITFLOW_DATA", data.toString(),
                // Nothing listens on port 1: the download fails at once instead of reaching the internet.
                "DIGITFLOW_DATA_MIRROR", "http://127.0.0.1:1/"));
        assertOneLine(result, "no model", "digitflow.data.dir");
    }

    private static AppProcess.Result serve(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("QUARKUS_HTTP_PORT", "0");
        return AppProcess.run(all, "serve");
    }

    private static void assertOneLine(AppProcess.Result result, String cause, String setting) {
        assertThat(result.exitCode()).as("exit status; stderr: %s", result.err()).isEqualTo(StartupFailure.EXIT_STATUS);
        assertThat(result.errLines()).as("stderr (stdout: %s)", tail(result.out())).hasSize(1);
        assertThat(result.errLines().get(0)).contains(cause).contains("change").contains(setting);
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
