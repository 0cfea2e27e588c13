package io.digitflow.security;

import io.digitflow.support.SecureKafka;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACLs the README shows are the ones the security tests grant (deploy/security/acls.txt), line for
 * line both ways, so the documentation cannot drift from what was tested.
 */
class SecurityDocsTest {

    @Test
    void theReadmeShowsExactlyTheTestedAcls() throws Exception {
        List<String> tested = SecureKafka.aclLines();
        List<String> documented = Files.readAllLines(Path.of("README.md")).stream().map(String::strip)
                .filter(line -> line.startsWith("--allow-principal")).toList();
        assertThat(tested).as("grants in %s", SecureKafka.ACL_FILE).isNotEmpty()
                .allMatch(line -> line.startsWith("--allow-principal"));
        assertThat(documented).as("grants in README.md").containsExactlyElementsOf(tested);
    }
}
