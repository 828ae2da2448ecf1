package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.archiver.ArchiverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ArchiveCommandTest {
  @TempDir
  Path tmp;

  @Test
  void optionsOverrideTheFileAndTopicsReplaceItsTopics() throws Exception {
    Path file = tmp.resolve("archiver.conf");
    Files.writeString(file, "influx_url http://db:8086\ndb from_file\ndead_letter /var/lib/flux/dl\n"
        + "topic openegiz/+/+/+/+/status\nclient_id from-file\n");
    ArchiveCommand command = new ArchiveCommand();
    new CommandLine(command).parseArgs("-c", file.toString(), "--db", "from_option", "--topic",
        "openegiz/+/+/+/+/telemetry", "--broker", "ssl://broker:8883", "--cafile", file.toString());

    ArchiverConfig config = ArchiverConfig.parse(command.settings());

    assertThat(config.db()).isEqualTo("from_option");
    assertThat(config.clientId()).isEqualTo("from-file");
    assertThat(config.topics()).containsExactly("openegiz/+/+/+/+/telemetry");
    assertThat(config.broker().toString()).isEqualTo("ssl://broker:8883");
    assertThat(config.cafile()).isEqualTo(file);
  }

  @Test
  void badSettingsStopTheStartWithExitCodeTwo() throws Exception {
    Path file = tmp.resolve("archiver.conf");
    Files.writeString(file, "batch_size -1\n");

    assertThat(new CommandLine(new FluxCommand()).execute("archive", "-c", file.toString())).isEqualTo(2);
  }
}
