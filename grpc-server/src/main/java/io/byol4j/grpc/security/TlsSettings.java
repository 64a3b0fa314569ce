package io.byol4j.grpc.security;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.TlsServerCredentials.ClientAuth;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS for the server: a certificate chain and private key (PEM), and optionally a CA bundle to verify
 * client certificates with (mutual TLS).
 *
 * <p>{@link #credentials()} reads and checks every file before handing it to gRPC: each file must exist and be
 * readable, the chain must hold at least one PEM certificate valid today, the key must be an unencrypted PKCS#8
 * PEM key (RSA, EC or EdDSA) that belongs to the first certificate, and the CA bundle must hold at least one
 * certificate. Any failure is an {@link IOException} whose message names the file and the problem. Immutable and
 * thread-safe.
 *
 * @param certChain PEM certificate chain of the server (leaf first)
 * @param privateKey PEM private key (PKCS#8)
 * @param clientCa PEM CA bundle for client certificates, or null for no client verification
 * @param requireClientCert when a clientCa is set: true requires a client certificate, false only asks for one
 *     (a client that presents none is let in; one that presents a certificate the CA did not sign is refused;
 *     note that JDK clients offer only certificates from the CAs the server names, and otherwise send none)
 */
public record TlsSettings(Path certChain, Path privateKey, Path clientCa, boolean requireClientCert) {

    /** Server-only TLS: no client certificates asked for. */
    public static TlsSettings serverOnly(Path certChain, Path privateKey) {
        return new TlsSettings(certChain, privateKey, null, false);
    }

    /** gRPC server credentials for these settings; a clear IOException names any unreadable or invalid file. */
    public ServerCredentials credentials() throws java.io.IOException {
        byte[] chainPem = PemFiles.read(certChain, "TLS certificate chain");
        List<X509Certificate> chain = PemFiles.certificates(chainPem, certChain, "TLS certificate chain");
        byte[] keyPem = PemFiles.read(privateKey, "TLS private key");
        PemFiles.checkKeyMatches(PemFiles.privateKey(keyPem, privateKey), chain.get(0), privateKey, certChain);

        TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
                .keyManager(new ByteArrayInputStream(chainPem), new ByteArrayInputStream(keyPem));
        if (clientCa != null) {
            byte[] caPem = PemFiles.read(clientCa, "TLS client CA bundle");
            PemFiles.certificates(caPem, clientCa, "TLS client CA bundle");
            builder.trustManager(new ByteArrayInputStream(caPem))
                    .clientAuth(requireClientCert ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        } else if (requireClientCert) {
            throw new IOException(
                    "TLS: client certificates are required but no client CA bundle is set " + "to verify them with");
        }
        return builder.build();
    }

    /** One line for the server's start-up output, e.g. {@code TLS (cert server.pem, client certificates required)}. */
    public String describe() {
        String clients = clientCa == null
                ? "no client certificates"
                : "client certificates " + (requireClientCert ? "required" : "optional") + ", CA " + clientCa;
        return "TLS (certificate " + certChain + ", " + clients + ")";
    }
}
