package io.openegiz.flux.broker;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the broker's package layering as docs/architecture.md draws it: no cycle between any two
 * packages, and every dependency pointing down (transport and http, side by side at the top → protocol
 * → session → routing → message;
 * store and security beside, used from above, using only message and config; config and metrics
 * leaves; {@code sys}, the $SYS tree, reads sessions, routing, store and metrics and is used by the root
 * only; status, the status page, sees routed messages through routing's tap, reads metrics and answers
 * through http's helpers; the root package, {@link FluxBroker}, assembles everything and is used by
 * nothing). A class
 * in a package no layer names fails too, so that a new package is placed on purpose.
 */
@AnalyzeClasses(packages = "io.openegiz.flux.broker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "Broker";
  private static final String TRANSPORT = "Transport";
  private static final String HTTP = "Http";
  private static final String PROTOCOL = "Protocol";
  private static final String SESSION = "Session";
  private static final String ROUTING = "Routing";
  private static final String MESSAGE = "Message";
  private static final String STORE = "Store";
  private static final String SECURITY = "Security";
  private static final String CONFIG = "Config";
  private static final String METRICS = "Metrics";
  private static final String SYS = "Sys";
  private static final String STATUS = "Status";

  /** Every package is a slice of its own (the root package too): none may depend on another in a cycle. */
  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.openegiz.flux.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule layersPointDown = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer(ROOT).definedBy("io.openegiz.flux.broker")
      .layer(TRANSPORT).definedBy("io.openegiz.flux.broker.transport..")
      .layer(HTTP).definedBy("io.openegiz.flux.broker.http..")
      .layer(PROTOCOL).definedBy("io.openegiz.flux.broker.protocol..")
      .layer(SESSION).definedBy("io.openegiz.flux.broker.session..")
      .layer(ROUTING).definedBy("io.openegiz.flux.broker.routing..")
      .layer(MESSAGE).definedBy("io.openegiz.flux.broker.message..")
      .layer(STORE).definedBy("io.openegiz.flux.broker.store..")
      .layer(SECURITY).definedBy("io.openegiz.flux.broker.security..")
      .layer(CONFIG).definedBy("io.openegiz.flux.broker.config..")
      .layer(METRICS).definedBy("io.openegiz.flux.broker.metrics..")
      .layer(SYS).definedBy("io.openegiz.flux.broker.sys..")
      .layer(STATUS).definedBy("io.openegiz.flux.broker.status..")
      .ensureAllClassesAreContainedInArchitecture()
      .whereLayer(ROOT).mayNotBeAccessedByAnyLayer()
      .whereLayer(SYS).mayOnlyBeAccessedByLayers(ROOT)
      .whereLayer(SYS).mayOnlyAccessLayers(SESSION, ROUTING, MESSAGE, STORE, CONFIG, METRICS)
      .whereLayer(TRANSPORT).mayOnlyAccessLayers(PROTOCOL, SESSION, ROUTING, MESSAGE, STORE, SECURITY, CONFIG, METRICS)
      .whereLayer(HTTP).mayOnlyAccessLayers(PROTOCOL, SESSION, ROUTING, MESSAGE, STORE, SECURITY, CONFIG, METRICS)
      .whereLayer(PROTOCOL).mayOnlyAccessLayers(SESSION, ROUTING, MESSAGE, STORE, SECURITY, CONFIG, METRICS)
      .whereLayer(SESSION).mayOnlyAccessLayers(ROUTING, MESSAGE, STORE, SECURITY, CONFIG, METRICS)
      .whereLayer(ROUTING).mayOnlyAccessLayers(MESSAGE, STORE, SECURITY, CONFIG, METRICS)
      .whereLayer(STORE).mayOnlyAccessLayers(MESSAGE, CONFIG, METRICS)
      .whereLayer(SECURITY).mayOnlyAccessLayers(MESSAGE, CONFIG, METRICS)
      .whereLayer(STATUS).mayOnlyAccessLayers(HTTP, ROUTING, MESSAGE, CONFIG, METRICS)
      .whereLayer(MESSAGE).mayNotAccessAnyLayer()
      .whereLayer(CONFIG).mayNotAccessAnyLayer()
      .whereLayer(METRICS).mayNotAccessAnyLayer();
}
