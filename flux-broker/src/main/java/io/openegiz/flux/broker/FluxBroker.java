package io.openegiz.flux.broker;

import java.util.concurrent.ConcurrentHashMap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.openegiz.flux.broker.protocol.MqttConnectionHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.http.Health;
import io.openegiz.flux.broker.http.HealthHandler;
import io.openegiz.flux.broker.http.HttpListener;
import io.openegiz.flux.broker.http.BrokerCollectors;
import io.openegiz.flux.broker.http.MetricsHandler;
import io.openegiz.flux.broker.http.Responses;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.openegiz.flux.broker.config.SecurityConfig;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.broker.routing.RetainedQuota;
import io.openegiz.flux.broker.security.PublishBuckets;
import io.openegiz.flux.broker.session.PersistentSessionQuota;
import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.routing.RouteTap;
import io.openegiz.flux.broker.metrics.TopicRates;
import io.openegiz.flux.broker.config.TopicMetrics;
import io.openegiz.flux.broker.routing.Router;
import io.openegiz.flux.broker.status.FleetView;
import io.openegiz.flux.broker.status.StatusFeed;
import io.openegiz.flux.broker.status.StatusPage;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import io.openegiz.flux.broker.security.Authenticator;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.SecurityServices;
import io.openegiz.flux.broker.session.DurableSessionPersistence;
import io.openegiz.flux.broker.session.SessionLimits;
import io.openegiz.flux.broker.session.SessionPersistence;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.session.SessionRecovery;
import io.openegiz.flux.broker.session.Session;
import io.openegiz.flux.broker.session.SessionRegistry;
import io.openegiz.flux.broker.routing.DurableRetainedStore;
import io.openegiz.flux.broker.store.DurableStore;
import io.openegiz.flux.broker.routing.InMemoryRetainedStore;
import io.openegiz.flux.broker.store.RecoveredState;
import io.openegiz.flux.broker.store.StoreFormatException;
import io.openegiz.flux.broker.store.StoreOptions;
import io.openegiz.flux.broker.routing.RetainedStore;
import io.openegiz.flux.broker.security.ConnectionCaps;
import io.openegiz.flux.broker.transport.AcceptGuard;
import io.openegiz.flux.broker.transport.DescriptorBudget;
import io.openegiz.flux.broker.transport.MqttChannelInitializer;
import io.openegiz.flux.broker.sys.SysSources;
import io.openegiz.flux.broker.sys.SysTree;
import java.util.Map;
import java.util.function.Supplier;
import io.openegiz.flux.broker.transport.TlsContextLoader;
import io.openegiz.flux.broker.transport.TlsMaterial;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.openegiz.flux.broker.protocol.BrokerContext;
import io.openegiz.flux.broker.protocol.BrokerQuotas;

/**
 * The broker as a library: build it, {@link #start()} it, {@link #close()} it. Start and stop are
 * idempotent. The CLI, the other modules and the tests all run the broker through this class.
 */
