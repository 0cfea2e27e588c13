package io.digitflow.registry;

import io.digitflow.config.DigitflowConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Ed25519 signatures of the models topic's records, in header {@value #HEADER} (base64).
 * A model record is signed over {@code "digitflow-model-v1" LF version LF hex(sha256(zip)) LF model.json};
 * the pointer over {@code "digitflow-active-v1" LF pointer JSON}. The prefixes keep one kind of
 * signature from passing for the other. Replicas verify before they write, load or follow anything.
 */
public final class ModelSignatures {

    public static final String HEADER = "digitflow-model-signature";

    private final ModelKeys keys;

    public ModelSignatures(ModelKeys keys) {
        this.keys = keys;
    }

    public static ModelSignatures of(DigitflowConfig config) {
        return new ModelSignatures(ModelKeys.of(config));
    }

    public ModelKeys keys() {
        return keys;
    }

    public byte[] signModel(String version, byte[] zip, byte[] metadata) {
        return sign(modelMessage(version, zip, metadata));
    }

    public byte[] signPointer(byte[] pointer) {
        return sign(pointerMessage(pointer));
    }

    /** Empty when the model record is signed with the verification key's pair, else why not. */
    public Optional<String> verifyModel(String version, byte[] zip, byte[] metadata, Headers headers) {
        return verify(modelMessage(version, zip, metadata), headers);
    }

    /** Empty when the pointer record is signed with the verification key's pair, else why not. */
    public Optional<String> verifyPointer(byte[] pointer, Headers headers) {
        return verify(pointerMessage(pointer), headers);
    }

    private Optional<String> verify(byte[] message, Headers headers) {
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return Optional.of("unsigned (no " + HEADER + " header)");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(header.value());
        } catch (IllegalArgumentException e) {
            return Optional.of(HEADER + " is not base64");
        }
        try {
            Signature verifier = Signature.getInstance(ModelKeys.ALGORITHM);
            verifier.initVerify(keys.verify());
            verifier.update(message);
            if (verifier.verify(signature)) {
                return Optional.empty();
            }
        } catch (java.security.SignatureException e) {
            // A malformed signature: as wrong as any other.
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ModelKeys.ALGORITHM + " is not available", e);
        }
        return Optional.of("wrong signature (not signed with the model signing key, or altered since)");
    }

    private byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance(ModelKeys.ALGORITHM);
            signer.initSign(keys.signingKey());
            signer.update(message);
            return Base64.getEncoder().encode(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the model signing key", e);
        }
    }

    static byte[] modelMessage(String version, byte[] zip, byte[] metadata) {
        try {
            String head = "digitflow-model-v1\n" + version + "\n"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip)) + "\n";
            return concat(head.getBytes(StandardCharsets.UTF_8), metadata);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pointerMessage(byte[] pointer) {
        return concat("digitflow-active-v1\n".getBytes(StandardCharsets.UTF_8), pointer);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
