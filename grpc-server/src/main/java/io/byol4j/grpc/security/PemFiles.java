package io.byol4j.grpc.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks PEM certificates and PKCS#8 private keys before they reach the TLS stack, so that a
 * wrong file fails with a message naming the file and the problem rather than a handshake error later.
 */
final class PemFiles {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "DSA"};

    private PemFiles() {}

    /** The file's bytes; the IOException names the file and says whether it is missing or unreadable. */
    static byte[] read(Path file, String role) throws IOException {
        if (file == null) {
            throw new IOException(role + ": no file given");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(role + " " + file + ": file not found", e);
        } catch (IOException e) {
            throw new IOException(role + " " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Every X.509 certificate in a PEM file, at least one, each valid now. */
    static List<X509Certificate> certificates(byte[] pem, Path file, String role) throws IOException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IOException(role + " " + file + ": no PEM certificate in it (expected a "
                    + "'-----BEGIN CERTIFICATE-----' block)");
        }
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var c : factory.generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IOException(role + " " + file + ": not a valid PEM certificate (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new IOException(role + " " + file + ": no certificate could be read from it");
        }
        for (X509Certificate c : out) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException e) {
                throw new IOException(
                        role + " " + file + ": certificate '" + c.getSubjectX500Principal() + "' expired on "
                                + c.getNotAfter().toInstant(),
                        e);
            } catch (CertificateNotYetValidException e) {
                throw new IOException(
                        role + " " + file + ": certificate '" + c.getSubjectX500Principal() + "' is not valid before "
                                + c.getNotBefore().toInstant(),
                        e);
            }
        }
        return out;
    }

    /** The unencrypted PKCS#8 private key in a PEM file; other key formats are refused with the conversion command. */
    static PrivateKey privateKey(byte[] pem, Path file) throws IOException {
        String role = "TLS private key";
        String text = new String(pem, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String hint = "";
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                hint = " It is encrypted; the server needs an unencrypted key (protect the file instead):";
            } else if (text.contains("PRIVATE KEY-----")) {
                hint = " It is in a traditional (PKCS#1 / SEC1) format; convert it:";
            }
            throw new IOException(role + " " + file + ": expected an unencrypted PKCS#8 PEM key "
                    + "('-----BEGIN PRIVATE KEY-----')." + hint
                    + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IOException(role + " " + file + ": the PEM block is not valid base64", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(role + " " + file + ": not a readable RSA, EC, EdDSA or DSA PKCS#8 key");
    }

    /** Fails unless {@code key} is the private half of {@code certificate}'s public key. */
    static void checkKeyMatches(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile)
            throws IOException {
        PublicKey pub = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        boolean matches;
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IOException("TLS private key " + keyFile + " does not belong to the first certificate in "
                    + certFile + " ('" + certificate.getSubjectX500Principal() + "', " + pub.getAlgorithm()
                    + " key)");
        }
    }
}
