package io.openegiz.flux.fleet.ota;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.openegiz.flux.pki.TlsStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * {@code flux ota serve}: the images of a directory over HTTPS (TLS 1.3 only, the broker's certificate and key
 * from {@code flux certs}), with single byte ranges ({@code Range: bytes=N-} and {@code N-M}, answered 206) so a
 * device resumes an interrupted download. Only regular files directly in the directory are served.
 */
public final class OtaServer implements AutoCloseable {
  /** At most 18 digits: every such number fits a long. */
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})");
  private static final Pattern NAME = Pattern.compile("/([A-Za-z0-9._-]+)");

  private final HttpsServer server;
  private final ExecutorService executor;
  private final Path dir;
  private final Consumer<String> log;

  private OtaServer(HttpsServer server, ExecutorService executor, Path dir, Consumer<String> log) {
    this.server = server;
    this.executor = executor;
    this.dir = dir;
    this.log = log;
  }

  /** Starts serving {@code dir} on {@code bind}:{@code port} (0: a free port); {@code log} gets a line a request. */
  public static OtaServer start(Path dir, Path certFile, Path keyFile, String bind, int port, Consumer<String> log)
      throws OtaException {
    if (!Files.isDirectory(dir)) {
      throw new OtaException("--dir: " + dir + " is not a directory; accepted: the directory of the signed images");
    }
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLSv1.3");
      tls.init(TlsStores.keys(certFile, keyFile).getKeyManagers(), null, null);
    } catch (IOException | GeneralSecurityException e) {
      throw new OtaException("--cert/--key: " + e.getMessage()
          + "; accepted: the broker's PEM certificate and key (flux certs server)", e);
    }
    try {
      HttpsServer server = HttpsServer.create(new InetSocketAddress(bind, port), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(tls) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = tls.getDefaultSSLParameters();
          p.setProtocols(new String[] {"TLSv1.3"});
          params.setSSLParameters(p);
        }
      });
      // A thread per request: a device that stops in its TLS handshake or request holds up only itself.
      ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("flux-ota-", 0).factory());
      server.setExecutor(executor);
      OtaServer ota = new OtaServer(server, executor, dir, log);
      server.createContext("/", ota::handle);
      server.start();
      return ota;
    } catch (IOException e) {
      throw new OtaException("--port: cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port listened on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      Matcher name = NAME.matcher(ex.getRequestURI().getPath());
      Path file = name.matches() ? dir.resolve(name.group(1)) : null;
      if (!method.equals("GET") && !method.equals("HEAD")) {
        reply(ex, 405, "only GET and HEAD");
        return;
      }
      if (file == null || !Files.isRegularFile(file) || name.group(1).startsWith(".")) {
        reply(ex, 404, "no such image");
        return;
      }
      long size = Files.size(file);
      long from = 0;
      long to = size - 1;
      String range = ex.getRequestHeaders().getFirst("Range");
      int status = 200;
      if (range != null) {
        Matcher m = RANGE.matcher(range.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) >= size
            || (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < Long.parseLong(m.group(1)))) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
          reply(ex, 416, "accepted: one range bytes=N- or bytes=N-M within " + size + " bytes");
          return;
        }
        from = Long.parseLong(m.group(1));
        to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
        status = 206;
        ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
      }
      long length = to - from + 1;
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      log.accept(ex.getRemoteAddress().getAddress().getHostAddress() + " " + method + " " + name.group(1) + " "
          + status + " bytes " + from + "-" + to + "/" + size);
      if (method.equals("HEAD")) {
        ex.getResponseHeaders().set("Content-Length", String.valueOf(length));
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, length);
      try (FileChannel ch = FileChannel.open(file);
          InputStream in = Channels.newInputStream(ch.position(from));
          OutputStream out = ex.getResponseBody()) {
        in.transferTo(new LimitedOutput(out, length));
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Writes at most {@code limit} bytes, so a range ends where it should. */
  private static final class LimitedOutput extends OutputStream {
    private final OutputStream out;
    private long left;

    LimitedOutput(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left > 0) {
        out.write(b);
        left--;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int n = (int) Math.min(len, left);
      if (n > 0) {
        out.write(b, off, n);
        left -= n;
      }
    }
  }
}
