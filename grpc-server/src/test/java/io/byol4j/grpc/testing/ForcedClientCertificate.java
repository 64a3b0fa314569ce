package io.byol4j.grpc.testing;

import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager that presents its certificate whatever CAs the server asks for. The JDK's own key manager
 * offers only certificates issued by a CA the server names, so without this a test could never make a client
 * present a foreign certificate (it would silently connect without one).
 */
public final class ForcedClientCertificate extends X509ExtendedKeyManager {

    private static final String ALIAS = "client";
    private final X509ExtendedKeyManager delegate;

    private ForcedClientCertificate(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    /** A key manager that always presents {@code issued}. */
    public static ForcedClientCertificate of(TestPki.Issued issued) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, issued.privateKey(), new char[0], new X509Certificate[] {issued.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        return new ForcedClientCertificate((X509ExtendedKeyManager) kmf.getKeyManagers()[0]);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
