package io.openegiz.flux.archiver.line;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LineProtocolTest {

  @Test
  void tagsAreSortedAndFieldsKeepTheirTypes() {
    Point point = Point.builder("electrical", 1769682600123L).tag("thing_id", "factory:oven-001")
        .tag("device_id", "esp32-a").floatField("voltage_a", 230).intField("rssi", -65L)
        .boolField("heating_active", true).stringField("firmware_version", "1.2.3").build();

    assertThat(LineProtocol.line(point)).isEqualTo("electrical,device_id=esp32-a,thing_id=factory:oven-001 "
        + "voltage_a=230.0,rssi=-65i,heating_active=true,firmware_version=\"1.2.3\" 1769682600123");
  }

  @Test
  void escapesEachPartAsTheProtocolAsks() {
    Point point = Point.builder("my meas,x", 1L).tag("tag key", "a=b,c d").floatField("f=1", 0.5)
        .stringField("s", "say \"hi\" \\o/").build();

    assertThat(LineProtocol.line(point))
        .isEqualTo("my\\ meas\\,x,tag\\ key=a\\=b\\,c\\ d f\\=1=0.5,s=\"say \\\"hi\\\" \\\\o/\" 1");
  }

  @Test
  void emptyTagsAreOmittedAndSmallAndLargeFloatsStayFloats() {
    Point point = Point.builder("m", 1L).tag("empty", "").floatField("tiny", 1e-7).floatField("big", 1e21).build();

    assertThat(LineProtocol.line(point)).isEqualTo("m tiny=1.0E-7,big=1.0E21 1");
  }

  @Test
  void refusesWhatTheProtocolCannotCarry() {
    assertThatThrownBy(() -> LineProtocol.line(Point.builder("m", 1L).stringField("s", "a\nb").build()))
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> LineProtocol.line(Point.builder("m", 1L).tag("t", "a\\").floatField("f", 1).build()))
        .hasMessageContaining("ends with a backslash");
    assertThatThrownBy(() -> LineProtocol.line(Point.builder("m", 1L).floatField("f", Double.NaN).build()))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> Point.builder("m", 1L).build()).hasMessageContaining("at least one field");
  }
}
