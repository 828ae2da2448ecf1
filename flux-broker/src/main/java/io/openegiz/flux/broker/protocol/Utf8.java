package io.openegiz.flux.broker.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 checks for payloads that claim to be UTF-8 (payload format indicator 1). */
public final class Utf8 {
  private Utf8() {}

  /** True when the bytes are well-formed UTF-8 without U+0000 [MQTT-3.3.2-4]. */
  public static boolean isWellFormed(byte[] bytes) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      return s.indexOf('\0') < 0;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
