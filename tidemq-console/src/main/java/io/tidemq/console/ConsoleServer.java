package io.tidemq.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.ClientException;
import io.tidemq.client.InvalidArgumentException;
import io.tidemq.client.admin.GroupOnlineException;
import io.tidemq.client.admin.MessageNotFoundException;
import io.tidemq.client.admin.UnknownGroupException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.common.json.Json;
import io.tidemq.console.api.DeadLettersApi;
import io.tidemq.console.api.GroupsApi;
import io.tidemq.console.api.MessagesApi;
import io.tidemq.console.api.OffsetResetApi;
import io.tidemq.console.api.OverviewApi;
import io.tidemq.console.api.LatencySampler;
import io.tidemq.console.api.RatesSampler;
import io.tidemq.console.api.TopicsApi;
import io.tidemq.console.auth.AuthApi;
import io.tidemq.console.auth.LoginThrottle;
import io.tidemq.console.auth.Sessions;
import io.tidemq.console.auth.UserStore;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The web console: static pages under {@code /} and the JSON API under {@code /api/} (docs/console.md), both
 * served by one Javalin (Jetty) server. It reaches the cluster only through an {@link AdminClient}. Login is
 * required unless {@link ConsoleOptions#insecure()}; the first start creates the admin user with a random
 * password ({@link #initialPassword()}). Started and stopped by its owner's thread; requests run on Jetty's pool.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
    private static final long SESSION_IDLE_MS = 8 * 3_600_000L;
    private static final int MAX_THREADS = 16;

    private final ConsoleOptions options;
    private final AdminClient admin;
    private final UserStore users;
    private final Javalin app;
    /** The one thread sampling every group's lag (GroupsApi's LagSampler). */
    private final ScheduledExecutorService sampler;

    private ConsoleServer(ConsoleOptions options, AdminClient admin, UserStore users, Javalin app,
                          ScheduledExecutorService sampler) {
        this.options = options;
        this.admin = admin;
        this.users = users;
        this.app = app;
        this.sampler = sampler;
    }

    /**
     * Opens (or creates) the users file, connects the admin client and starts listening.
     *
     * @throws ConsoleStartException when the port cannot be listened on
     */
    public static ConsoleServer start(ConsoleOptions options) {
        SecureRandom random = new SecureRandom();
        UserStore users = options.insecure() ? null : UserStore.open(options.usersFile(), random);
        AdminClient admin = new AdminClient(options.namesrvAddrs(), options.requestTimeoutMs());
        Clock clock = Clock.systemUTC();
        AuthApi auth = new AuthApi(users, new Sessions(random, clock, SESSION_IDLE_MS), new LoginThrottle(clock),
                options.insecure());
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
            pool.setName("console-http");
            pool.setDaemon(true);
            config.jetty.threadPool = pool;
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/io/tidemq/console/public";
                sf.location = Location.CLASSPATH;
                sf.headers = Map.of("Cache-Control", "no-cache");
            });
        });
        Path auditFile = options.usersFile() == null ? null : options.usersFile().resolveSibling("audit.log");
        GroupsApi groups = new GroupsApi(admin, options.lagSampleIntervalMs());
        RatesSampler rates = new RatesSampler(options.lagSampleIntervalMs(), admin::clusterStats);
        LatencySampler latency = new LatencySampler(options.lagSampleIntervalMs(),
                after -> admin.deliveryLatency(AdminTarget.all(), after));
        ConsoleMetrics metrics = new ConsoleMetrics(() -> groups.sampler().sampledGroups());
        app.before(metrics::started);
        app.after(metrics::finished);
        app.get("/metrics", metrics::scrape);
        routes(app, auth, admin, clock, new AuditLog(auditFile, clock), groups, rates, latency);
        try {
            app.start(options.bindAddress(), options.port());
        } catch (RuntimeException e) {
            admin.close();
            throw new ConsoleStartException("cannot serve the console on " + options.bindAddress() + ":" + options.port()
                    + " (" + rootMessage(e) + "); choose another port with --console-port (0 picks a free one)", e);
        }
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-lag-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(() -> {
            try {
                groups.sampler().sampleOnce(clock.millis());
            } catch (RuntimeException e) {
                metrics.sampleFailed();
                log.warn("sampling the groups' lag failed; the next sample is in {} ms: {}",
                        options.lagSampleIntervalMs(), e.toString());
            }
            try {
                rates.sampleOnce();
            } catch (RuntimeException e) {
                metrics.sampleFailed();
                log.warn("sampling the brokers' rates failed; the next sample is in {} ms: {}",
                        options.lagSampleIntervalMs(), e.toString());
            }
            try {
                latency.sampleOnce();
            } catch (RuntimeException e) {
                metrics.sampleFailed();
                log.warn("sampling the groups' delivery latency failed; the next sample is in {} ms: {}",
                        options.lagSampleIntervalMs(), e.toString());
            }
        }, 0, options.lagSampleIntervalMs(), TimeUnit.MILLISECONDS);
        ConsoleServer server = new ConsoleServer(options, admin, users, app, sampler);
        log.info("console at {} (login {})", server.url(), options.insecure() ? "off: --insecure-console" : "required");
        return server;
    }

    private static void routes(Javalin app, AuthApi auth, AdminClient admin, Clock clock, AuditLog audit,
                               GroupsApi groups, RatesSampler rates, LatencySampler latency) {
        app.before(ctx -> securityHeaders(ctx));
        app.before("/api/*", auth::guard);
        app.post("/api/login", auth::login);
        app.post("/api/logout", auth::logout);
        app.get("/api/session", auth::session);

        OverviewApi overview = new OverviewApi(admin);
        TopicsApi topics = new TopicsApi(admin, clock);
        MessagesApi messages = new MessagesApi(admin);
        DeadLettersApi dlq = new DeadLettersApi(admin);
        app.get("/api/overview", overview::get);
        app.get("/api/brokers/rates-history", rates::get);
        app.get("/api/topics", topics::list);
        app.post("/api/topics", topics::create);
        app.get("/api/topics/{topic}", topics::detail);
        app.get("/api/topics/{topic}/rates-history", new io.tidemq.console.api.TopicRatesApi(admin)::get);
        app.delete("/api/topics/{topic}", topics::delete);
        app.get("/api/groups", groups::list);
        app.get("/api/groups/{group}", groups::get);
        app.get("/api/groups/{group}/lag-history", groups::lagHistory);
        app.get("/api/groups/{group}/latency-history", latency::get);
        app.get("/api/groups/{group}/dead-letters", dlq::list);
        app.post("/api/groups/{group}/dead-letters/resend", dlq::resend);
        app.get("/api/messages/by-id", messages::byId);
        app.get("/api/messages/by-key", messages::byKey);
        app.get("/api/messages/by-queue", messages::byQueue);
        app.get("/api/messages/by-time", messages::byTime);
        app.get("/api/messages/path", new io.tidemq.console.api.MessagePathApi(admin)::get);
        app.get("/api/waiting", new io.tidemq.console.api.WaitingApi(admin)::get);
        OffsetResetApi reset = new OffsetResetApi(admin, audit);
        app.post("/api/groups/{group}/offset-reset/plan", reset::plan);
        app.post("/api/groups/{group}/offset-reset/execute", reset::execute);

        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        app.exception(GroupOnlineException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
        app.exception(TopicNotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
        app.exception(UnknownGroupException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
        app.exception(MessageNotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
        app.exception(InvalidArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(ClientException.class, (e, ctx) -> error(ctx, 502, e.getMessage()));
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(io.javalin.http.BadRequestResponse.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            log.warn("console request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the console failed: " + e + " (see the server's log)");
        });
    }

    /** Every answer: no framing by other sites, no sniffing, scripts and styles only from the console itself. */
    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    }

    /** The JSON error body of every refused or failed request. */
    public record ApiError(int status, String error) {
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(new ApiError(status, message));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The port it listens on (the one picked, when asked for 0). */
    public int port() {
        return app.port();
    }

    /** {@code http://host:port/}, with 127.0.0.1 for a console bound to every interface. */
    public String url() {
        String host = options.bindAddress();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** The admin password this start created, to print once; empty when the users file existed or login is off. */
    public Optional<String> initialPassword() {
        return users == null ? Optional.empty() : users.initialPassword();
    }

    /** Where the users file is; empty when login is off. */
    public Optional<java.nio.file.Path> usersFile() {
        return users == null ? Optional.empty() : Optional.of(users.file());
    }

    public boolean insecure() {
        return options.insecure();
    }

    /** Stops serving and closes the admin connections. Idempotent. */
    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            app.stop();
        } finally {
            admin.close();
        }
    }
}
