package io.openegiz.flux.cli;

import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.security.AclFile;
import io.openegiz.flux.broker.security.ServiceNames;
import io.openegiz.flux.fleet.sim.DeviceAcl;
import io.openegiz.flux.fleet.sim.ResponseTopics;
import io.openegiz.flux.telemetry.InvalidTopicException;
import io.openegiz.flux.telemetry.SensorDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flux acl}: the per-device sections of an acl_file that bind each device to its own topics. */
@Command(name = "acl", mixinStandardHelpOptions = true,
    description = {"Edits a Mosquitto-style acl_file. See docs/security.md, \"The OpenEgiz ACL\"."},
    subcommands = {AclCommand.Device.class})
final class AclCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand; accepted: device");
  }

  /** Reads and parses an ACL file; its errors, one per line, become one exception of the caller's kind. */
  static <E extends Exception> AclFile load(Path file, Function<String, E> error) throws E {
    try {
      return AclFile.load(file);
    } catch (ConfigException e) {
      throw error.apply(String.join("\n", e.errors()));
    }
  }

  /** A refusal: the message says what was wrong and what is accepted. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  @Command(name = "device", mixinStandardHelpOptions = true,
      customSynopsis = {"flux acl device [--force] --factory ID --type TYPE --equipment ID --sensor TYPE",
          "                aclfile device_id"},
      description = {"Appends the section of one device to aclfile (\"-\": prints it). The device",
          "writes only openegiz/FACTORY/TYPE/EQUIPMENT/SENSOR/telemetry, .../status and",
          ".../response and reads only openegiz/FACTORY/TYPE/EQUIPMENT/command, with no",
          "wildcard: the tight variant of FR-3 (start from acl-tight.conf in",
          "deploy/mosquitto-style). The file is replaced atomically; a running broker",
          "reloads it. Refused: a device_id that already has a section and, unless",
          "--force, the name of a service user (egizcore, archiver, ml-service,",
          "monitoring, telegraf, grafana, prometheus, or a user whose section in",
          "aclfile reaches equipment it does not name)."})
  static final class Device implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--factory", required = true, paramLabel = "ID", description = "factory_id, e.g. factory-01.")
    String factory;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "equipment_type, e.g. oven.")
    String type;

    @Option(names = "--equipment", required = true, paramLabel = "ID", description = "equipment_id, e.g. oven-001.")
    String equipment;

    @Option(names = "--sensor", required = true, paramLabel = "TYPE",
        description = "sensor_type, e.g. electrical, thermal, ambient.")
    String sensor;

    @Option(names = "--force", description = "Accept a device_id that is a service user's name.")
    boolean force;

    @Parameters(index = "0", paramLabel = "aclfile", description = "The acl_file to append to, or - to print.")
    Path file;

    @Parameters(index = "1", paramLabel = "device_id", description = "Its username or certificate CN.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        SensorDevice device = device();
        List<String> section = DeviceAcl.section(device);
        if (file.toString().equals("-")) {
          section.forEach(out::println);
        } else {
          append(section);
          out.printf("added %s to %s: writes %s, %s and %s; reads %s%n", id, file, device.telemetryTopic(),
              device.statusTopic(), ResponseTopics.of(device), device.commandTopic());
        }
        return 0;
      } catch (Refused e) {
        spec.commandLine().getErr().println("flux acl device: " + e.getMessage());
        return 1;
      }
    }

    private SensorDevice device() throws Refused {
      try {
        return new SensorDevice(id, factory, type, equipment, sensor);
      } catch (InvalidTopicException e) {
        throw new Refused(e.getMessage());
      }
    }

    private void append(List<String> section) throws Refused {
      if (!Files.isRegularFile(file)) {
        throw new Refused(file + ": no such file; accepted: an existing acl_file (start from a copy of"
            + " deploy/mosquitto-style/acl-tight.conf), or - to print the section");
      }
      AclFile current = load(file, m -> new Refused(file + " has errors; fix them first:\n" + m));
      String collision = force ? null : ServiceNames.collision(id, current);
      if (collision != null) {
        throw new Refused(collision + "; or --force if it really is a device");
      }
      if (current.users().contains(id)) {
        throw new Refused(file + " already has a section for " + id + "; accepted: a device_id without one"
            + " (remove or edit the existing section by hand: sections of one user add up)");
      }
      try {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        if (!lines.isEmpty() && !lines.getLast().isBlank()) {
          lines.add("");
        }
        lines.addAll(section);
        AclFile.parse(file.toString(), lines); // what is written must load
        TextFiles.replace(file, lines, false);
      } catch (IOException e) {
        throw new Refused(file + ": cannot rewrite: " + e.getMessage());
      } catch (ConfigException e) {
        throw new Refused("the new section does not parse (a bug): " + String.join("; ", e.errors()));
      }
    }
  }
}
