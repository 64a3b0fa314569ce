package io.byol4j.grpc.security;

import io.grpc.ServerCredentials;
import java.nio.file.Path;

/**
 * TLS for the server: a certificate chain and private key (PEM), and optionally a CA bundle to verify
 * client certificates with. CONTRACT SKELETON: being implemented.
 *
 * @param certChain PEM certificate chain of the server
 * @param privateKey PEM private key (PKCS#8)
 * @param clientCa PEM CA bundle for client certificates, or null for no client verification
 * @param requireClientCert when a clientCa is set: true requires a client certificate, false only asks for one
 */
public record TlsSettings(Path certChain, Path privateKey, Path clientCa, boolean requireClientCert) {

    /** gRPC server credentials for these settings; a clear IOException names any unreadable or invalid file. */
    public ServerCredentials credentials() throws java.io.IOException {
        throw new UnsupportedOperationException("TLS is being implemented");
    }
}
