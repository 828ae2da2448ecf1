package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceNamesTest {
  private static Path shipped(String name) {
    Path p = Path.of("deploy/mosquitto-style", name);
    return Files.exists(p) ? p : Path.of("..").resolve(p);
  }

  @Test
  void theShippedFilesHaveThreeServicesAndNoDeviceIsOne() throws Exception {
    for (String file : List.of("acl.conf", "acl-tight.conf")) {
      assertThat(ServiceNames.of(AclFile.load(shipped(file)))).as(file)
          .containsExactly("archiver", "egizcore", "ml-service");
    }
  }

  @Test
  void aSectionReachingEquipmentItDoesNotNameIsAService() throws Exception {
    AclFile acl = AclFile.parse("acl.conf", List.of(
        "user dashboard", "topic read openegiz/factory-a/+/+/+/status",
        "user all", "topic read #",
        "user ovens", "topic write openegiz/factory-a/oven/#",
        "user device", "topic write openegiz/+/+/oven-001/electrical/telemetry", "topic deny openegiz/#",
        "user lab", "topic readwrite lab/#",
        "pattern write openegiz/+/+/+/%u/telemetry"));
    assertThat(ServiceNames.of(acl)).containsExactly("all", "dashboard", "ovens");
    assertThat(ServiceNames.collision("device", acl)).isNull();
    assertThat(ServiceNames.collision("dashboard", acl))
        .startsWith("device id \"dashboard\" is a service user in acl.conf");
    assertThat(ServiceNames.collision("egizcore", null)).contains("is a service user of the shipped setup");
  }
}
