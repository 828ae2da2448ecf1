package io.openegiz.flux.broker.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.broker.security.Authenticator;
import io.openegiz.flux.broker.security.PasswordHash;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing against a broker configured from a file, with real clients over loopback
 * (issue 8, items 5 and 7): parallel guesses are checked at most up to the lockout threshold, a locked
 * username refuses the right password, loopback is counted, a success clears nobody's failures, and
 * an unknown user looks like a wrong password on the wire.
 */
class BruteForceIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path audit;

  private FluxBroker start(Authenticator authenticator, String... extraLines) throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"), passwdLine("egizcore", "core-secret") + "\n"
        + passwdLine("alice", "alice-secret") + "\n");
    audit = dir.resolve("audit.log");
    List<String> lines = new ArrayList<>(List.of("listener 0 127.0.0.1", "allow_anonymous false",
        "password_file " + passwd, "audit_log " + audit, "auth_failure_delay 0",
        // 300 parallel logins from one address: the accept-time cap of unauthenticated connections
        // (ConnectionLimitsIT) would close most before they reach the login limits tested here
        "max_unauthenticated_per_address 0"));
    lines.addAll(List.of(extraLines));
    BrokerConfig config = ConfigParser.parse("flux.conf", lines).config();
    return FluxBroker.builder(config).authenticator(authenticator).build().start();
  }

  private static String passwdLine(String user, String password) {
    return user + ":" + PasswordHash.create(password.getBytes(UTF_8), 101, new SecureRandom()).encoded();
  }

  private static CompletableFuture<Mqtt5ConnAck> login(FluxBroker b, String id, String user, String password) {
    Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port())
        .buildAsync();
    return c.connectWith().simpleAuth().username(user).password(password.getBytes(UTF_8)).applySimpleAuth().send()
        .whenComplete((ack, e) -> {
          if (e == null) {
            c.disconnect();
          }
        });
  }

  /** The CONNACK of a login: its reason code, success included. */
  private static Mqtt5ConnAck connAck(CompletableFuture<Mqtt5ConnAck> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
      if (cause instanceof Mqtt5ConnAckException refused) {
        return refused.getMqttMessage();
      }
      throw new AssertionError(e);
    }
  }

  private static Mqtt5ConnAckReasonCode code(FluxBroker b, String id, String user, String password) {
    return connAck(login(b, id, user, password)).getReasonCode();
  }

  /** The return code of an MQTT 3.1.1 login refused to Paho. */
  private static int paho311Code(FluxBroker b, String user, String password) throws MqttException {
    MqttClient paho = new MqttClient("tcp://127.0.0.1:" + b.port(), "paho-" + user, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setUserName(user);
    o.setPassword(password.toCharArray());
    try {
      return org.assertj.core.api.Assertions.catchThrowableOfType(MqttException.class, () -> paho.connect(o))
          .getReasonCode();
    } finally {
      paho.close();
    }
  }

  /** Sends all guesses at once; those refused as busy are sent again, as an attacker would. */
  private static Map<Mqtt5ConnAckReasonCode, Long> guessInParallel(FluxBroker b, String user, List<String> guesses) {
    List<Mqtt5ConnAckReasonCode> answers = new ArrayList<>();
    ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>(guesses);
    long busy = 0;
    while (!pending.isEmpty()) {
      List<String> round = new ArrayList<>(pending);
      pending.clear();
      List<CompletableFuture<Mqtt5ConnAck>> sent = new ArrayList<>();
      for (int i = 0; i < round.size(); i++) {
        sent.add(login(b, "guess-" + System.nanoTime() + "-" + i, user, round.get(i)));
      }
      for (int i = 0; i < round.size(); i++) {
        Mqtt5ConnAckReasonCode rc = connAck(sent.get(i)).getReasonCode();
        if (rc == Mqtt5ConnAckReasonCode.SERVER_BUSY) {
          busy++;
          pending.add(round.get(i));
        } else {
          answers.add(rc);
        }
      }
    }
    Map<Mqtt5ConnAckReasonCode, Long> counts = answers.stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    counts.put(Mqtt5ConnAckReasonCode.SERVER_BUSY, busy);
    return counts;
  }

  private static List<String> wrongGuesses(int n) {
    List<String> guesses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      guesses.add("guess-" + i);
    }
    return guesses;
  }

  private long auditLines(String fragment) throws Exception {
    return Files.exists(audit) ? Files.readString(audit).lines().filter(l -> l.contains(fragment)).count() : 0;
  }

  @Test
  void threeHundredParallelGuessesAreCheckedOnlyUpToTheThresholdAndTheRightPasswordIsThenRefused() throws Exception {
    try (FluxBroker b = start(null)) {
      Map<Mqtt5ConnAckReasonCode, Long> first = guessInParallel(b, "egizcore", wrongGuesses(300));
      // 10 failures (the default) lock the username: no more than 10 guesses were ever checked.
      assertThat(first.get(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD)).isEqualTo(10);
      assertThat(first.get(Mqtt5ConnAckReasonCode.BANNED)).isEqualTo(290);

      // Another 300 in parallel, the right password among them: every one is refused unchecked.
      List<String> again = wrongGuesses(299);
      again.add(150, "core-secret");
      Map<Mqtt5ConnAckReasonCode, Long> second = guessInParallel(b, "egizcore", again);
      assertThat(second).containsEntry(Mqtt5ConnAckReasonCode.BANNED, 300L)
          .doesNotContainKey(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(code(b, "core", "egizcore", "core-secret")).isEqualTo(Mqtt5ConnAckReasonCode.BANNED);

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(auditLines("wrong password for user")).isEqualTo(10);
        assertThat(auditLines("locked")).isEqualTo(591);
      });
      // Another user from the same address is not locked by egizcore's lock (50 per address).
      assertThat(code(b, "alice-1", "alice", "alice-secret")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }
  }

  @Test
  void parallelGuessesFromManyAddressesAreCheckedOnlyUpToTheUsernameThreshold() throws Exception {
    // An attacker with many addresses (an IPv6 /64, a botnet): here 40 loopback addresses, one guess
    // each, so neither the per-address pending cap nor the per-address lock ever applies.
    try (FluxBroker b = start(null)) {
      List<String> answers = new ArrayList<>();
      ConcurrentLinkedQueue<Integer> pending = new ConcurrentLinkedQueue<>();
      for (int i = 0; i < 40; i++) {
        pending.add(i);
      }
      while (!pending.isEmpty()) {
        List<Integer> round = new ArrayList<>(pending);
        pending.clear();
        List<CompletableFuture<Mqtt5ConnAck>> sent = new ArrayList<>();
        for (int i : round) {
          Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("from-" + i).serverHost("127.0.0.1")
              .serverPort(b.port()).transportConfig().localAddress(new InetSocketAddress("127.0.0." + (2 + i), 0))
              .applyTransportConfig().buildAsync();
          sent.add(c.connectWith().simpleAuth().username("egizcore").password(("guess-" + i).getBytes(UTF_8))
              .applySimpleAuth().send());
        }
        for (int i = 0; i < round.size(); i++) {
          Mqtt5ConnAckReasonCode rc = connAck(sent.get(i)).getReasonCode();
          if (rc == Mqtt5ConnAckReasonCode.SERVER_BUSY) {
            pending.add(round.get(i)); // sent again, as an attacker would
          } else {
            answers.add(rc.name());
          }
        }
      }
      assertThat(answers.stream().filter(a -> a.equals("BAD_USER_NAME_OR_PASSWORD")).count()).isEqualTo(10);
      assertThat(answers.stream().filter(a -> a.equals("BANNED")).count()).isEqualTo(30);
    }
  }

  @Test
  void aLockedUsernameRefusesTheRightPasswordAndASuccessClearsNoFailures() throws Exception {
    try (FluxBroker b = start(null, "auth_lockout_failures 3")) {
      assertThat(code(b, "a1", "alice", "wrong-1")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(code(b, "a2", "alice", "wrong-2")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      // The owner logs in meanwhile: that clears neither the attacker's count nor the address.
      assertThat(code(b, "owner", "alice", "alice-secret")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(code(b, "a3", "alice", "wrong-3")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(code(b, "owner", "alice", "alice-secret")).isEqualTo(Mqtt5ConnAckReasonCode.BANNED);

      // MQTT 3.1.1 (Paho): a locked username gets return code 5, not authorized.
      assertThat(paho311Code(b, "alice", "alice-secret")).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED)
          .isEqualTo(5);
    }
  }

  @Test
  void loopbackIsCountedPerAddressUnlessExempted() throws Exception {
    String[] lines = {"auth_lockout_failures 0", "auth_lockout_failures_per_address 4"};
    try (FluxBroker b = start(null, lines)) {
      for (int i = 0; i < 4; i++) {
        assertThat(code(b, "u" + i, "user-" + i, "x")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      }
      assertThat(code(b, "core", "egizcore", "core-secret")).isEqualTo(Mqtt5ConnAckReasonCode.BANNED);
    }
    String[] exempt = {lines[0], lines[1], "auth_exempt_loopback true"};
    try (FluxBroker b = start(null, exempt)) {
      for (int i = 0; i < 4; i++) {
        assertThat(code(b, "u" + i, "user-" + i, "x")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      }
      assertThat(code(b, "core", "egizcore", "core-secret")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }
  }

  @Test
  void atMostEightLoginsPerAddressAreCheckedAtOnceTheRestAreBusy() throws Exception {
    CompletableFuture<Authenticator.Result> gate = new CompletableFuture<>();
    List<String> checked = java.util.Collections.synchronizedList(new ArrayList<>());
    Authenticator slow = creds -> {
      checked.add(creds.clientId());
      return gate;
    };
    try (FluxBroker b = start(slow)) {
      List<CompletableFuture<Mqtt5ConnAck>> sent = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        sent.add(login(b, "p" + i, "user-" + i, "x"));
      }
      // 8 wait in the check; every other one is answered at once.
      await().atMost(WAIT).until(() -> sent.stream().filter(CompletableFuture::isDone).count() == 292);
      long busy = sent.stream().filter(CompletableFuture::isDone)
          .filter(f -> connAck(f).getReasonCode() == Mqtt5ConnAckReasonCode.SERVER_BUSY).count();
      assertThat(checked).hasSize(8);
      assertThat(busy).isEqualTo(292);
      // MQTT 3.1.1 (Paho): return code 3, server unavailable
      assertThat(paho311Code(b, "bob", "x")).isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE).isEqualTo(3);
      gate.complete(Authenticator.Result.allow());
      await().atMost(WAIT).until(() -> sent.stream().allMatch(CompletableFuture::isDone));
    }
  }

  @Test
  void anUnknownUserAndAWrongPasswordGetTheSameConnAckButDifferentAuditLines() throws Exception {
    try (FluxBroker b = start(null)) {
      Mqtt5ConnAck unknown = connAck(login(b, "probe", "nosuch", "x"));
      Mqtt5ConnAck wrong = connAck(login(b, "probe", "egizcore", "x"));
      assertThat(unknown.getReasonCode()).isEqualTo(wrong.getReasonCode())
          .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(unknown.getReasonString()).isEqualTo(wrong.getReasonString());
      assertThat(unknown.getReasonString().map(Object::toString).orElse(""))
          .doesNotContain("nosuch", "egizcore", "unknown", "wrong");
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(auditLines("unknown user \\\"nosuch\\\"")).isEqualTo(1);
        assertThat(auditLines("wrong password for user \\\"egizcore\\\"")).isEqualTo(1);
      });
    }
  }
}
