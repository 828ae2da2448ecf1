package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.ota.OtaServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flux ota serve}. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serves the images of a directory over HTTPS (TLS 1.3) with byte ranges.",
        "Devices resume interrupted downloads with Range. Give it the broker's certificate and key (flux certs"
            + " server): the devices already trust its CA. Any other HTTPS server with Range support does as well."
            + " Symbolic links in DIR are not served. Stops on Ctrl-C."})
final class OtaServeCommand extends OtaCommand.Base {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory of the images.")
  Path dir;

  @Option(names = "--cert", required = true, paramLabel = "FILE",
      description = "PEM server certificate, e.g. certs/server.crt (flux certs server).")
  Path cert;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "PEM private key of --cert.")
  Path key;

  @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--port", defaultValue = "8443", description = "Port (default ${DEFAULT-VALUE}; 0: a free one).")
  int port;

  @Option(names = "--max-connections", defaultValue = "" + OtaServer.DEFAULT_MAX_CONNECTIONS, paramLabel = "N",
      description = "Connections held at once; more are closed when accepted (default ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--request-timeout", defaultValue = "" + OtaServer.DEFAULT_REQUEST_SECONDS, paramLabel = "SECONDS",
      description = "Time a client has to send its request; a download itself is not bounded"
          + " (default ${DEFAULT-VALUE}).")
  int requestSeconds;

  @Override
  int execute() throws Exception {
    try (OtaServer server = OtaServer.start(dir, cert, key, bind, port, maxConnections, requestSeconds, line -> {
      out.println(line);
      out.flush();
    })) {
      out.printf("serving %s on https://%s:%d/ (TLS 1.3, byte ranges)%n", dir, bind, server.port());
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
