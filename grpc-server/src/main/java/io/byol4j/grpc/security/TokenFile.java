package io.byol4j.grpc.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The accepted tokens of a token file, kept only as SHA-256 digests. Immutable. */
final class TokenFile {

    private final List<byte[]> digests;
    private final byte[] fingerprint;
    private final AtomicReference<String> lastProblem = new AtomicReference<>();

    private TokenFile(List<byte[]> digests) {
        this.digests = digests;
        MessageDigest all = sha256();
        digests.forEach(all::update);
        this.fingerprint = all.digest();
    }

    /** Whether both files accept exactly the same tokens in the same order. */
    boolean sameTokens(TokenFile other) {
        return MessageDigest.isEqual(fingerprint, other.fingerprint);
    }

    /** Records a problem with the file's newer content; true the first time this problem is seen. */
    boolean unusableSince(String problem) {
        return !Objects.equals(lastProblem.getAndSet(problem), problem);
    }

    /** One token per line; blank lines and lines starting with '#' are skipped; a token has no whitespace. */
    static TokenFile read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("token file " + file + ": file not found", e);
        } catch (IOException e) {
            throw new IOException("token file " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        List<byte[]> digests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            for (int k = 0; k < line.length(); k++) {
                char c = line.charAt(k);
                if (c < 0x21 || c > 0x7e) {
                    // The message gives the position only: the line is a secret.
                    throw new IOException("token file " + file + ", line " + (i + 1) + ": a token must be printable "
                            + "ASCII without spaces (character " + (k + 1) + " is not)");
                }
            }
            digests.add(sha256(line));
        }
        if (digests.isEmpty()) {
            throw new IOException("token file " + file + ": no tokens in it (one per line; '#' starts a comment)");
        }
        return new TokenFile(List.copyOf(digests));
    }

    int size() {
        return digests.size();
    }

    /**
     * Whether {@code token} is one of the accepted tokens. Time does not depend on where the token differs nor on
     * its length: it is digested first, and the digest is compared with every accepted digest without stopping early.
     */
    boolean accepts(String token) {
        byte[] presented = sha256(token);
        boolean found = false;
        for (byte[] d : digests) {
            found |= MessageDigest.isEqual(d, presented);
        }
        return found;
    }

    static byte[] sha256(String s) {
        return sha256().digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
