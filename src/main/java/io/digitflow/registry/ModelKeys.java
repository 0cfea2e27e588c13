package io.digitflow.registry;

import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Ed25519 keys of the models topic: the verification key every replica checks records against, and
 * the signing key of the training role (replicas that retrain or promote, the CLI). From
 * {@code digitflow.model.signing-key} / {@code digitflow.model.verify-key} (or their environment
 * variables), each base64 DER or PEM or {@code file:<path>}; with neither set, a key pair kept in
 * {@code <home>/keys}, created on first use (logged once), so the local default run needs no set-up.
 */
public record ModelKeys(Optional<PrivateKey> signing, PublicKey verify, String source) {

    public static final String ALGORITHM = "Ed25519";
    public static final String SIGNING_SETTING = "digitflow.model.signing-key";
    public static final String VERIFY_SETTING = "digitflow.model.verify-key";
    static final String SIGNING_FILE = "model-signing.key";
    static final String VERIFY_FILE = "model-verify.pub";

    private static final Logger LOG = Logger.getLogger(ModelKeys.class);
    private static final Map<Path, ModelKeys> LOCAL = new ConcurrentHashMap<>();

    public static ModelKeys of(DigitflowConfig config) {
        return of(config.model().signingKey(), config.model().verifyKey(), config.home());
    }

    public static ModelKeys of(Optional<String> signing, Optional<String> verify, Path home) {
        Optional<String> sign = signing.filter(s -> !s.isBlank());
        Optional<String> check = verify.filter(s -> !s.isBlank());
        if (check.isEmpty()) {
            if (sign.isPresent()) {
                throw new UserException(SIGNING_SETTING + " is set without " + VERIFY_SETTING
                        + ": set both (the public key cannot be derived here)");
            }
            return local(home);
        }
        return new ModelKeys(sign.map(s -> privateKey(material(s, SIGNING_SETTING), SIGNING_SETTING)),
                publicKey(material(check.get(), VERIFY_SETTING), VERIFY_SETTING), "settings");
    }

    /** The key pair in {@code <home>/keys}, created (by exactly one process, atomically) if absent. */
    public static ModelKeys local(Path home) {
        Path folder = home.toAbsolutePath().normalize().resolve("keys");
        return LOCAL.computeIfAbsent(folder, ModelKeys::loadOrCreate);
    }

    private static ModelKeys loadOrCreate(Path folder) {
        try {
            if (!Files.isRegularFile(folder.resolve(VERIFY_FILE))) {
                KeyPair pair = generate();
                Path staging = folder.resolveSibling("." + folder.getFileName() + "." + UUID.randomUUID() + ".tmp");
                Files.createDirectories(staging);
                Path secret = staging.resolve(SIGNING_FILE);
                Files.createFile(secret);
                try {
                    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the folder's own permissions apply.
                }
                Files.writeString(secret, encode(pair.getPrivate().getEncoded()));
                Files.writeString(staging.resolve(VERIFY_FILE), encode(pair.getPublic().getEncoded()));
                try {
                    Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
                    LOG.infof("Created a model signing key pair in %s (the local default; set %s and %s to share one"
                            + " between machines)", folder, SIGNING_SETTING, VERIFY_SETTING);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // Another process sharing the home was first: use its pair.
                    Files.deleteIfExists(secret);
                    Files.deleteIfExists(staging.resolve(VERIFY_FILE));
                    Files.deleteIfExists(staging);
                }
            }
            String source = "key pair in " + folder;
            return new ModelKeys(Optional.of(privateKey(Files.readString(folder.resolve(SIGNING_FILE)), source)),
                    publicKey(Files.readString(folder.resolve(VERIFY_FILE)), source), source);
        } catch (IOException e) {
            throw new UserException(folder + ": cannot read or create the model signing keys (" + e.getMessage() + ")", e);
        }
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        }
    }

    /** Base64 of DER bytes, the form the settings take. */
    public static String encode(byte[] der) {
        return Base64.getEncoder().encodeToString(der);
    }

    /** The signing key, or why this process cannot sign. */
    public PrivateKey signingKey() {
        return signing.orElseThrow(() -> new IllegalStateException("this replica holds no model signing key ("
                + SIGNING_SETTING + "): it can follow models but not publish or promote them"));
    }

    private static String material(String setting, String name) {
        if (!setting.startsWith("file:")) {
            return setting;
        }
        Path file = Path.of(setting.substring("file:".length()));
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UserException(name + ": cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] der(String text, String name) {
        StringBuilder base64 = new StringBuilder();
        for (String line : text.split("\\R")) {
            if (!line.startsWith("-----")) {
                base64.append(line.strip());
            }
        }
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            // Never the value itself: it may be a secret.
            throw new UserException(name + " is neither base64 nor PEM");
        }
    }

    private static PrivateKey privateKey(String text, String name) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(text, name)));
        } catch (GeneralSecurityException e) {
            throw new UserException(name + " is not an " + ALGORITHM + " private key (PKCS#8)");
        }
    }

    private static PublicKey publicKey(String text, String name) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(text, name)));
        } catch (GeneralSecurityException e) {
            throw new UserException(name + " is not an " + ALGORITHM + " public key (X.509)");
        }
    }

    @Override
    public String toString() {
        return "ModelKeys[" + source + (signing.isPresent() ? ", can sign" : ", verify only") + "]";
    }
}
