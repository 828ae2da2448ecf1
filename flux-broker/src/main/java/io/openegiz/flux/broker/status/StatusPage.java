package io.openegiz.flux.broker.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import io.openegiz.flux.broker.http.Responses;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live status page: {@code /} and {@code /status} serve the page (HTML, JS and CSS from the jar, no
 * CDN), {@code /status/fleet.json} the current snapshot, {@code /status/events} a server-sent event
 * stream of snapshots, one a tick. {@code HttpListener} runs each request on a virtual thread of its
 * own, so an open stream holds no other request up and a slow browser only delays itself.
 */
public final class StatusPage implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);
  /** Event streams open at once, at most: each holds a connection and a virtual thread. */
  public static final int MAX_STREAMS = 32;
  /** Paths this page answers under; an HTTP listener routes both here. */
  public static final String[] PATHS = {"/", "/status"};

  private static final String EVENTS = "/status/events";
  private static final String JSON = "/status/fleet.json";
  private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
  private static final Asset PAGE = new Asset("index.html", "text/html; charset=utf-8");
  private static final Map<String, Asset> ASSETS = Map.of(
      "/", PAGE,
      "/status", PAGE,
      "/status/", PAGE,
      "/status/app.js", new Asset("app.js", "text/javascript; charset=utf-8"),
      "/status/style.css", new Asset("style.css", "text/css; charset=utf-8"));
  /** The page loads nothing from elsewhere, and runs no inline script. */
  private static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

  private final StatusFeed feed;
  private final EventStreams streams = new EventStreams(MAX_STREAMS);

  /** A file of the page, read from the jar once. */
  private record Asset(String resource, String type, byte[] bytes) {
    Asset(String resource, String type) {
      this(resource, type, read(resource));
    }

    private static byte[] read(String resource) {
      try (InputStream in = StatusPage.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("status page resource " + resource + " missing from the jar");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public StatusPage(StatusFeed feed) {
    this.feed = feed;
    feed.onTick(streams::tick);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (path.equals(EVENTS) && ex.getRequestMethod().equals("GET")) {
      stream(ex);
      return;
    }
    try (ex) {
      if (!Responses.allowGetOrHead(ex)) {
        return;
      }
      Asset asset = ASSETS.get(path);
      headers(ex);
      if (asset != null) {
        Responses.send(ex, 200, asset.type(), asset.bytes());
      } else if (path.equals(JSON)) {
        Responses.send(ex, 200, "application/json", feed.current().json());
      } else if (path.equals(EVENTS)) { // HEAD: a stream's headers, no body
        Responses.send(ex, 200, EVENT_STREAM, new byte[0]);
      } else {
        Responses.text(ex, 404, "no such page: " + path + "; the status page is at / or /status\n");
      }
    }
  }

  private static void headers(HttpExchange ex) {
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Content-Security-Policy", CSP);
  }

  /** An event stream: the snapshot now, then one a tick until the browser goes or the endpoint stops. */
  private void stream(HttpExchange ex) throws IOException {
    EventStreams.Slot slot = streams.take(ex.getRemoteAddress());
    if (slot == null) {
      ex.getResponseHeaders().set("Retry-After", "10");
      Responses.text(ex, 503, "too many status pages open (" + MAX_STREAMS
          + " event streams at most); close one or use /status/fleet.json\n");
      ex.close();
      return;
    }
    try (slot) {
      headers(ex);
      ex.getResponseHeaders().set("Content-Type", EVENT_STREAM);
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      slot.moved();
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      // EventSource reconnects by itself after this long when the stream breaks (broker restart).
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      StatusFeed.Snapshot s = feed.current();
      while (s != null) {
        slot.moved();
        out.write(DATA);
        write(slot, out, s.json());
        out.write(END);
        out.flush();
        slot.idle();
        s = feed.next(s.seq(), StatusFeed.TICK_MILLIS * 30);
      }
    } catch (IOException e) {
      LOG.debug("status event stream to {} ended: {}", ex.getRemoteAddress(), e.toString());
    } catch (InterruptedException e) {
      if (!slot.dropped()) {
        Thread.currentThread().interrupt(); // the endpoint is stopping
      }
    } finally {
      if (slot.dropped()) {
        Thread.interrupted(); // the interrupt was the drop's, already done: its channel is closed
      }
      ex.close();
    }
  }

  /** Writes in slices, marking progress after each: a large snapshot to a slow but live reader is no stall. */
  private static void write(EventStreams.Slot slot, OutputStream out, byte[] bytes) throws IOException {
    for (int off = 0; off < bytes.length; off += EventStreams.SLICE) {
      out.write(bytes, off, Math.min(EventStreams.SLICE, bytes.length - off));
      slot.moved();
    }
  }

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  /** Event streams open now. */
  public int streams() {
    return streams.open();
  }

  /** Event streams dropped so far because their reader stopped reading (also logged, one line each). */
  public long streamsDropped() {
    return streams.dropped();
  }
}
