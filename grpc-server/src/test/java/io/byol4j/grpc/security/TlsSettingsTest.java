package io.byol4j.grpc.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.client.Embedding;
import io.byol4j.grpc.client.FeatureClient;
import io.byol4j.grpc.testing.ForcedClientCertificate;
import io.byol4j.grpc.testing.TestImages;
import io.byol4j.grpc.testing.TestPki;
import io.byol4j.grpc.testing.TestPki.Issued;
import io.byol4j.grpc.testing.TestServers;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {

    @TempDir
    static Path dir;

    static TestPki pki;
    static Issued ca;
    static Issued server;
    static Issued client;
    static Issued otherCa;
    static Issued otherClient;
    static Path model;

    @BeforeAll
    static void pki() throws Exception {
        pki = new TestPki(dir);
        ca = pki.ca("ca");
        server = pki.leaf("server", ca);
        client = pki.leaf("client", ca);
        otherCa = pki.ca("other-ca");
        otherClient = pki.leaf("other-client", otherCa);
        model = TestServers.tinyModel(dir);
    }

    private static FeatureClient.Builder to(InferenceServer s) {
        return FeatureClient.builder("localhost", s.port()).deadline(Duration.ofSeconds(10));
    }

    private static byte[] image() {
        return TestImages.png(TestImages.random(20, 20, 7));
    }

    @Test
    void serverOnlyTlsServesAClientThatTrustsTheCa() throws Exception {
        InferenceServer s = TestServers.loopback(model, TlsSettings.serverOnly(server.cert(), server.key()), null);
        try (FeatureClient c = to(s).tls(ca.cert()).build()) {
            Embedding e = c.embed(image());
            assertTrue(e.ok(), String.valueOf(e.error()));
            assertEquals(8, e.features().length);
            assertTrue(c.serving());
        } finally {
            s.close();
        }
    }

    @Test
    void plaintextAndUntrustingClientsGetNoService() throws Exception {
        InferenceServer s = TestServers.loopback(model, TlsSettings.serverOnly(server.cert(), server.key()), null);
        ManagedChannel plain = Grpc.newChannelBuilderForAddress(
                        "localhost", s.port(), InsecureChannelCredentials.create())
                .build();
        try (FeatureClient untrusting = to(s).tls(otherCa.cert()).build()) {
            StatusRuntimeException p = assertThrows(
                    StatusRuntimeException.class,
                    () -> FeatureServiceGrpc.newBlockingStub(plain)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getModelInfo(GetModelInfoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, p.getStatus().getCode());
            StatusRuntimeException u = assertThrows(StatusRuntimeException.class, () -> untrusting.embed(image()));
            assertEquals(Status.Code.UNAVAILABLE, u.getStatus().getCode());
        } finally {
            plain.shutdownNow();
            s.close();
        }
    }

    @Test
    void requiredClientCertificate() throws Exception {
        InferenceServer s =
                TestServers.loopback(model, new TlsSettings(server.cert(), server.key(), ca.cert(), true), null);
        try (FeatureClient right = to(s).tls(ca.cert())
                        .clientCertificate(client.cert(), client.key())
                        .build();
                FeatureClient none = to(s).tls(ca.cert()).build();
                FeatureClient foreign = to(s).tls(ca.cert())
                        .clientCertificate(otherClient.cert(), otherClient.key())
                        .build()) {
            assertTrue(right.embed(image()).ok());
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    assertThrows(StatusRuntimeException.class, () -> none.embed(image()))
                            .getStatus()
                            .getCode());
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    assertThrows(StatusRuntimeException.class, () -> foreign.embed(image()))
                            .getStatus()
                            .getCode());
        } finally {
            s.close();
        }
    }

    @Test
    void optionalClientCertificateLetsInClientsWithoutOneButNotWithAForeignOne() throws Exception {
        InferenceServer s =
                TestServers.loopback(model, new TlsSettings(server.cert(), server.key(), ca.cert(), false), null);
        ManagedChannel forced = forcedForeignCertificate(s);
        try (FeatureClient right = to(s).tls(ca.cert())
                        .clientCertificate(client.cert(), client.key())
                        .build();
                FeatureClient none = to(s).tls(ca.cert()).build()) {
            assertTrue(right.embed(image()).ok());
            assertTrue(none.embed(image()).ok());
            assertPresentedForeignCertificateIsRefused(forced);
        } finally {
            forced.shutdownNow();
            s.close();
        }
    }

    @Test
    void requiredClientCertificateRefusesAPresentedForeignCertificate() throws Exception {
        InferenceServer s =
                TestServers.loopback(model, new TlsSettings(server.cert(), server.key(), ca.cert(), true), null);
        ManagedChannel forced = forcedForeignCertificate(s);
        ManagedChannel forcedOwn = forcedCertificate(s, client);
        try {
            assertPresentedForeignCertificateIsRefused(forced);
            // The same forcing key manager with the right CA's certificate gets in: the refusal is the certificate.
            assertEquals(
                    8,
                    FeatureServiceGrpc.newBlockingStub(forcedOwn)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getModelInfo(GetModelInfoRequest.getDefaultInstance())
                            .getEmbeddingDim());
        } finally {
            forced.shutdownNow();
            forcedOwn.shutdownNow();
            s.close();
        }
    }

    /** A channel whose client presents the other CA's certificate even though the server does not name that CA. */
    private static ManagedChannel forcedForeignCertificate(InferenceServer s) throws Exception {
        return forcedCertificate(s, otherClient);
    }

    private static ManagedChannel forcedCertificate(InferenceServer s, Issued cert) throws Exception {
        return Grpc.newChannelBuilderForAddress(
                        "localhost",
                        s.port(),
                        TlsChannelCredentials.newBuilder()
                                .trustManager(ca.cert().toFile())
                                .keyManager(ForcedClientCertificate.of(cert))
                                .build())
                .build();
    }

    private static void assertPresentedForeignCertificateIsRefused(ManagedChannel forced) {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> FeatureServiceGrpc.newBlockingStub(forced)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }

    @Test
    void aClientCaBundleWithTwoCasAcceptsClientsOfBoth() throws Exception {
        Path bundle = pki.bundle("both-cas.pem", ca.cert(), otherCa.cert());
        InferenceServer s =
                TestServers.loopback(model, new TlsSettings(server.cert(), server.key(), bundle, true), null);
        try (FeatureClient a = to(s).tls(ca.cert())
                        .clientCertificate(client.cert(), client.key())
                        .build();
                FeatureClient b = to(s).tls(ca.cert())
                        .clientCertificate(otherClient.cert(), otherClient.key())
                        .build()) {
            assertTrue(a.embed(image()).ok());
            assertTrue(b.embed(image()).ok());
        } finally {
            s.close();
        }
    }

    @Test
    void missingFilesAreNamed() {
        Path missing = dir.resolve("nope.pem");
        IOException cert = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(missing, server.key()).credentials());
        assertTrue(
                cert.getMessage().contains("TLS certificate chain " + missing + ": file not found"), cert.getMessage());
        IOException key = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(server.cert(), missing).credentials());
        assertTrue(key.getMessage().contains("TLS private key " + missing + ": file not found"), key.getMessage());
        IOException clientCa = assertThrows(
                IOException.class, () -> new TlsSettings(server.cert(), server.key(), missing, true).credentials());
        assertTrue(clientCa.getMessage().contains("TLS client CA bundle " + missing), clientCa.getMessage());
    }

    @Test
    void invalidContentIsNamed() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "hello\n");
        IOException notPem = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(garbage, server.key()).credentials());
        assertTrue(notPem.getMessage().contains(garbage + ": no PEM certificate"), notPem.getMessage());

        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        IOException badCert = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(broken, server.key()).credentials());
        assertTrue(badCert.getMessage().contains(broken.toString()), badCert.getMessage());

        IOException certAsKey = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(server.cert(), server.cert()).credentials());
        assertTrue(certAsKey.getMessage().contains("expected an unencrypted PKCS#8 PEM key"), certAsKey.getMessage());

        Path sec1 = dir.resolve("sec1.pem");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        IOException traditional = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(server.cert(), sec1).credentials());
        assertTrue(traditional.getMessage().contains("openssl pkcs8 -topk8"), traditional.getMessage());

        IOException mismatch = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(server.cert(), client.key()).credentials());
        assertTrue(
                mismatch.getMessage().contains("does not belong to the first certificate in " + server.cert()),
                mismatch.getMessage());
    }

    @Test
    void expiredCertificateIsRefusedWithItsDate() throws Exception {
        Issued old = pki.leaf(
                "expired",
                ca,
                Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)));
        IOException e = assertThrows(
                IOException.class,
                () -> TlsSettings.serverOnly(old.cert(), old.key()).credentials());
        assertTrue(e.getMessage().contains("expired on"), e.getMessage());
    }

    @Test
    void requiringClientCertificatesNeedsACa() {
        IOException e = assertThrows(
                IOException.class, () -> new TlsSettings(server.cert(), server.key(), null, true).credentials());
        assertTrue(e.getMessage().contains("no client CA bundle"), e.getMessage());
        assertNotNull(new TlsSettings(server.cert(), server.key(), ca.cert(), true).describe());
        assertTrue(new TlsSettings(server.cert(), server.key(), ca.cert(), true)
                .describe()
                .contains("required"));
    }
}
