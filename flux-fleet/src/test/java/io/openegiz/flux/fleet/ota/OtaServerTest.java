package io.openegiz.flux.fleet.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateIndex.Kind;
import io.openegiz.flux.pki.CertificateStore;
import io.openegiz.flux.pki.TlsStores;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
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
  private SSLContext tls;
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
    tls = SSLContext.getInstance("TLS");
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
    assertThatThrownBy(() -> OtaServer.start(dir, dir, dir, "127.0.0.1", 0, 0, 10, line -> {}))
        .hasMessage("--max-connections: 0 is out of range; accepted: 1 to 100000");
    assertThatThrownBy(() -> OtaServer.start(dir, dir, dir, "127.0.0.1", 0, 256, 0, line -> {}))
        .hasMessage("--request-timeout: 0 is out of range; accepted: 1 to 3600 seconds");
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

  /**
   * A symbolic link in the image directory to a file outside it was followed: anyone who could place a link (or
   * an image named after one) had any file the server could read served. Links are refused wherever they point,
   * inside the directory too; nothing of the file's content leaks.
   */
  @Test
  void symbolicLinksAreNotFollowed() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.key"), "TOP-SECRET-KEY-MATERIAL\n");
    Path images = dir.resolve("images");
    Files.createSymbolicLink(images.resolve("outside.bin"), secret);
    Files.createSymbolicLink(images.resolve("inside.bin"), images.resolve("fw.bin"));
    for (String path : new String[] {"/outside.bin", "/inside.bin"}) {
      for (String range : new String[] {null, "bytes=0-"}) {
        HttpResponse<byte[]> r = get(path, range);
        assertThat(r.statusCode()).as(path + " " + range).isEqualTo(404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("TOP-SECRET").isEqualTo(
            "no such image\n");
      }
      HttpResponse<Void> head = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
          + path)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(head.statusCode()).isEqualTo(404);
    }
    assertThat(get("/fw.bin", null).body()).isEqualTo(image); // the file itself still is served
  }

  /**
   * Connections are capped and must send their request in time: without either, clients that connect and stop
   * (no TLS handshake, or half a request line) held a descriptor each for ever. The one beyond
   * {@link OtaServer#DEFAULT_MAX_CONNECTIONS} is closed at once; a half-sent request is closed after
   * {@link OtaServer#DEFAULT_REQUEST_SECONDS}; once connections go, downloads work again.
   */
  @Test
  void connectionsAreCappedAndAHalfSentRequestIsClosedInTime() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < OtaServer.DEFAULT_MAX_CONNECTIONS; i++) {
        held.add(new Socket("127.0.0.1", server.port()));
      }
      // The server accepts them in the background: the one beyond the cap is closed as soon as it is accepted.
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (Socket extra = new Socket("127.0.0.1", server.port())) {
          return closedByServer(extra, 2);
        }
      });
      for (Socket s : held) {
        s.close();
      }
      held.clear();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> get("/fw.bin", null).statusCode() == 200);

      SSLSocket halfSent = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.port());
      held.add(halfSent);
      halfSent.startHandshake();
      halfSent.getOutputStream().write("GET /fw.bin HTTP/1.1\r\nHost: 127".getBytes(StandardCharsets.US_ASCII));
      halfSent.getOutputStream().flush();
      assertThat(closedByServer(halfSent, OtaServer.DEFAULT_REQUEST_SECONDS + 5)).as("closed within the request time")
          .isTrue();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  /** Whether the server closes {@code s} (end of stream or reset) within {@code seconds}, nothing read before. */
  private static boolean closedByServer(Socket s, int seconds) throws java.io.IOException {
    s.setSoTimeout(seconds * 1000);
    try {
      return s.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (java.io.IOException reset) {
      return true;
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
