package io.openegiz.flux.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Building, parsing and tagging topics of the OpenEgiz hierarchy. */
class TopicPathTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "openegiz/factory-a/oven/oven-001/electrical/telemetry",
      "openegiz/factory-a/oven/oven-001/thermal/telemetry",
      "openegiz/factory-a/mixer/mixer-001/electrical/telemetry",
      "openegiz/factory-a/environment/zone-a/ambient/telemetry",
      "openegiz/factory-a/oven/oven-001/electrical/status",
      "openegiz/factory-a/oven/oven-001/command",
      "openegiz/f_1/t/e/s/telemetry"
  })
  void parsesAndBuildsBackTheSameTopic(String topic) {
    assertThat(TopicPath.parse(topic).name()).isEqualTo(topic);
    assertThat(TopicPath.parse(topic).toString()).isEqualTo(topic);
  }

  @Test
  void buildsEachKind() {
    assertThat(TopicPath.telemetry("factory-a", "oven", "oven-001", "electrical").name())
        .isEqualTo("openegiz/factory-a/oven/oven-001/electrical/telemetry");
    assertThat(TopicPath.status("factory-a", "oven", "oven-001", "thermal").name())
        .isEqualTo("openegiz/factory-a/oven/oven-001/thermal/status");
    assertThat(TopicPath.command("factory-a", "oven", "oven-001").name())
        .isEqualTo("openegiz/factory-a/oven/oven-001/command");
  }

  @Test
  void telemetryTopicGivesItsTags() {
    TopicPath topic = TopicPath.parse("openegiz/factory-a/oven/oven-001/electrical/telemetry");

    assertThat(topic.kind()).isEqualTo(TopicKind.TELEMETRY);
    assertThat(topic.tags()).containsExactly(entry("factory_id", "factory-a"), entry("equipment_type", "oven"),
        entry("equipment_id", "oven-001"), entry("sensor_type", "electrical"), entry("kind", "telemetry"));
  }

  @Test
  void statusTopicIsPerSensorDevice() {
    TopicPath elec = TopicPath.parse("openegiz/factory-a/oven/oven-001/electrical/status");
    TopicPath therm = TopicPath.parse("openegiz/factory-a/oven/oven-001/thermal/status");

    assertThat(elec.kind()).isEqualTo(TopicKind.STATUS);
    assertThat(elec.sensorType()).isEqualTo("electrical");
    assertThat(elec).isNotEqualTo(therm);
    assertThat(elec.tags()).containsEntry("kind", "status").containsEntry("sensor_type", "electrical");
  }

  @Test
  void commandTopicHasNoSensorType() {
    TopicPath command = TopicPath.parse("openegiz/factory-a/oven/oven-001/command");

    assertThat(command.kind()).isEqualTo(TopicKind.COMMAND);
    assertThat(command.hasSensorType()).isFalse();
    assertThat(command.tags()).doesNotContainKey("sensor_type").containsEntry("kind", "command")
        .containsEntry("equipment_id", "oven-001");
    assertThatThrownBy(() -> new TopicPath(TopicKind.COMMAND, "f", "t", "e", "s"))
        .isInstanceOf(InvalidTopicException.class).hasMessageContaining("a command topic has no sensor_type");
  }

  @Test
  void theSpecsEquipmentLevelStatusTopicIsRefusedWithTheSettledShape() {
    assertThatThrownBy(() -> TopicPath.parse("openegiz/factory-a/oven/oven-001/status"))
        .isInstanceOf(InvalidTopicException.class)
        .hasMessageContaining("a status topic has a sensor_type level")
        .hasMessageContaining("{equipment_id}/{sensor_type}/status");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "openegiz//oven/oven-001/electrical/telemetry    | factory_id \"\": is empty",
      "openegiz/factory-a/+/oven-001/electrical/telemetry | equipment_type \"+\": contains '+'",
      "openegiz/factory-a/oven/#/electrical/telemetry   | equipment_id \"#\": contains '#'",
      "openegiz/factory-a/oven/oven-001/$sys/telemetry  | sensor_type \"$sys\": starts with '$'",
      "openegiz/Factory-A/oven/oven-001/electrical/telemetry | factory_id \"Factory-A\": contains 'F' at position 1",
      "openegiz/factory a/oven/oven-001/electrical/telemetry | factory_id \"factory a\": contains ' ' at position 8",
      "openegiz/factory-a/oven/oven-001/elec.trical/telemetry | sensor_type \"elec.trical\": contains '.'",
      "openegiz/factory-a/oven/oven-001/command/extra  | 6 levels ending in \"extra\" is not an OpenEgiz topic",
      "openegiz/factory-a/oven/oven-001/electrical/telemetry/x | 7 levels",
      "openegiz/factory-a/oven/oven-001               | 4 levels",
      "other/factory-a/oven/oven-001/electrical/telemetry | first level \"other\" is not \"openegiz\"",
      "/openegiz/factory-a/oven/oven-001/electrical/telemetry | first level \"\" is not \"openegiz\"",
      "openegiz/factory-a/oven/oven-001/electrical/   | 6 levels ending in \"\""
  })
  void invalidTopicsNameTheLevelAndValue(String topic, String message) {
    assertThatThrownBy(() -> TopicPath.parse(topic))
        .isInstanceOf(InvalidTopicException.class)
        .hasMessageContaining(message);
  }

  @Test
  void levelErrorsSayWhatIsAccepted() {
    assertThatThrownBy(() -> TopicPath.telemetry("factory-a", "oven", "oven/001", "electrical"))
        .isInstanceOf(InvalidTopicException.class)
        .hasMessage("equipment_id \"oven/001\": contains '/'; " + TopicLevels.ACCEPTED);
  }

  @Test
  void levelsAreBoundedInLength() {
    String longest = "a".repeat(TopicLevels.MAX_LENGTH);

    assertThat(TopicPath.telemetry(longest, "oven", "oven-001", "electrical").factoryId()).isEqualTo(longest);
    assertThatThrownBy(() -> TopicPath.telemetry(longest + "a", "oven", "oven-001", "electrical"))
        .isInstanceOf(InvalidTopicException.class).hasMessageContaining("is 65 characters long");
    assertThatThrownBy(() -> TopicPath.telemetry(null, "oven", "oven-001", "electrical"))
        .isInstanceOf(InvalidTopicException.class).hasMessageContaining("factory_id (null): is missing");
    assertThatThrownBy(() -> TopicPath.parse(""))
        .isInstanceOf(InvalidTopicException.class).hasMessageContaining("topic is empty");
  }

  @Test
  void sensorDeviceKnowsItsTopics() {
    SensorDevice device = new SensorDevice("esp32-oven001-elec", "factory-a", "oven", "oven-001", "electrical");

    assertThat(device.telemetryTopic().name()).isEqualTo("openegiz/factory-a/oven/oven-001/electrical/telemetry");
    assertThat(device.statusTopic().name()).isEqualTo("openegiz/factory-a/oven/oven-001/electrical/status");
    assertThat(device.commandTopic().name()).isEqualTo("openegiz/factory-a/oven/oven-001/command");
    assertThatThrownBy(() -> new SensorDevice("esp32+x", "factory-a", "oven", "oven-001", "electrical"))
        .isInstanceOf(InvalidTopicException.class).hasMessageStartingWith("device_id \"esp32+x\"");
  }

  @Test
  void subscriberFiltersMatchThePrd() {
    assertThat(TopicFilters.ALL).isEqualTo("openegiz/#");
    assertThat(TopicFilters.ALL_TELEMETRY).isEqualTo("openegiz/+/+/+/+/telemetry");
    assertThat(TopicFilters.ELECTRICAL_TELEMETRY).isEqualTo("openegiz/+/+/+/electrical/telemetry");
    assertThat(TopicFilters.ALL_STATUS).isEqualTo("openegiz/+/+/+/+/status");
  }
}
