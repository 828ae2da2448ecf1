package io.openegiz.flux.broker.transport;

import io.netty.handler.ssl.SslContext;
import io.openegiz.flux.broker.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current TLS context of one listener, rebuilt when its certificate, key, CA or CRL file changes.
 * New connections get the new material; existing ones keep theirs. A file that fails to load leaves
 * the old material in use, and the failure is logged once per change.
 */
public final class TlsMaterial {
  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);

  private final TlsConfig tls;
  private final String listener;
  private volatile SslContext context;
  private List<String> fingerprint;

  private TlsMaterial(TlsConfig tls, String listener, SslContext context, List<String> fingerprint) {
    this.tls = tls;
    this.listener = listener;
    this.context = context;
    this.fingerprint = fingerprint;
  }

  /** Loads the material for the first time; a failure here stops start-up. */
  public static TlsMaterial load(TlsConfig tls, String listener) throws TlsContextLoader.TlsLoadException {
    List<String> fp = fingerprint(tls);
    return new TlsMaterial(tls, listener, TlsContextLoader.load(tls), fp);
  }

  public SslContext current() {
    return context;
  }

  public TlsConfig config() {
    return tls;
  }

  /** Reloads when a file changed since the last attempt; true when new material is now in use. */
  public synchronized boolean reloadIfChanged() {
    List<String> now = fingerprint(tls);
    if (now.equals(fingerprint)) {
      return false;
    }
    fingerprint = now;
    return reload();
  }

  /** Reloads unconditionally (SIGHUP); true when new material is now in use. */
  public synchronized boolean reload() {
    try {
      context = TlsContextLoader.load(tls);
      LOG.info("listener {}: TLS certificate, key and CA files reloaded", listener);
      return true;
    } catch (TlsContextLoader.TlsLoadException e) {
      LOG.error("listener {}: TLS files changed but cannot be loaded, still using the previous ones: {}",
          listener, e.getMessage());
      return false;
    }
  }

  /** Modification time and size of each file; symlinks are followed, so certbot's renewals count. */
  private static List<String> fingerprint(TlsConfig tls) {
    List<String> fp = new ArrayList<>();
    for (Path p : new Path[] {tls.certfile(), tls.keyfile(), tls.cafile(), tls.crlfile()}) {
      if (p == null) {
        continue;
      }
      try {
        fp.add(p + "@" + Files.getLastModifiedTime(p).toMillis() + "/" + Files.size(p)
            + "/" + Objects.hashCode(p.toRealPath().toString()));
      } catch (IOException e) {
        fp.add(p + "@missing");
      }
    }
    return fp;
  }
}
