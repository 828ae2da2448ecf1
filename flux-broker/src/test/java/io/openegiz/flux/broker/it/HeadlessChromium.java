package io.openegiz.flux.broker.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven through the DevTools protocol over the JDK's WebSocket client: it
 * opens a page, evaluates JavaScript in it and takes screenshots. The port is chosen by Chromium
 * ({@code --remote-debugging-port=0}) and read from the DevToolsActivePort file of its profile.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Pattern PAGE_SOCKET = Pattern
      .compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/devtools/page/[^\"]+)\"");
  private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");
  private static final Pattern STRING_VALUE = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern DATA = Pattern.compile("\"data\":\"([A-Za-z0-9+/=]+)\"");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts Chromium with a fresh profile under {@code dir} and connects to its blank page. */
  static HeadlessChromium start(Path dir) throws Exception {
    Path profile = Files.createDirectories(dir.resolve("profile"));
    Process p = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
        "--user-data-dir=" + profile, "--window-size=1280,1000", "about:blank")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      await("Chromium's DevToolsActivePort").atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      String list = await("a page target").atMost(Duration.ofSeconds(10)).until(() -> http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString()).body(), body -> PAGE_SOCKET.matcher(body).find());
      Matcher m = PAGE_SOCKET.matcher(list);
      m.find();
      Listener listener = new Listener();
      WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(m.group(1)), listener).get(10, TimeUnit.SECONDS);
      HeadlessChromium chromium = new HeadlessChromium(p, ws);
      listener.owner = chromium;
      return chromium;
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** Sends a DevTools command and waits for its answer (the raw JSON). */
  String send(String method, String paramsJson) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<String> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", true)
        .get(10, TimeUnit.SECONDS);
    String reply = answer.get(30, TimeUnit.SECONDS);
    if (reply.contains("\"error\":")) {
      throw new IllegalStateException(method + " failed: " + reply);
    }
    return reply;
  }

  void navigate(String url) throws Exception {
    send("Page.navigate", "{\"url\":\"" + url + "\"}");
  }

  /** Evaluates a JavaScript expression that yields a string; returns it ("" when it yields something else). */
  String eval(String expression) throws Exception {
    String reply = send("Runtime.evaluate", "{\"expression\":" + quote("String(" + expression + ")")
        + ",\"returnByValue\":true}");
    Matcher m = STRING_VALUE.matcher(reply);
    return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : "";
  }

  /** Saves a PNG of the page as it is now. */
  void screenshot(Path file) throws Exception {
    Matcher m = DATA.matcher(send("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}"));
    if (!m.find()) {
      throw new IllegalStateException("no screenshot data");
    }
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(m.group(1)));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Joins frames into messages and completes the command each answers; events are ignored. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();
    volatile HeadlessChromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        String text = message.toString();
        message.setLength(0);
        Matcher m = ID.matcher(text);
        if (m.find() && owner != null) {
          CompletableFuture<String> f = owner.pending.remove(Integer.parseInt(m.group(1)));
          if (f != null) {
            f.complete(text);
          }
        }
      }
      ws.request(1);
      return null;
    }
  }
}
