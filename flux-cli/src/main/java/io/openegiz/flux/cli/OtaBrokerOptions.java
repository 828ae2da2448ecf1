package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.ota.DeviceStatuses;
import io.openegiz.flux.fleet.ota.OtaException;
import io.openegiz.flux.fleet.sim.TlsSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How {@code flux ota rollout} and {@code flux ota status} reach the broker: as an operator (egizcore in the ACL). */
final class OtaBrokerOptions {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", description = "Broker port (default 1883, or 8883 with --cafile).")
  Integer port;

  @Option(names = "--cafile", paramLabel = "FILE", description = "PEM CA of the broker: connect with TLS.")
  Path cafile;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "PEM client certificate (its CN is the username where the listener takes it so).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "PEM private key of --cert.")
  Path key;

  @Option(names = "--username", description = "Username, e.g. egizcore (the shipped ACL lets it send commands).")
  String username;

  @Option(names = "--password", description = "Password.")
  String password;

  DeviceStatuses.Broker broker() throws OtaException {
    if ((cert == null) != (key == null)) {
      throw new OtaException("--cert and --key: give both or neither");
    }
    if (cert != null && cafile == null) {
      throw new OtaException("--cert: needs --cafile (a client certificate is sent only over TLS)");
    }
    try {
      var ssl = cafile == null ? null : new TlsSettings(cafile, cert, key, false).toSslConfig();
      return new DeviceStatuses.Broker(host, port != null ? port : cafile == null ? 1883 : 8883, ssl, username,
          password);
    } catch (IllegalArgumentException e) {
      throw new OtaException(e.getMessage(), e);
    }
  }
}
