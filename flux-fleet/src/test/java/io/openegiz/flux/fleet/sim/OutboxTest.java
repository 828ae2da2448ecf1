package io.openegiz.flux.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private final Outbox outbox = new Outbox("t/telemetry", "t/status", 3);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Outbox.Outgoing out) {
    return new String(out.payload(), StandardCharsets.UTF_8);
  }

  @Test
  void nothingGoesOutWhileOfflineAndTheReadingsWait() {
    outbox.addReading(bytes("r1"));
    assertThat(outbox.next()).isNull();
    assertThat(outbox.buffered()).isEqualTo(1);
  }

  @Test
  void theWindowBoundsWhatIsInFlightAndAnAcknowledgementFreesASlot() {
    for (int i = 1; i <= 3; i++) {
      outbox.addReading(bytes("r" + i));
    }
    outbox.open(2, bytes("online"));
    assertThat(text(outbox.next())).isEqualTo("online");
    assertThat(text(outbox.next())).isEqualTo("r1");
    assertThat(outbox.next()).as("window of 2 full").isNull();
    outbox.done(new Outbox.Outgoing(Outbox.Kind.TELEMETRY, "t/telemetry", bytes("r1"), null));
    Outbox.Outgoing next = outbox.next();
    assertThat(next.kind()).isEqualTo(Outbox.Kind.TELEMETRY);
    assertThat(next.topic()).isEqualTo("t/telemetry");
    assertThat(text(next)).isEqualTo("r2");
    assertThat(outbox.inFlight()).isEqualTo(2);
    assertThat(outbox.buffered()).isEqualTo(1);
  }

  @Test
  void statusThenResponsesThenReadingsAndOnlyTheLatestStatusWaits() {
    outbox.addReading(bytes("r1"));
    outbox.open(10, bytes("online-1"));
    outbox.status(bytes("online-2"));
    assertThat(outbox.respond("t/response", bytes("ack"), bytes("corr"))).isTrue();
    Outbox.Outgoing status = outbox.next();
    assertThat(status.kind()).isEqualTo(Outbox.Kind.STATUS);
    assertThat(text(status)).isEqualTo("online-2");
    Outbox.Outgoing response = outbox.next();
    assertThat(response.topic()).isEqualTo("t/response");
    assertThat(response.correlationData()).isEqualTo(bytes("corr"));
    assertThat(text(outbox.next())).isEqualTo("r1");
    assertThat(outbox.next()).isNull();
  }

  @Test
  void aFailedReadingGoesBackInFrontAndAFullBufferDropsTheOldest() {
    outbox.addReading(bytes("r2"));
    outbox.putBack(bytes("r1"));
    outbox.open(10, bytes("online"));
    outbox.next();
    assertThat(text(outbox.next())).isEqualTo("r1");
    assertThat(text(outbox.next())).isEqualTo("r2");
    for (int i = 3; i <= 6; i++) {
      outbox.addReading(bytes("r" + i));
    }
    assertThat(outbox.dropped()).isEqualTo(1);
    outbox.putBack(bytes("r0"));
    assertThat(outbox.dropped()).as("full: the one put back is the oldest").isEqualTo(2);
    assertThat(text(outbox.next())).isEqualTo("r4");
  }

  @Test
  void closingStopsHandingOutAndDropsTheWaitingStatus() {
    outbox.open(10, bytes("online"));
    outbox.close();
    outbox.status(bytes("online-2"));
    outbox.addReading(bytes("r1"));
    assertThat(outbox.next()).isNull();
    outbox.open(10, bytes("online-3"));
    assertThat(text(outbox.next())).isEqualTo("online-3");
  }

  @Test
  void aWindowBelowOneIsRefused() {
    assertThatThrownBy(() -> outbox.open(0, bytes("online"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void responsesBeyondTheLimitAreRefused() {
    for (int i = 0; i < Outbox.MAX_RESPONSES; i++) {
      assertThat(outbox.respond("t/response", bytes("ack"), null)).isTrue();
    }
    assertThat(outbox.respond("t/response", bytes("ack"), null)).isFalse();
  }

  @Test
  void oneStatusAtATime() {
    outbox.open(10, bytes("online-1"));
    Outbox.Outgoing first = outbox.next();
    outbox.status(bytes("online-2"));
    outbox.addReading(bytes("r1"));
    assertThat(text(outbox.next())).as("the second status waits for the first").isEqualTo("r1");
    outbox.done(first);
    assertThat(text(outbox.next())).isEqualTo("online-2");
  }

  @Test
  void aDeviceLeavesOneSlotOfTheBrokersWindowForAStatusAndNeverTakesMoreThanItsCap() {
    assertThat(SimulatedDevice.window(5)).isEqualTo(4);
    assertThat(SimulatedDevice.window(1)).isEqualTo(1);
    assertThat(SimulatedDevice.window(100)).isEqualTo(SimulatedDevice.MAX_IN_FLIGHT);
    assertThat(SimulatedDevice.window(65_535)).isEqualTo(SimulatedDevice.MAX_IN_FLIGHT);
  }
}
