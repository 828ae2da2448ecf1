package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver against a Mosquitto process with its defaults (20 messages in flight), logged in with a username and
 * password, fed by mosquitto_pub and a fleet.
 */
class ArchiverMosquittoIT {
  private static final String DB = "mosq";
  @TempDir
  Path tmp;
  private Process mosquitto;
  private int port;
  private int passwordPort;
  private InfluxD influx;

  @BeforeEach
  void start() throws Exception {
    port = InfluxD.freePort();
    passwordPort = InfluxD.freePort();
    Path passwords = tmp.resolve("passwords");
    Process passwd = new ProcessBuilder("mosquitto_passwd", "-c", "-b", passwords.toString(), "archiver", "s3cret")
        .redirectErrorStream(true).start();
    assertThat(passwd.waitFor()).isZero();
    Path conf = tmp.resolve("mosquitto.conf");
    // Publishers on an anonymous listener; the archiver on one that asks for a password (the session is the same).
    // "user": as root, Mosquitto would switch to the mosquitto user, which cannot read the test's private directory.
    Files.writeString(conf, "user " + System.getProperty("user.name") + "\n"
        + "per_listener_settings true\nmax_queued_messages 100000\n"
        + "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
        + "listener " + passwordPort + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwords + "\n");
    mosquitto = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
    for (int p : new int[] {port, passwordPort}) {
      await().atMost(ArchiverIT.WAIT).ignoreExceptions().until(() -> {
        try (Socket s = new Socket("127.0.0.1", p)) {
          return true;
        }
      });
    }
    Files.createDirectories(tmp.resolve("influx"));
    influx = new InfluxD(tmp.resolve("influx"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (influx != null) {
      influx.close();
    }
    mosquitto.destroy();
    mosquitto.waitFor();
  }

  private Archiver archiver() {
    List<Setting> settings = new ArrayList<>(ArchiverIT.settings(passwordPort, influx, DB, tmp.resolve("dl")));
    settings.add(new Setting("test", "username", "archiver"));
    settings.add(new Setting("test", "password", "s3cret"));
    Archiver archiver = Archiver.start(ArchiverConfig.parse(settings));
    await().atMost(ArchiverIT.WAIT).until(archiver::subscribed);
    return archiver;
  }

  private void mosquittoPub(String topic, String example) throws Exception {
    Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1",
        "-t", topic, "-f", "../flux-telemetry/src/test/resources/examples/spec-" + example + ".json")
        .redirectErrorStream(true).start();
    assertThat(pub.waitFor()).isZero();
  }

  @Test
  void whatWasPublishedWhileTheArchiverWasAwayArrivesFromItsSession() throws Exception {
    archiver().close();
    mosquittoPub("openegiz/factory-a/oven/oven-001/electrical/telemetry", "electrical");
    mosquittoPub("openegiz/factory-a/oven/oven-001/thermal/telemetry", "thermal");
    try (Archiver archiver = archiver()) {
      await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().messagesAcked() == 2);
    }
    assertThat(Readings.stored(influx, DB)).containsExactlyInAnyOrder("esp32-oven001-elec@1769682600123",
        "esp32-oven001-therm@1769682600456");
  }

  @Test
  void everyReadingOfAFleetIsStoredExactlyOnce() throws Exception {
    try (Archiver archiver = archiver(); Readings readings = new Readings(port)) {
      FleetConfig config = ArchiverIT.fleet(port, 5, "electrical=2,thermal=2,environmental=1", 9);
      try (Fleet fleet = Fleet.start(config)) {
        await().atMost(ArchiverIT.WAIT).until(() -> readings.seen().size() >= 100);
      }
      await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(influx, DB))
          .containsExactlyInAnyOrderElementsOf(readings.seen()));
      assertThat(archiver.metrics().deadLetters()).isZero();
    }
  }

}
