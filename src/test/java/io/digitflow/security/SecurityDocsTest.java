package io.digitflow.security;

import io.digitflow.support.SecureKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACLs docs/security.md shows are the ones the security tests grant (deploy/security/acls.txt), line for
 * line both ways, so the documentation cannot drift from what was tested; and the script grants each of them.
 */
class SecurityDocsTest {

    @Test
    void theSecurityPageShowsExactlyTheTestedAcls() throws Exception {
        List<String> tested = SecureKafka.aclLines();
        List<String> documented = Files.readAllLines(Path.of("docs/security.md")).stream().map(String::strip)
                .filter(line -> line.startsWith("--allow-principal")).toList();
        assertThat(tested).as("grants in %s", SecureKafka.ACL_FILE).isNotEmpty()
                .allMatch(line -> line.startsWith("--allow-principal"));
        assertThat(documented).as("grants in docs/security.md").containsExactlyElementsOf(tested);
    }

    @Test
    void theScriptRunsKafkaAclsOncePerGrantWithTheAdminSettings(@TempDir Path dir) throws Exception {
        // A stand-in for kafka-acls that writes down its arguments, one call per line.
        Path calls = dir.resolve("calls.txt");
        Path recorder = dir.resolve("kafka-acls");
        // Each argument in brackets: a line passed as one argument would show as one pair.
        Files.writeString(recorder, "#!/usr/bin/env bash\n{ printf '[%s]' \"$@\"; echo; } >> '" + calls + "'\n");
        assertThat(recorder.toFile().setExecutable(true)).isTrue();
        ProcessBuilder script = new ProcessBuilder("bash", Path.of("deploy", "security", "kafka-acls.sh").toString())
                .redirectErrorStream(true);
        script.environment().putAll(Map.of("BOOTSTRAP", "kafka-1:9093", "ADMIN_CONFIG", "admin.properties",
                "KAFKA_ACLS", recorder.toString()));
        Process process = script.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        List<String> expected = SecureKafka.aclLines().stream()
                .map(line -> ("--bootstrap-server kafka-1:9093 --command-config admin.properties --add " + line)
                        .replaceAll("(\\S+)\\s*", "[$1]"))
                .toList();
        assertThat(Files.readAllLines(calls)).containsExactlyElementsOf(expected);
    }
}
