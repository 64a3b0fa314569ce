package io.byol4j.grpc.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and certificates made at test time (BouncyCastle), written as PEM files: nothing that
 * could expire is committed. EC P-256 keys, PKCS#8 PEM.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;

    public TestPki(Path dir) {
        this.dir = dir;
    }

    /** A certificate and its key, both as PEM files. */
    public record Issued(Path cert, Path key, X509Certificate certificate, PrivateKey privateKey) {}

    /** A self-signed CA valid from an hour ago for a day. */
    public Issued ca(String name) throws Exception {
        KeyPair kp = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = builder(
                subject,
                subject,
                kp,
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return write(name, sign(b, kp.getPrivate()), kp.getPrivate());
    }

    /** A leaf certificate for localhost / 127.0.0.1 / ::1, signed by {@code ca}. */
    public Issued leaf(String name, Issued ca) throws Exception {
        return leaf(
                name,
                ca,
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)));
    }

    /** A leaf certificate with the given validity. */
    public Issued leaf(String name, Issued ca, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair kp = keyPair();
        X509v3CertificateBuilder b = builder(
                new X500Name(ca.certificate().getSubjectX500Principal().getName()),
                new X500Name("CN=" + name),
                kp,
                notBefore,
                notAfter);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(
                    GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
            new GeneralName(GeneralName.iPAddress, "::1")
        }));
        return write(name, sign(b, ca.privateKey()), kp.getPrivate());
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, KeyPair kp, Instant from, Instant to) {
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(from),
                Date.from(to),
                subject,
                kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private Issued write(String name, X509Certificate cert, PrivateKey key) throws Exception {
        Path certFile = dir.resolve(name + ".crt.pem");
        Path keyFile = dir.resolve(name + ".key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new Issued(certFile, keyFile, cert, key);
    }

    /** A PEM block of {@code der}. */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** Concatenates PEM files (e.g. two CAs into one bundle). */
    public Path bundle(String name, Path... pems) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : pems) {
            sb.append(Files.readString(p));
        }
        Path out = dir.resolve(name);
        Files.writeString(out, sb.toString());
        return out;
    }
}
