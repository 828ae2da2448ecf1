package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.session.SessionPersistence;
import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** A full disk is told by the failure's type, never by its text. */
class DiskFullExceptionTest {

  @Test
  void aFullDiskIsFoundAnywhereInTheCauseChain() {
    DiskFullException full = new DiskFullException("/var/lib/flux", "No space left on device", null);
    StoreUnavailableException refusal = new StoreUnavailableException("store unavailable: " + full.getMessage(),
        full);
    assertThat(full).isInstanceOf(FileSystemException.class);
    assertThat(DiskFullException.in(full)).isTrue();
    assertThat(SessionPersistence.diskFull(refusal)).isTrue();
  }

  @Test
  void otherFailuresAreNotAFullDiskWhateverTheirTextSays() {
    IOException saysNoSpace = new IOException("No space left on device");
    assertThat(SessionPersistence.diskFull(new StoreUnavailableException("store unavailable: No space left on"
        + " device", saysNoSpace))).isFalse();
    assertThat(SessionPersistence.diskFull(new IOException("Input/output error"))).isFalse();
    assertThat(SessionPersistence.diskFull(null)).isFalse();
  }
}
