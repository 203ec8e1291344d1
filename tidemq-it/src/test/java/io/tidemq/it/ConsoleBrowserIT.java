package io.tidemq.it;

import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PullConsumer;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console in a real browser (Debian's headless chromium through chromedriver) against a live standalone
 * server in its own JVM: log in with the password the server printed, see the overview, find a message by key,
 * follow its path, search by time range and continue a stopped queue, see a group's lag, resend a dead letter and see its outcome, dry-run an offset reset and execute it. Screenshots of each page go to
 * {@code target/console-screenshots} (the ones in docs/images come from here). Skipped, saying so, only when
 * chromium or chromedriver is not installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleBrowserIT {

    private static final String TOPIC = "orders";
    private static final String LAG_GROUP = "billing";
    private static final String DLQ_GROUP = "audit";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SHOTS = Path.of("target", "console-screenshots");

    @TempDir
    static Path tmp;

    private static Standalone server;
    private static StandaloneClients clients;
    private static WebDriver browser;
    private static String password;
    private static SendResult keyed;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> chromium = executable("chromium", "chromium-browser", "google-chrome");
        Optional<Path> driver = executable("chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(), "ConsoleBrowserIT skipped: chromium and"
                + " chromedriver are not installed (Debian: apt-get install -y chromium chromium-driver; .ci/run installs"
                + " them)");
        server = Standalone.builder(ConsoleBrowserIT.class, tmp).set("retryBackoffSchedule", "1s")
                // broker intervals of 2 s: it keeps 6 per group, 12 s, more than the console's 10 s between samples
                .set("statsIntervalMs", "2000").build().start();
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
        password = server.node().lines().stream().filter(l -> l.contains("log in as admin with password "))
                .map(l -> l.substring(l.indexOf("password ") + "password ".length()).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("standalone printed no console password"));
        // the browser starts while the cluster is filled
        CompletableFuture<WebDriver> starting = CompletableFuture.supplyAsync(() -> {
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
                    .usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                            "--window-size=1360,900", "--user-data-dir=" + tmp.resolve("chromium-profile"));
            return new ChromeDriver(service, options);
        });
        try {
            populate();
        } finally {
            browser = starting.get(60, TimeUnit.SECONDS);
        }
        Files.createDirectories(SHOTS);
    }

    /** A topic with a keyed message, a group 2 messages behind, and a group with one dead letter. */
    private static void populate() throws Exception {
        server.createTopic(TOPIC, 2);
        Producer producer = clients.producer("console-it-producer");
        for (int i = 0; i < 3; i++) {
            producer.send(Message.builder(TOPIC).keys("order-" + i).tag("created").body("{\"order\": " + i + "}").build());
        }
        try (PullConsumer c = PullConsumer.builder(LAG_GROUP, clients.config("lag").build()).autoCommit(false).build()) {
            c.subscribe(TOPIC, "*");
            c.start();
            List<MessageExt> got = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                got.addAll(c.poll(Duration.ofMillis(200)));
                return got.size() >= 3;
            });
            c.commitSync();
        }
        keyed = producer.send(Message.builder(TOPIC).keys("order-42").tag("paid").body("{\"order\": 42}").build());
        producer.send(Message.builder(TOPIC).keys("order-43").tag("paid").body("{\"order\": 43}").build());

        server.createTopic("reminders", 1);
        producer.send(Message.builder("reminders").keys("reminder-1").delayMs(3_600_000).body("later").build());
        server.createTopic("payments", 1);
        PushConsumer dead = PushConsumer.builder(DLQ_GROUP, clients.config("dead").maxReconsumeTimes(1).build()).build();
        clients.start(dead, "payments", "*", (msgs, ctx) -> ConsumeStatus.RETRY);
        producer.send(Message.builder("payments").keys("payment-7").body("poison").build());
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            await().atMost(WAIT).until(() -> !admin.deadLetters(DLQ_GROUP, 10).isEmpty());
        }
        dead.close();
    }

    private static Optional<Path> executable(String... names) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(names).flatMap(n -> Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, n)))
                .filter(Files::isExecutable).findFirst();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static WebElement visible(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void awaitText(By by, String text) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    private static void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    private static void open(String hash) {
        browser.get(server.consoleUrl() + hash);
    }

    @Test
    void anOperatorLogsInAndUsesEveryPage() throws Exception {
        // log in: a wrong password is refused, the printed one works
        open("#/overview");
        visible(By.id("login-password")).sendKeys("not-the-password");
        browser.findElement(By.id("login-submit")).click();
        awaitText(By.id("login-error"), "wrong user name or password");
        screenshot("login");
        WebElement pw = browser.findElement(By.id("login-password"));
        pw.clear();
        pw.sendKeys(password);
        browser.findElement(By.id("login-submit")).click();

        // overview: the broker with its role and disk, the NameServer answering
        awaitText(By.id("brokers"), "MASTER");
        assertThat(browser.findElement(By.id("brokers")).getText()).contains(server.brokerAddr()).contains("% of");
        assertThat(browser.findElement(By.id("namesrvs")).getText()).contains(server.namesrvAddr()).contains("answers");
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("logged in as admin");
        // the rates chart: in and out series drawn from the broker's sampled figures (the page refreshes every 5 s)
        new WebDriverWait(browser, Duration.ofSeconds(40)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#rates-charts svg.chart g[data-series^='in'] circle")));
        assertThat(browser.findElements(By.cssSelector("#rates-charts svg.chart g[data-series^='out'] circle")))
                .isNotEmpty();
        assertThat(browser.findElement(By.id("rates-charts")).getText()).contains("in (stored/s)")
                .contains("out (delivered/s)");
        screenshot("overview");

        // topics: the list and one topic's queues
        open("#/topics");
        awaitText(By.id("topics"), TOPIC);
        screenshot("topics");
        // its rates over time as the broker measured them: the 5 sends (in) and the 3 deliveries (out)
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            open("#/overview");
            open("#/topics/" + TOPIC);
            awaitText(By.id("topic-queues"), "Max offset");
            assertThat(browser.findElements(By.cssSelector("#topic-rates svg.chart g[data-series^='in'] circle")))
                    .isNotEmpty();
        });
        assertThat(browser.findElements(By.cssSelector("#topic-queues tbody tr"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#topic-rates svg.chart g[data-series^='in'] circle"))
                .stream().anyMatch(c -> Double.parseDouble(c.getAttribute("data-value")) > 0))
                .as("an interval with the sends has a rate in above 0").isTrue();
        assertThat(browser.findElements(By.cssSelector("#topic-rates svg.chart g[data-series^='out'] circle"))
                .stream().anyMatch(c -> Double.parseDouble(c.getAttribute("data-value")) > 0))
                .as("an interval with the deliveries has a rate out above 0").isTrue();
        assertThat(browser.findElement(By.id("topic-rates")).getText()).contains(server.brokerAddr());
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(By.id("topic-rates")));
        screenshot("topic");

        // messages: by key, complete, then the message's body and properties
        open("#/messages");
        visible(By.id("key-topic")).sendKeys(TOPIC);
        browser.findElement(By.id("key-key")).sendKeys("order-42");
        browser.findElement(By.id("key-search")).click();
        awaitText(By.id("messages"), keyed.msgId());
        assertThat(browser.findElement(By.id("search-notice")).getText()).contains("1 found").contains("complete");
        browser.findElement(By.linkText(keyed.msgId())).click();
        awaitText(By.id("message-body"), "{\"order\": 42}");
        assertThat(browser.findElement(By.id("message-properties")).getText()).contains("KEYS order-42");
        screenshot("messages");

        // the message's path: stored where, and the group that committed before it has not consumed it
        browser.findElement(By.id("show-path")).click();
        awaitText(By.id("path-groups"), LAG_GROUP);
        assertThat(browser.findElement(By.id("message-path")).getText()).contains("Stored in " + TOPIC);
        assertThat(browser.findElement(By.id("path-notice")).getText()).contains("checked");
        String pathTable = browser.findElement(By.id("path-groups")).getText() + " / " + browser.findElement(
                By.cssSelector("#path-groups td[data-col=consumed] span")).getAttribute("title");
        WebElement billing = browser.findElement(By.xpath("//table[@id='path-groups']//tr[td//a[text()='" + LAG_GROUP + "']]"));
        assertThat(billing.findElement(By.cssSelector("td[data-col=consumed]")).getText()).as(pathTable).isEqualTo("no");
        assertThat(billing.findElement(By.cssSelector("td[data-col=retried]")).getText()).as(pathTable).startsWith("no");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(By.id("message-path")));
        screenshot("message-path");

        // messages by time range: one per queue stops early on both queues, then one queue is read on
        open("#/messages");
        visible(By.id("time-topic")).sendKeys(TOPIC);
        WebElement perQueue = browser.findElement(By.id("time-max"));
        perQueue.clear();
        perQueue.sendKeys("1");
        browser.findElement(By.id("time-search")).click();
        awaitText(By.id("search-notice"), "stopped early on 2 of 2 queues");
        assertThat(browser.findElements(By.cssSelector("#messages tbody tr"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("button.time-continue"))).hasSize(2);
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(By.id("search-notice")));
        screenshot("messages-by-time");
        perQueue.clear();
        perQueue.sendKeys("10");
        browser.findElements(By.cssSelector("button.time-continue")).get(0).click();
        awaitText(By.id("search-notice"), "complete: the queue was read to the end of the range");

        // groups: the lag of the group that read 3 of 5 messages
        // its lag chart (one point per console sample, every 10 s) and its time to drain: unknown, as it does not consume
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            open("#/overview");
            open("#/groups/" + LAG_GROUP);
            awaitText(By.id("group-lag"), "2");
            assertThat(browser.findElements(By.cssSelector("#lag-chart circle"))).hasSizeGreaterThanOrEqualTo(2);
            // the broker-measured delivery latency of the 3 messages it pulled: p50 and p99 of that interval
            assertThat(browser.findElements(By.cssSelector("#latency-charts svg.chart g[data-series^='p99'] circle")))
                    .isNotEmpty();
        });
        List<WebElement> p50 = browser.findElements(By.cssSelector("#latency-charts svg.chart g[data-series^='p50'] circle"));
        List<WebElement> p99 = browser.findElements(By.cssSelector("#latency-charts svg.chart g[data-series^='p99'] circle"));
        assertThat(p50).hasSameSizeAs(p99);
        for (int i = 0; i < p50.size(); i++) {
            assertThat(Long.parseLong(p50.get(i).getAttribute("data-value")))
                    .isNotNegative().isLessThanOrEqualTo(Long.parseLong(p99.get(i).getAttribute("data-value")));
        }
        List<WebElement> points = browser.findElements(By.cssSelector("#lag-chart circle"));
        assertThat(points.get(points.size() - 1).getAttribute("data-value")).isEqualTo("2");
        assertThat(browser.findElement(By.cssSelector("#lag-chart polyline")).getAttribute("points")).contains(",");
        // its time to drain: a duration while its populate-step commits are in the console's one-minute rate window
        // (they may fall between two samples), then unknown (not draining); never 0 or negative while it lags
        String drain = browser.findElement(By.id("group-drain")).getText();
        if (drain.equals("unknown")) {
            assertThat(browser.findElement(By.id("group-drain-line")).getText()).containsAnyOf("not draining",
                    "no consume rate yet");
        } else {
            assertThat(drain).matches("[1-9][0-9]* ?[a-z]+.*");
        }
        assertThat(browser.findElement(By.id("group-queues")).getText()).doesNotContain("-1").contains("Lag (s)")
                .contains("Time to drain");
        screenshot("group");
        open("#/groups");
        awaitText(By.id("groups"), LAG_GROUP);
        WebElement lagRow = browser.findElement(By.xpath("//table[@id='groups']//tr[td//a[text()='" + LAG_GROUP + "']]"));
        assertThat(lagRow.findElements(By.cssSelector("td")).get(5).getText())
                .matches("unknown|[1-9][0-9]* ?[a-z]+"); // the time to drain, never 0 or negative while lagging
        assertThat(browser.findElement(By.id("groups")).getText()).contains("Time to drain");
        screenshot("groups");

        // waiting: the timer and the transactions of the broker, each scan complete
        open("#/waiting");
        awaitText(By.id("waiting-summary"), "1 delayed, 0 transactional waiting");
        assertThat(browser.findElement(By.id("waiting-delayed")).getText()).contains("reminders").contains("reminder-1");
        assertThat(browser.findElement(By.cssSelector(".broker-waiting h2")).getText()).contains(server.brokerAddr());
        assertThat(browser.findElements(By.cssSelector(".broker-waiting .notice.complete"))).hasSize(2);
        screenshot("waiting");

        // dead letters: resend the one dead letter and see its outcome
        open("#/dead-letters/" + DLQ_GROUP);
        visible(By.cssSelector("#dead-letters input.dlq-select")).click();
        browser.findElement(By.id("dlq-resend")).click();
        awaitText(By.cssSelector("#dead-letters .dlq-outcome"), "resent by " + server.brokerAddr());
        assertThat(browser.findElement(By.id("dlq-summary")).getText()).isEqualTo("1 resent, 0 not resent");
        assertThat(browser.findElement(By.cssSelector("#dead-letters input.dlq-select")).isEnabled()).isFalse();
        screenshot("dead-letters");

        // offset reset: the dry run first, then typed confirmation, then the group reads everything again
        open("#/offset-reset/" + LAG_GROUP);
        visible(By.id("reset-topic")).sendKeys(TOPIC);
        browser.findElement(By.id("reset-preview")).click();
        awaitText(By.id("reset-dry-run"), "Dry run: nothing changed yet. 2 of 2 queue(s) of " + TOPIC + " would move.");
        assertThat(browser.findElements(By.cssSelector("#reset-plan tbody tr"))).hasSize(2);
        assertThat(browser.findElement(By.id("reset-plan")).getText()).contains("read again");
        WebElement execute = browser.findElement(By.id("reset-execute"));
        assertThat(execute.isEnabled()).as("disabled until the group's name is typed").isFalse();
        browser.findElement(By.id("reset-confirm")).sendKeys(LAG_GROUP);
        screenshot("offset-reset");
        execute.click();
        awaitText(By.id("reset-done"), "Done: 2 queue(s) moved");
        open("#/groups/" + LAG_GROUP);
        awaitText(By.id("group-lag"), "5");

        // the group consumes again: its lag drains to 0 and the deliveries show in its latency chart
        int latencyPointsBefore = browser.findElements(
                By.cssSelector("#latency-charts svg.chart g[data-series^='p99'] circle")).size();
        try (PullConsumer c = PullConsumer.builder(LAG_GROUP, clients.config("drain").build()).autoCommit(false).build()) {
            c.subscribe(TOPIC, "*");
            c.start();
            List<MessageExt> got = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                got.addAll(c.poll(Duration.ofMillis(200)));
                return got.size() >= 5;
            });
            c.commitSync();
        }
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            open("#/overview");
            open("#/groups/" + LAG_GROUP);
            assertThat(visible(By.id("group-lag")).getText()).isEqualTo("0");
            assertThat(browser.findElement(By.id("group-drain")).getText()).isEqualTo("drained");
            List<WebElement> lagPoints = browser.findElements(By.cssSelector("#lag-chart circle"));
            assertThat(lagPoints.get(lagPoints.size() - 1).getAttribute("data-value")).isEqualTo("0");
            assertThat(browser.findElements(By.cssSelector("#latency-charts svg.chart g[data-series^='p99'] circle")))
                    .hasSizeGreaterThan(latencyPointsBefore);
        });
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(By.id("latency-charts")));
        screenshot("group-drained");

        // topic update from its page (last: it changes the topic the steps above read): a read-only topic
        open("#/topics/" + TOPIC);
        WebElement perm = visible(By.id("update-perm"));
        new org.openqa.selenium.support.ui.Select(perm).selectByValue("r");
        browser.findElement(By.cssSelector("#update-topic button")).click();
        awaitText(By.id("topic-route"), "R-");
        screenshot("topic-updated");
    }
}
