package io.digitflow.support;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A throw-away certificate authority and one server certificate it signed, written as PKCS12 key and
 * trust stores: what a secure test broker needs, made fresh by each test run (nothing secret is committed).
 */
public final class TestCertificates {

    /** The stores and their password. */
    public record Stores(Path keyStore, Path trustStore, String password) {
    }

    private TestCertificates() {
    }

    /**
     * A CA, and a certificate signed by it for {@code commonName}, valid for 127.0.0.1 and localhost
     * (clients check the broker's address against it) and for both ends of a TLS connection (the broker
     * also presents it to its own controller listener).
     */
    public static Stores create(Path dir, String commonName, String password) throws Exception {
        // EC keys: generated in milliseconds, where RSA takes a noticeable moment on a busy machine.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        Instant now = Instant.now();
        // An hour back for clocks that disagree a little; a day ahead outlasts any test run.
        Date from = Date.from(now.minus(Duration.ofHours(1)));
        Date to = Date.from(now.plus(Duration.ofDays(1)));

        X500Name caName = new X500Name("CN=digitflow test CA");
        X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName,
                caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = certificate(ca, caKeys);

        X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCert, BigInteger.TWO, from, to,
                new X500Name("CN=" + commonName), serverKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[]{
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate serverCert = certificate(server, caKeys);

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(commonName, serverKeys.getPrivate(), password.toCharArray(),
                new Certificate[]{serverCert, caCert});
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", caCert);

        Files.createDirectories(dir);
        Stores stores = new Stores(dir.resolve("broker.p12"), dir.resolve("truststore.p12"), password);
        write(keyStore, stores.keyStore(), password);
        write(trustStore, stores.trustStore(), password);
        return stores;
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void write(KeyStore store, Path file, String password) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }
}
