package io.openegiz.flux.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flux} command: wiring only, every subcommand delegates to a module. */
@Command(name = "flux", mixinStandardHelpOptions = true, versionProvider = FluxCommand.Version.class,
    description = {"Flux: the edge data platform of OpenEgiz (MQTT broker, archiver, simulated fleet).",
        "`flux up` runs the whole edge stack in one process."},
    subcommands = {UpCommand.class, BrokerCommand.class, ArchiveCommand.class, FleetCommand.class, BenchCommand.class,
        PasswdCommand.class, CertsCommand.class, AclCommand.class, OtaCommand.class, CommandLine.HelpCommand.class})
public final class FluxCommand {

  public static void main(String[] args) {
    System.exit(new CommandLine(new FluxCommand()).execute(args));
  }

  /** Reads the version Maven wrote into the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FluxCommand.class.getPackage().getImplementationVersion();
      return new String[] {"flux " + (v == null ? "development build" : v)};
    }
  }
}