public final class FluxBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FluxBroker.class);

  private final BrokerConfig config;
  private final CountingMetrics metrics;
  private final Supplier<Map<String, String>> sysFigures;
  private SysTree sys;
  private final Authenticator givenAuthenticator;
  private final Authorizer givenAuthorizer;
  private RetainedStore retained;
  private volatile DurableStore store;
  private final Clock clock;
  private final int workerThreads;
  private final List<Channel> serverChannels = new ArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup("flux-connections", GlobalEventExecutor.INSTANCE);
  private final List<InetSocketAddress> boundAddresses = new ArrayList<>();
  private final List<TlsMaterial> tlsMaterials = new ArrayList<>();
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ScheduledExecutorService scheduler;
  private BrokerContext context;
  private DescriptorBudget descriptors;
  private SecurityServices security;
  /** The status page's fleet view, fed by the router unless status_max_devices is 0; null without http_listener. */
  private final FleetView fleet;
  private StatusFeed statusFeed;
  private final HttpListener http;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  /** TLS listeners by name, for their certificates' expiry on /metrics. */
  private final Map<String, TlsConfig> tlsListeners = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean stopped;
  private volatile int listenersBound;

  private FluxBroker(Builder b) {
    this.config = b.config;
    this.givenAuthenticator = b.authenticator;
    this.givenAuthorizer = b.authorizer;
    this.retained = b.retained; // null: in memory, or durable with persistence true (chosen at start)
    this.clock = b.clock;
    this.workerThreads = b.workerThreads;
    this.sysFigures = b.sysFigures;
    this.metrics = config.http().enabled()
        ? new CountingMetrics(topicRates(config.http().topics()), true)
        : new CountingMetrics();
    this.http = config.http().enabled() ? new HttpListener(config.http(), clock) : null;
    if (http != null) {
      http.route(HealthHandler.PATH, new HealthHandler(this::health));
    }
    this.fleet = http != null ? new FleetView(config.statusMaxDevices(), clock) : null;
  }

  /**
   * The broker-wide services a connection works with, over the given collaborators: what
   * {@link #start()} assembles, and what a test of one connection (an {@code EmbeddedChannel}) uses
   * without binding anything. Recovered state is restored by the caller.
   *
   * @param persistence where sessions are written ({@link SessionPersistence#NONE}: persistence false)
   */
  public static BrokerContext context(BrokerConfig config, SecurityServices security, RetainedStore retained,
      BrokerMetrics metrics, Clock clock, ScheduledExecutorService scheduler, SessionPersistence persistence) {
    return context(config, security, retained, metrics, clock, scheduler, persistence, RouteTap.NONE);
  }

  /** As above, with {@code tap} shown every message routed (the status page's fleet view). */
  public static BrokerContext context(BrokerConfig config, SecurityServices security, RetainedStore retained,
      BrokerMetrics metrics, Clock clock, ScheduledExecutorService scheduler, SessionPersistence persistence,
      RouteTap tap) {
    SubscriptionTree tree = new SubscriptionTree();
    WillGate wills = new WillGate(security.authorizer(), config.security(), security.audit(), metrics, clock);
    SessionRegistry sessions = new SessionRegistry(tree,
        new SessionLimits(config.maxQueuedMessages(), config.maxQueuedBytes()), metrics, clock, scheduler,
        wills, security.authorizer(), config.sessionOwnership());
    Router router = new Router(tree, retained, sessions, tap);
    SecurityConfig.RetainedTotals totals = config.security().retainedTotals();
    BrokerQuotas quotas = new BrokerQuotas(new RetainedQuota(totals.maxMessages(), totals.maxBytes()),
        new PersistentSessionQuota(sessions), new PublishBuckets());
    wills.bind(router, quotas.retained()); // before any will can fall due: recovery, connections
    sessions.persistence(persistence);
    return new BrokerContext(config, sessions, tree, router, security, metrics, clock, scheduler, quotas,
        new ConnectionCaps(config.connectionLimits(), config.security().logins().exemptLoopback()));
  }

  public static Builder builder(BrokerConfig config) {
    return new Builder(config);
  }

  /** Binds every listener; fails (and releases what it bound) if one cannot be bound. */
  public synchronized FluxBroker start() {
    if (started) {
      return this;
    }
    started = true;
    // First: a security file that cannot be used stops start-up before anything is bound.
    security = SecurityServices.create(config.security(), config.allowAnonymous(), givenAuthenticator,
        givenAuthorizer, clock, metrics::auditEventDropped);
    // Then the store: one that cannot be read stops start-up before anything is bound, never wiped.
    RecoveredState recovered;
    try {
      recovered = config.persistence() ? openStore() : null;
    } catch (IllegalStateException e) {
      close();
      throw e;
    }
    if (retained == null) {
      retained = store != null ? new DurableRetainedStore(store, recovered.retained()) : new InMemoryRetainedStore();
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    boss = new MultiThreadIoEventLoopGroup(1, io);
    workers = new MultiThreadIoEventLoopGroup(workerThreads > 0 ? workerThreads : config.eventLoops(), io);
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flux-timers");
      t.setDaemon(true);
      return t;
    });
    DurableSessionPersistence persistence = store == null ? null : new DurableSessionPersistence(store);
    context = context(config, security, retained, metrics, clock, scheduler,
        persistence == null ? SessionPersistence.NONE : persistence, routeTap());
    if (http != null) {
      serveStatusPage();
    }
    if (persistence != null) {
      // The store does not record who set a retained message, so recovered ones count against
      // RetainedQuota.RESTORED: in the totals, not against any identity (docs/decisions.md).
      recovered.retained().forEach(context.quotas().retained()::restored);
      SessionRecovery.restore(recovered, context.sessions(), persistence, clock);
      context.quotas().persistentSessions().seed(context.sessions().all());
    }
    if (http != null) {
      exportMetrics();
    }
    descriptors = DescriptorBudget.measure(); // after the event loops and the store took theirs
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      for (ListenerConfig l : config.listeners()) {
        bind(l, channelType);
      }
      if (http != null) {
        http.start();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    startSys();
    long every = FILE_CHECK.toMillis();
    scheduler.scheduleWithFixedDelay(this::reloadChangedFiles, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The $SYS tree, once the listeners are bound: its first figures describe the broker as it serves. */
  private void startSys() {
    SysSources sources = new SysSources(metrics, context.sessions(), context.subscriptions(), retained,
        context.quotas().retained(),
        new SysSources.Packets(metrics::packetsReceived, metrics::packetsSent, metrics::connects,
            metrics::sockets),
        store == null ? null : store.stats(), store == null ? null : config.persistenceLocation(), sysFigures);
    String v = FluxBroker.class.getPackage().getImplementationVersion();
    sys = SysTree.start(config.sysInterval(), sources, context.router(), clock,
        "flux version " + (v == null ? "development build" : v), scheduler);
  }

  private static TopicRates topicRates(TopicMetrics t) {
    return new TopicRates(t.filters().stream().map(f -> new TopicRates.NamedFilter(f.name(), f.filter())).toList(),
        t.hierarchy(), t.maxSeries());
  }

  private void exportMetrics() {
    String version = FluxBroker.class.getPackage().getImplementationVersion();
    BrokerCollectors.register(registry, version == null ? "development" : version, metrics, context,
        store == null ? null : store.stats(), config.persistenceLocation(), tlsListeners);
    JvmMetrics.builder().register(registry);
    http.route(MetricsHandler.PATH, new MetricsHandler(registry));
  }

  /**
   * The status page shows every device's topic levels, ids and state: off loopback it is served only behind the
   * endpoint's credentials (issue 10). Without them its paths answer 403 saying what to set; /metrics and /health
   * stay, for a Prometheus and a health check that hold no credentials.
   */
  private void serveStatusPage() {
    HttpConfig endpoint = config.http();
    if (!endpoint.authenticated() && !endpoint.loopbackOnly()) {
      String why = "the status page is not served: http_listener " + endpoint.bindAddress() + " is not loopback"
          + " and neither http_auth_token_file nor http_password_file is set; set one of them (docs/status-page.md)\n";
      LOG.warn("{}: {}", endpoint.source(), why.strip());
      for (String path : StatusPage.PATHS) {
        http.route(path, exchange -> Responses.text(exchange, 403, why));
      }
      return;
    }
    statusFeed = new StatusFeed(fleet, metrics, clock);
    statusFeed.section("health", () -> health().checks()); // what /health says, on the page
    StatusPage page = new StatusPage(statusFeed);
    for (String path : StatusPage.PATHS) {
      http.route(path, page);
    }
  }

  /**
   * The fleet view, when it tracks devices; otherwise no tap at all (without an HTTP endpoint nobody could
   * see the fleet, and status_max_devices 0 turns it off).
   */
  private RouteTap routeTap() {
    return fleet != null && fleet.maxDevices() > 0 ? fleet : RouteTap.NONE;
  }

  private RecoveredState openStore() {
    try {
      long periodic = config.persistenceSyncMillis();
      store = DurableStore.open(periodic > 0
          ? StoreOptions.periodic(config.persistenceLocation(), periodic)
          : StoreOptions.groupCommit(config.persistenceLocation()));
      return store.recover();
    } catch (StoreFormatException e) {
      if (store != null) {
        store.close();
        store = null;
      }
      throw new IllegalStateException("persistence_location " + config.persistenceLocation() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * How often TLS, password and ACL files are checked for changes (certbot renewals, rotated CAs and
   * CRLs, new devices).
   */
  private static final java.time.Duration FILE_CHECK = java.time.Duration.ofSeconds(5);

  private void reloadChangedFiles() {
    for (TlsMaterial t : tlsMaterials) {
      t.reloadIfChanged();
    }
    security.reloadIfChanged();
  }

  /**
   * Reloads what can change without a restart (SIGHUP): every listener's TLS material, the password
   * file and the ACL file. A file that fails to load keeps the previous content and is logged.
   */
  public synchronized void reload() {
    for (TlsMaterial t : tlsMaterials) {
      t.reload();
    }
    if (security != null) {
      security.reload();
    }
  }

  private void bind(ListenerConfig l, Class<? extends ServerChannel> channelType) {
    String name = l.bindAddress() + ":" + l.port();
    TlsMaterial tls = null;
    if (l.isTls()) {
      try {
        tls = TlsMaterial.load(l.tls(), name);
      } catch (TlsContextLoader.TlsLoadException e) {
        throw new IllegalStateException("listener " + name + " (" + l.source() + "): " + e.getMessage(), e);
      }
      tlsMaterials.add(tls);
    } else if (!l.loopbackOnly()) {
      LOG.warn("listener {} ({}) is plain MQTT on a non-loopback address: passwords and data cross the"
          + " network unencrypted (allowed by allow_plain_listener)", name, l.source());
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(channelType)
        .handler(new AcceptGuard(name, l.maxConnections(), descriptors, context.connectionCaps(), security.audit()))
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new MqttChannelInitializer(context, name, l.port(), tls, connections));
    try {
      Channel ch = b.bind(l.bindAddress(), l.port()).syncUninterruptibly().channel();
      serverChannels.add(ch);
      InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
      boundAddresses.add(bound);
      listenersBound = boundAddresses.size();
      String resolved = l.bindAddress() + ":" + bound.getPort();
      if (l.isTls()) {
        metrics.tlsListener(resolved); // exported at 0 from the start
        tlsListeners.put(resolved, l.tls());
      } else {
        metrics.listener(resolved);
      }
      LOG.info("listening for MQTT{} on {}:{} ({})", l.isTls() ? " over TLS (" + TlsContextLoader.provider() + ")" : "",
          l.bindAddress(), bound.getPort(), l.source());
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + name + " (" + l.source() + "): " + e.getMessage(), e);
    }
  }

  /** The addresses actually bound, in listener order (port 0 resolved). */
  public synchronized List<InetSocketAddress> boundAddresses() {
    return List.copyOf(boundAddresses);
  }

  /** Port of the first listener: convenient for tests that bind port 0. */
  public int port() {
    return boundAddresses().get(0).getPort();
  }

  public CountingMetrics metrics() {
    return metrics;
  }

  /**
   * The status page's feed (fleet, broker health, extra sections such as the archiver's); null before
   * start or without http_listener.
   */
  public synchronized StatusFeed statusFeed() {
    return statusFeed;
  }

  /**
   * The registry {@code /metrics} serves: the broker's metrics and the JVM's once started with an
   * {@code http_listener}; the archiver of {@code flux up} adds its own here.
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * The HTTP endpoint of {@code http_listener}, empty when none is configured. Other parts add their
   * pages with {@link HttpListener#route}, before or after {@link #start()}.
   */
  public Optional<HttpListener> http() {
    return Optional.ofNullable(http);
  }

  /** Readiness, as {@code /health} reports it: every MQTT listener bound, and not stopping. */
  public Health health() {
    Map<String, String> checks = new LinkedHashMap<>();
    int bound = listenersBound; // volatile reads: /health never waits for a start or stop in progress
    boolean running = started && !stopped;
    checks.put("broker", running ? Health.OK : stopped ? "stopped" : "starting");
    checks.put("listeners", bound == config.listeners().size()
        ? Health.OK
        : bound + " of " + config.listeners().size() + " bound");
    DurableStore s = store;
    if (config.persistence()) {
      checks.put("store", s == null ? "closed" : s.stats().unavailable() ? "unavailable" : Health.OK);
    }
    return new Health(checks);
  }

  /** Messages queued for a client's session (beyond those in flight); 0 when it has none or before start. */
  public int queuedMessages(String clientId) {
    BrokerContext c = context();
    Session s = c == null ? null : c.sessions().get(clientId);
    return s == null ? 0 : s.queuedMessages();
  }

  /** The running broker's services, for tests and exporters; null before start. */
  public synchronized BrokerContext context() {
    return context;
  }

  public BrokerConfig config() {
    return config;
  }

  /**
   * Stops accepting, lets event loops finish the work in hand (queued writes are flushed), then
   * closes every connection. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (!started || stopped) {
      return;
    }
    stopped = true;
    if (sys != null) {
      sys.close();
    }
    if (http != null) {
      http.close();
    }
    for (Channel ch : serverChannels) {
      ch.close().syncUninterruptibly();
    }
    // MQTT 5 clients are told why (DISCONNECT 0x8B); every connection flushes what it has, then closes.
    for (Channel ch : connections) {
      ch.pipeline().fireUserEventTriggered(MqttConnectionHandler.SHUTDOWN);
    }
    connections.newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (workers != null) {
      workers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 1_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (statusFeed != null) {
      statusFeed.close();
    }
    if (security != null) {
      security.close();
    }
    if (store != null) {
      store.close(); // after the event loops: what they handed to the store is written and fsync'd
    }
    LOG.info("broker stopped");
  }

  /** Builds a broker; only the configuration is required. */
  public static final class Builder {
    private final BrokerConfig config;
    private Authenticator authenticator;
    private Authorizer authorizer;
    private RetainedStore retained;
    private Clock clock = Clock.systemUTC();
    private int workerThreads;
    private Supplier<Map<String, String>> sysFigures;

    private Builder(BrokerConfig config) {
      this.config = config;
    }

    public Builder authenticator(Authenticator a) { this.authenticator = a; return this; }
    public Builder authorizer(Authorizer a) { this.authorizer = a; return this; }
    public Builder retainedStore(RetainedStore r) { this.retained = r; return this; }
    public Builder clock(Clock c) { this.clock = c; return this; }

    /**
     * More figures to publish under {@code $SYS/broker/flux/}, by topic below it, read at every
     * publication (e.g. the archiver's when it runs in the same process).
     */
    public Builder sysFigures(Supplier<Map<String, String>> figures) {
      this.sysFigures = figures;
      return this;
    }

    /** Event loops serving the connections; 0 (the default) takes {@code io_threads} from the configuration. */
    public Builder workerThreads(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("workerThreads must be 0 or more: " + n);
      }
      this.workerThreads = n;
      return this;
    }

    public FluxBroker build() {
      return new FluxBroker(this);
    }
  }
}
