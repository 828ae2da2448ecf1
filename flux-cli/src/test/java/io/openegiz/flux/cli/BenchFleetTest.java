package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad ladder options are refused before any broker starts, with what is accepted. */
class BenchFleetTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new BenchFleet()).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aRateOfZeroIsRefusedNamingWhatIsAccepted() {
    assertThat(run("--rates", "0.5,0")).isEqualTo(2);
    assertThat(err.toString()).startsWith("--rates: every rate must be a number of messages a second per sensor"
        + " above 0, e.g. 0.5,1,1.5,2; not [0.5, 0.0]");
  }

  @Test
  void aRateThatIsNoNumberIsRefused() {
    assertThat(run("--rates", "1,fast")).isEqualTo(2);
    assertThat(err.toString()).startsWith("Invalid value for option '--rates' (HZ): 'fast' is not a double");
  }

  @Test
  void tooManyConnectionsAreRefusedWithTheRange() {
    assertThat(run("--connections", "20000", "--rates", "1")).isEqualTo(2);
    assertThat(err.toString()).startsWith("publishers must be 1-10000");
  }
}
