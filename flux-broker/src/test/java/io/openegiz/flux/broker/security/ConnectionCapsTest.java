package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.openegiz.flux.broker.config.ConnectionLimits;
import org.junit.jupiter.api.Test;

/** The per-identity cap counts client ids, lets a takeover through, and gives places back on close. */
class ConnectionCapsTest {
  private final ConnectionCaps caps = new ConnectionCaps(new ConnectionLimits(2, 65536, 64), false);

  @Test
  void anIdentityHoldsAtMostItsCapOfClientIdsAndATakeoverTakesNoNewPlace() {
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    assertThat(caps.acquireIdentity("oven", "a", a)).isTrue();
    assertThat(caps.acquireIdentity("oven", "b", b)).isTrue();
    assertThat(caps.acquireIdentity("oven", "c", new EmbeddedChannel())).isFalse();
    assertThat(caps.acquireIdentity("mixer", "c", new EmbeddedChannel())).as("another identity").isTrue();
    assertThat(caps.acquireIdentity(null, "anon", new EmbeddedChannel())).as("anonymous").isTrue();

    EmbeddedChannel a2 = new EmbeddedChannel();
    assertThat(caps.acquireIdentity("oven", "a", a2)).as("takeover of a").isTrue();
    a.close(); // the old connection of the takeover leaves: "a" is still held by a2
    assertThat(caps.acquireIdentity("oven", "c", new EmbeddedChannel())).isFalse();

    b.close();
    assertThat(caps.acquireIdentity("oven", "c", new EmbeddedChannel())).isTrue();
  }

  @Test
  void noLimitMeansNoCount() {
    ConnectionCaps off = new ConnectionCaps(new ConnectionLimits(0, 65536, 0), false);
    for (int i = 0; i < 10; i++) {
      assertThat(off.acquireIdentity("oven", "c" + i, new EmbeddedChannel())).isTrue();
    }
  }
}
