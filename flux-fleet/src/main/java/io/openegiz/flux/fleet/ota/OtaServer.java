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
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * device resumes an interrupted download. Only regular files directly in the directory are served: a symbolic
 * link is refused (404), wherever it points, and the file is opened with {@code O_NOFOLLOW} so that a link put in
 * place after the check is refused too. At most {@link #DEFAULT_MAX_CONNECTIONS} connections at once (more are
 * closed when accepted) and {@link #DEFAULT_REQUEST_SECONDS} s for a client to send its request, unless told
 * otherwise.
 */
public final class OtaServer implements AutoCloseable {
  /** At most 18 digits: every such number fits a long. */
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})");
  private static final Pattern NAME = Pattern.compile("/([A-Za-z0-9._-]+)");
  /** Connections held at once: a device that stops mid-request holds one, and each is a file descriptor. */
  public static final int DEFAULT_MAX_CONNECTIONS = 256;
  /** Seconds a client has to send its request; a download's response is not bounded. */
  public static final int DEFAULT_REQUEST_SECONDS = 10;
  private static final String MAX_CONNECTIONS_PROPERTY = "jdk.httpserver.maxConnections";
  private static final String MAX_REQUEST_PROPERTY = "sun.net.httpserver.maxReqTime";

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
    return start(dir, certFile, keyFile, bind, port, DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_SECONDS, log);
  }

  /**
   * As above, holding at most {@code maxConnections} connections and giving a client {@code requestSeconds} to
   * send its request. The JDK's server takes both from system properties, once per JVM, when its first server
   * starts: one given to the JVM ({@code -D}), or set by an earlier server in the same JVM, wins (logged).
   */
  public static OtaServer start(Path dir, Path certFile, Path keyFile, String bind, int port, int maxConnections,
      int requestSeconds, Consumer<String> log) throws OtaException {
    if (maxConnections < 1 || maxConnections > 100_000) {
      throw new OtaException("--max-connections: " + maxConnections + " is out of range; accepted: 1 to 100000");
    }
    if (requestSeconds < 1 || requestSeconds > 3600) {
      throw new OtaException("--request-timeout: " + requestSeconds + " is out of range; accepted: 1 to 3600 seconds");
    }
    limit(MAX_CONNECTIONS_PROPERTY, maxConnections, "--max-connections", log);
    limit(MAX_REQUEST_PROPERTY, requestSeconds, "--request-timeout", log);
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

  private static void limit(String property, int value, String option, Consumer<String> log) {
    String set = System.getProperty(property);
    if (set == null) {
      System.setProperty(property, Integer.toString(value));
    } else if (!set.equals(Integer.toString(value))) {
      log.accept(property + " is " + set + " in this JVM (-D, or an earlier server): " + option + " " + value
          + " does not apply");
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
      if (!method.equals("GET") && !method.equals("HEAD")) {
        reply(ex, 405, "only GET and HEAD");
        return;
      }
      FileChannel image = name.matches() ? open(ex, name.group(1)) : null;
      if (image == null) {
        reply(ex, 404, "no such image");
        return;
      }
      try (image) {
        serve(ex, method, name.group(1), image);
      }
    }
  }

  /**
   * The image {@code name} directly in the directory, opened; null when there is no such regular file. A symbolic
   * link is refused wherever it points: opened with {@code NOFOLLOW_LINKS} (O_NOFOLLOW), so a link swapped in
   * after a check cannot be followed either.
   */
  private FileChannel open(HttpExchange ex, String name) throws IOException {
    Path file = dir.resolve(name);
    if (name.startsWith(".") || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isSymbolicLink(file)) {
        log.accept(ex.getRemoteAddress().getAddress().getHostAddress() + " " + ex.getRequestMethod() + " " + name
            + " 404: a symbolic link, not served");
      }
      return null;
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (FileSystemException gone) {
      return null; // removed, or replaced by a link (ELOOP), since the check
    }
  }

  private void serve(HttpExchange ex, String method, String name, FileChannel image) throws IOException {
    long size = image.size();
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
    log.accept(ex.getRemoteAddress().getAddress().getHostAddress() + " " + method + " " + name + " " + status
        + " bytes " + from + "-" + to + "/" + size);
    if (method.equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", String.valueOf(length));
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, length);
    try (InputStream in = Channels.newInputStream(image.position(from)); OutputStream out = ex.getResponseBody()) {
      in.transferTo(new LimitedOutput(out, length));
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
