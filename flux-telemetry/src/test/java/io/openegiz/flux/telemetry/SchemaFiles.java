package io.openegiz.flux.telemetry;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bundled schema files run straight through the networknt validator, bypassing {@link Payloads}, so the
 * tests judge the files themselves, as a user of another language would load them.
 */
final class SchemaFiles {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private SchemaFiles() {
  }

  static List<Error> validate(String schemaFile, String json) {
    Schema schema = REGISTRY.getSchema(resource("/schemas/" + schemaFile), InputFormat.JSON);
    return schema.validate(json, InputFormat.JSON);
  }

  static String resource(String name) {
    try (InputStream in = SchemaFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException(name + " is not on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
