package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MqttWire.PUBACK;
import static io.openegiz.flux.broker.it.MqttWire.SESSION_EXPIRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.store.SmallDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk under a running broker: {@code persistence_location} on a 48 MiB tmpfs that a filler
 * file fills. QoS 1 publishes are refused with PUBACK 0x97 (quota exceeded), the broker keeps serving,
 * and once the filler is gone publishes are accepted again without a restart. Needs root (to mount).
 */
class DiskFullIT {
  @TempDir
  Path dir;
  private SmallDisk disk;

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void aFullDiskRefusesQos1With0x97AndRecoversWhenSpaceIsFreed() throws Exception {
    disk = SmallDisk.mount(dir, "48m");
    Path mnt = disk.path();
    BrokerConfig cfg = BrokerConfig.builder().listener(0, "127.0.0.1").persistence(true)
        .persistenceLocation(mnt.resolve("store")).maxQueuedMessages(100_000).maxQueuedBytes(0)
        .http(new io.openegiz.flux.broker.config.HttpConfig(0, "127.0.0.1", "test")).build();
    try (TestBroker b = TestBroker.start(FluxBroker.builder(cfg))) {
      WireClient sub = WireClient.connect(b, "sub", true, true, new MqttWire.Props().u32(SESSION_EXPIRY, 3600));
      sub.subscribe(1, "d/#", 1, null);
      sub.disconnect();
      WireClient pub = WireClient.connect(b, "pub", true, null);
      Path filler = mnt.resolve("filler");
      SmallDisk.fill(filler);
      AtomicInteger packetId = new AtomicInteger();
      int refused = 0;
      for (int i = 0; i < 2_000 && refused == 0; i++) {
        int reason = publish(pub, packetId);
        assertThat(reason).isIn(0, 0x97);
        if (reason == 0x97) refused++;
      }
      assertThat(refused).as("a QoS 1 publish refused with 0x97 on the full disk").isEqualTo(1);
      assertThat(pub.isClosed()).isFalse();
      assertThat(health(b)).startsWith("503 ").contains("\"store\":\"unavailable\""); // not ready, still live
      assertThat(MetricsEndpointIT.sample(MetricsEndpointIT.scrape(java.net.http.HttpClient.newHttpClient(), b),
          "flux_store_unavailable")).isEqualTo(1.0);

      Files.delete(filler);
      await().atMost(Duration.ofSeconds(20)).until(() -> publish(pub, packetId) == 0);
      assertThat(health(b)).startsWith("200 ");
    }
  }

  /** GET /health: the status code, a space, the body. */
  private static String health(TestBroker b) throws Exception {
    var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + b.broker().http().orElseThrow().port() + "/health")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  /** Publishes 64 KiB at QoS 1 and returns the PUBACK's reason code. */
  private static int publish(WireClient pub, AtomicInteger packetId) throws IOException {
    int id = packetId.incrementAndGet() % 65535 + 1;
    pub.publish("d/x", 1, false, false, id, null, new byte[64 * 1024]);
    MqttPacket ack = pub.expect(PUBACK);
    assertThat(ack.ackId()).isEqualTo(id);
    return ack.reasonCode();
  }
}
