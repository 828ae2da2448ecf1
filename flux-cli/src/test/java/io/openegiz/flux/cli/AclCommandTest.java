package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.security.AclFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flux acl device} writes the sections of the shipped tight ACL and refuses what it should. */
class AclCommandTest {
  /** The comment line after which acl-tight.conf holds only what flux acl device wrote. */
  private static final String DEVICES_MARKER = "-- ESP32 sensors (flux acl device)";

  @TempDir
  Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int acl(String... args) {
    CommandLine cl = new CommandLine(new FluxCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("acl", "device"));
    all.addAll(List.of(args));
    return cl.execute(all.toArray(String[]::new));
  }

  private static Path shipped(String name) {
    Path p = Path.of("deploy/mosquitto-style", name);
    return Files.exists(p) ? p : Path.of("..").resolve(p); // surefire runs in flux-cli/
  }

  /** The shipped tight ACL up to its device sections: what an operator starts from. */
  private Path servicesOnly() throws Exception {
    List<String> lines = Files.readAllLines(shipped("acl-tight.conf"));
    int marker = 0;
    while (!lines.get(marker).endsWith(DEVICES_MARKER)) {
      marker++;
    }
    return Files.write(dir.resolve("acl.conf"), lines.subList(0, marker + 1));
  }

  @Test
  void theGeneratorWritesExactlyTheShippedTightAcl() throws Exception {
    Path file = servicesOnly();
    String[][] devices = {{"factory-a", "oven", "oven-001", "electrical", "esp32-oven001-elec"},
        {"factory-a", "oven", "oven-001", "thermal", "esp32-oven001-therm"},
        {"factory-a", "mixer", "mixer-001", "electrical", "esp32-mixer001-elec"},
        {"factory-a", "environment", "zone-a", "ambient", "esp32-zonea-env"}};
    for (String[] d : devices) {
      assertThat(acl("--factory", d[0], "--type", d[1], "--equipment", d[2], "--sensor", d[3], file.toString(), d[4]))
          .as(err.toString()).isZero();
    }
    assertThat(Files.readString(file)).isEqualTo(Files.readString(shipped("acl-tight.conf")));
    assertThat(AclFile.load(file).users()).contains("esp32-zonea-env", "egizcore");
    assertThat(out.toString()).contains("added esp32-oven001-elec to " + file + ": writes"
        + " openegiz/factory-a/oven/oven-001/electrical/telemetry, openegiz/factory-a/oven/oven-001/electrical/status"
        + " and openegiz/factory-a/oven/oven-001/electrical/response; reads openegiz/factory-a/oven/oven-001/command");
  }

  @Test
  void dashPrintsTheSectionOnly() {
    assertThat(acl("--factory", "factory-01", "--type", "oven", "--equipment", "oven-001", "--sensor", "electrical",
        "-", "esp32-oven001-elec")).isZero();
    assertThat(out.toString().lines()).containsExactly(
        "# esp32-oven001-elec: electrical sensor of oven oven-001 in factory-01 (flux acl device)",
        "user esp32-oven001-elec",
        "topic write openegiz/factory-01/oven/oven-001/electrical/telemetry",
        "topic write openegiz/factory-01/oven/oven-001/electrical/status",
        "topic write openegiz/factory-01/oven/oven-001/electrical/response",
        "topic read openegiz/factory-01/oven/oven-001/command");
  }

  @Test
  void refusesBadLevelsMissingFilesAndDuplicateSections() throws Exception {
    Path file = servicesOnly();
    String before = Files.readString(file);
    assertThat(acl("--factory", "+", "--type", "oven", "--equipment", "oven-001", "--sensor", "electrical",
        file.toString(), "esp32-x")).isEqualTo(1);
    assertThat(err.toString()).contains("flux acl device: factory_id \"+\": contains '+'; a level is 1 to 64");
    assertThat(acl("--factory", "f", "--type", "oven", "--equipment", "oven-001", "--sensor", "electrical",
        dir.resolve("nothing.conf").toString(), "esp32-x")).isEqualTo(1);
    assertThat(err.toString()).contains("nothing.conf: no such file; accepted: an existing acl_file");
    assertThat(Files.readString(file)).isEqualTo(before);

    String[] oven = {"--factory", "f", "--type", "oven", "--equipment", "oven-001", "--sensor", "electrical"};
    assertThat(acl(concat(oven, file.toString(), "esp32-oven001-elec"))).isZero();
    assertThat(acl(concat(oven, file.toString(), "esp32-oven001-elec"))).isEqualTo(1);
    assertThat(err.toString())
        .contains("already has a section for esp32-oven001-elec; accepted: a device_id without one");
  }

  @Test
  void refusesServiceNamesUnlessForced() throws Exception {
    Path file = servicesOnly();
    Files.writeString(file, "user dashboard\ntopic read openegiz/+/+/+/+/status\n",
        java.nio.file.StandardOpenOption.APPEND);
    String[] oven = {"--factory", "f", "--type", "oven", "--equipment", "oven-001", "--sensor", "electrical"};
    String before = Files.readString(file);
    assertThat(acl(concat(oven, file.toString(), "grafana"))).isEqualTo(1);
    assertThat(err.toString()).contains("device id \"grafana\" is a service user of the shipped setup; a device with"
        + " this certificate CN or username would log in with that service's rights; accepted: any other device id"
        + " (reserved: archiver, egizcore, grafana, ml-service, monitoring, prometheus, telegraf); or --force");
    assertThat(acl(concat(oven, file.toString(), "dashboard"))).isEqualTo(1);
    assertThat(err.toString()).contains("device id \"dashboard\" is a service user in " + file);
    assertThat(Files.readString(file)).isEqualTo(before);

    assertThat(acl(concat(concat(new String[] {"--force"}, oven), file.toString(), "grafana"))).isZero();
    assertThat(Files.readString(file))
        .contains("user grafana\ntopic write openegiz/f/oven/oven-001/electrical/telemetry");
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
