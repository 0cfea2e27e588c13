package io.digitflow.registry;

import io.digitflow.UserException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSignaturesTest {

    @TempDir
    Path home;

    private static final byte[] ZIP = {1, 2, 3};
    private static final byte[] JSON = "{\"version\":\"v1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignedModelVerifiesAndAnyChangeOrOtherKeyDoesNot() {
        ModelSignatures mine = ModelKeysFor.pair(ModelKeys.generate());
        ModelSignatures other = ModelKeysFor.pair(ModelKeys.generate());
        RecordHeaders signed = headers(mine.signModel("v1", ZIP, JSON));
        assertThat(mine.verifyModel("v1", ZIP, JSON, signed)).isEmpty();
        assertThat(mine.verifyModel("v2", ZIP, JSON, signed)).isPresent();
        assertThat(mine.verifyModel("v1", new byte[] {1, 2, 4}, JSON, signed)).isPresent();
        assertThat(mine.verifyModel("v1", ZIP, "{}".getBytes(StandardCharsets.UTF_8), signed)).isPresent();
        assertThat(mine.verifyModel("v1", ZIP, JSON, new RecordHeaders())).get().asString().startsWith("unsigned");
        assertThat(mine.verifyModel("v1", ZIP, JSON, headers(other.signModel("v1", ZIP, JSON))))
                .get().asString().startsWith("wrong signature");
        assertThat(mine.verifyModel("v1", ZIP, JSON, headers("!!".getBytes()))).isPresent();
    }

    @Test
    void aPointerSignatureIsNotAModelSignature() {
        ModelSignatures mine = ModelKeysFor.pair(ModelKeys.generate());
        byte[] pointer = "{\"version\":\"v1\",\"history\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(mine.verifyPointer(pointer, headers(mine.signPointer(pointer)))).isEmpty();
        assertThat(mine.verifyModel("v1", ZIP, JSON, headers(mine.signPointer(pointer)))).isPresent();
    }

    @Test
    void withoutSettingsALocalPairIsCreatedOnceAndReused() {
        ModelKeys first = ModelKeys.of(Optional.empty(), Optional.empty(), home);
        assertThat(home.resolve("keys").resolve(ModelKeys.SIGNING_FILE)).isRegularFile();
        ModelKeys again = ModelKeys.of(Optional.empty(), Optional.empty(), home);
        assertThat(again.verify()).isEqualTo(first.verify());
        assertThat(first.signing()).isPresent();
    }

    @Test
    void keysComeFromSettingsAsBase64OrPemFilesAndAVerifyKeyAloneCannotSign() throws Exception {
        KeyPair pair = ModelKeys.generate();
        Path pem = home.resolve("verify.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        ModelKeys verifyOnly = ModelKeys.of(Optional.empty(), Optional.of("file:" + pem), home);
        assertThat(verifyOnly.verify()).isEqualTo(pair.getPublic());
        assertThatThrownBy(() -> new ModelSignatures(verifyOnly).signPointer(new byte[1]))
                .hasMessageContaining("holds no model signing key");
        ModelKeys both = ModelKeys.of(Optional.of(ModelKeys.encode(pair.getPrivate().getEncoded())),
                Optional.of(ModelKeys.encode(pair.getPublic().getEncoded())), home);
        assertThat(both.signing()).isPresent();
        assertThatThrownBy(() -> ModelKeys.of(Optional.of("not-a-key"), Optional.empty(), home))
                .isInstanceOf(UserException.class).hasMessageContaining(ModelKeys.VERIFY_SETTING);
        assertThatThrownBy(() -> ModelKeys.of(Optional.empty(), Optional.of("bm90IGEga2V5"), home))
                .isInstanceOf(UserException.class).hasMessageContaining("not an Ed25519 public key");
    }

    private static RecordHeaders headers(byte[] signature) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ModelSignatures.HEADER, signature);
        return headers;
    }

    /** Signatures of a fresh pair. */
    static final class ModelKeysFor {
        static ModelSignatures pair(KeyPair pair) {
            return new ModelSignatures(new ModelKeys(Optional.of(pair.getPrivate()), pair.getPublic(), "test"));
        }
    }
}
