package io.openegiz.flux.fleet.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateIndex.Kind;
import io.openegiz.flux.pki.CertificateStore;
import io.openegiz.flux.pki.TlsStores;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flux ota serve} as a device's HTTP client sees it: TLS 1.3 only, byte ranges for resuming. */
class OtaServerTest {
  @TempDir
  Path dir;
  private OtaServer server;
  private HttpClient client;
  private final byte[] image = new byte[10_000];

  @BeforeEach
  void start() throws Exception {
    CertificateStore store = CertificateStore.create(dir.resolve("certs"), "OTA test CA", KeyType.EC,
        Duration.ofDays(2), false);
    store.server("server", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, Duration.ofDays(1), false);
    Path images = Files.createDirectories(dir.resolve("images"));
    new Random(3).nextBytes(image);
    Files.write(images.resolve("fw.bin"), image);
    server = OtaServer.start(images, store.certFile(Kind.SERVER, "server"), store.keyFile(Kind.SERVER, "server"),
        "127.0.0.1", 0, line -> {});
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, TlsStores.trust(store.caFile()).getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(tls).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<byte[]> get(String path, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path));
    if (range != null) {
      b.header("Range", range);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesTheWholeImageAndRangesToResumeFrom() throws Exception {
    HttpResponse<byte[]> all = get("/fw.bin", null);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body()).isEqualTo(image);
    assertThat(all.headers().firstValue("Accept-Ranges")).contains("bytes");

    HttpResponse<byte[]> rest = get("/fw.bin", "bytes=6000-");
    assertThat(rest.statusCode()).isEqualTo(206);
    assertThat(rest.headers().firstValue("Content-Range")).contains("bytes 6000-9999/10000");
    assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(image, 6000, 10_000));

    HttpResponse<byte[]> middle = get("/fw.bin", "bytes=10-19");
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(image, 10, 20));
  }

  @Test
  void refusesWhatItCannotServe() throws Exception {
    HttpResponse<byte[]> beyond = get("/fw.bin", "bytes=10000-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */10000");
    assertThat(get("/../certs/ca.crt", null).statusCode()).isEqualTo(404);
    assertThat(get("/nope.bin", null).statusCode()).isEqualTo(404);
    assertThatThrownBy(() -> OtaServer.start(dir.resolve("missing"), dir, dir, "127.0.0.1", 0, line -> {}))
        .hasMessageContaining("is not a directory; accepted: the directory of the signed images");
  }

  /**
   * Eight connections that start a TLS handshake and stop (a hostile device, a stuck one) took every thread of
   * the server: no other device could download until they went. Each request now has a virtual thread of its own.
   */
  @Test
  void connectionsThatStopInTheirHandshakeDoNotHoldUpADownload() throws Exception {
    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00}); // a ClientHello of 512 bytes: 0 sent
        silent.add(s);
      }
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
          + "/fw.bin")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(image);
    } finally {
      for (Socket s : silent) {
        s.close();
      }
    }
  }

  /** A device (or proxy) that asks for an end before its start, or a number beyond a long, gets 416 too. */
  @Test
  void aReversedOrOverlongRangeIsRefusedAs416() throws Exception {
    for (String range : new String[] {"bytes=20-10", "bytes=99999999999999999999-", "bytes=0-99999999999999999999"}) {
      HttpResponse<byte[]> r = get("/fw.bin", range);
      assertThat(r.statusCode()).as(range).isEqualTo(416);
      assertThat(r.headers().firstValue("Content-Range")).as(range).contains("bytes */10000");
    }
  }

  @Test
  void speaksTls13Only() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, TlsStores.trust(dir.resolve("certs/ca.crt")).getTrustManagers(), null);
    SSLParameters old = tls.getDefaultSSLParameters();
    old.setProtocols(new String[] {"TLSv1.2"});
    HttpClient tls12 = HttpClient.newBuilder().sslContext(tls).sslParameters(old).build();
    assertThatThrownBy(() -> tls12.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
        + "/fw.bin")).build(), HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(java.io.IOException.class);
  }
}
