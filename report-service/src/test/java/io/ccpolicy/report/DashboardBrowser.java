package io.ccpolicy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.testing.AgentTraffic;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.testing.DebianPackages;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard driven in real headless Chromium against the running platform: Debian's chromium and chromium-driver,
 * installed with apt-get when missing. Screenshots of each page go to {@code target/screenshots}.
 */
final class DashboardBrowser {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What the browser test needs of the running platform; {@code demo} runs {@code bin/platform demo} with these arguments. */
    record Platform(String reportPort, String exceptionPort, String policyPort, String kafkaPort, String auditPort, Tokens tokens,
            Demo demo) {
    }

    interface Demo {
        /** The command's output; fails the test when it exits non-zero. */
        String run(String... arguments) throws Exception;
    }

    interface Tokens {
        String of(String user, String password) throws Exception;

        /** The hook agent's own token (client credentials), as an agent fetches its bundle with. */
        String agent() throws Exception;
    }

    private static final String PROJECT = "/home/alice/payments";
    private static final String POLICY = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n";

    private DashboardBrowser() {
    }

    static void run(Platform platform, Path target) throws Exception {
        installChromiumIfMissing();
        Path screenshots = Files.createDirectories(target.toAbsolutePath().normalize().resolve("screenshots"));
        // Chromium ignores a download directory that is not a plain absolute path.
        Path downloads = Files.createDirectories(target.toAbsolutePath().normalize().resolve("downloads"));
        try (Stream<Path> old = Files.list(downloads)) {
            old.forEach(f -> f.toFile().delete());
        }
        String exceptions = "http://127.0.0.1:" + platform.exceptionPort();
        String requestId = requestException(exceptions, platform.tokens().of("alice", "alice"));
        long revision = submitVersion("http://127.0.0.1:" + platform.policyPort(), platform.tokens().of("admin", "admin"));

        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false, "plugins.always_open_pdf_externally", true));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get("http://127.0.0.1:" + platform.reportPort() + "/dashboard/");
            await("the Keycloak sign-in page").atMost(DEADLINE).until(() -> !browser.findElements(By.id("username")).isEmpty());
            shot(browser, screenshots, "01-keycloak-sign-in");
            browser.findElement(By.id("username")).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys("admin");
            browser.findElement(By.id("kc-login")).click();
            await("signed in to the dashboard").atMost(DEADLINE).until(() -> text(browser, "user").contains("admin@acme.com"));
            await("the overview loaded").atMost(DEADLINE).until(() -> !text(browser, "activeUsers").equals("-"));
            shot(browser, screenshots, "02-overview");

            WebElement publish = await("the submitted version is listed").atMost(DEADLINE).until(() -> browser.findElements(By.cssSelector(
                    "button[aria-label='Publish revision " + revision + " to the organization']")).stream().findFirst().orElse(null), found -> found != null);
            publish.click();
            browser.switchTo().alert().sendKeys("roll out no-rm");
            browser.switchTo().alert().accept();
            await("published").atMost(DEADLINE).until(() -> text(browser, "status").contains("Revision " + revision + " published"));
            await("the revision in force is marked, not offered again").atMost(DEADLINE).until(() -> browser.findElements(By.cssSelector(
                    "button[aria-label='Publish revision " + revision + " to the organization']")).isEmpty());
            assertThat(browser.findElements(By.cssSelector("#versions .in-force"))).hasSize(1);

            AgentTraffic traffic = new AgentTraffic(Files.createTempDirectory("browser-traffic"), "127.0.0.1:" + platform.kafkaPort());
            await("a violation decided by the agent appears live").atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).until(() -> {
                traffic.bash("m-browser-" + System.nanoTime(), Identity.of("bob@acme.com", "payments"), POLICY, Clock.systemUTC(), "rm -rf /srv");
                return browser.findElements(By.cssSelector("#live li")).stream().anyMatch(li -> li.getText().contains("bob@acme.com")
                        && li.getText().contains("no-rm"));
            });
            shot(browser, screenshots, "03-live-violation");

            WebElement row = await("the pending request is listed").atMost(DEADLINE).until(
                    () -> browser.findElements(By.cssSelector("#pending tr[data-id='" + requestId + "']")).stream().findFirst().orElse(null),
                    found -> found != null);
            assertThat(row.findElement(By.className("trigger")).getText()).as("the approver sees the call that was refused")
                    .contains("Bash: rm -rf /srv/cache").contains("event evt_refused_4711");
            shot(browser, screenshots, "04-pending-exception");
            assertThat(text(browser, "pendingCount")).as("the heading counts the requests listed")
                    .isEqualTo("(" + browser.findElements(By.cssSelector("#pending tr[data-id]")).size() + ")");
            row.findElement(By.cssSelector("button.approve")).click();
            browser.switchTo().alert().sendKeys("fine for the incident");
            browser.switchTo().alert().accept();
            await("approved").atMost(DEADLINE).until(() -> text(browser, "status").contains("approved"));
            String state = HTTP.send(HttpRequest.newBuilder(URI.create(exceptions + "/api/v1/exceptions/" + requestId))
                    .header("Authorization", "Bearer " + platform.tokens().of("admin", "admin")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(state).contains("\"state\":\"approved\"").contains("\"decidedBy\":\"admin@acme.com\"");
            shot(browser, screenshots, "05-approved");
            // Applied: the grant reaches the bundle an agent in that project fetches (exception-service -> Kafka -> policy-service).
            URI bundle = URI.create("http://127.0.0.1:" + platform.policyPort() + "/api/v1/bundles/current?machine=m-browser&project="
                    + URLEncoder.encode(PROJECT, StandardCharsets.UTF_8));
            String agentToken = platform.tokens().agent();
            await("the approved exception is in the agent's bundle").atMost(DEADLINE).until(() -> {
                String body = HTTP.send(HttpRequest.newBuilder(bundle).header("Authorization", "Bearer " + agentToken).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return body.contains("\"grants\"") && body.contains(requestId);
            });

            browser.findElement(By.cssSelector("#report select[name=kind]")).sendKeys("SOC 2");
            browser.findElement(By.cssSelector("#report button[type=submit]")).click();
            Path pdf;
            try {
                pdf = await("the report is downloaded").atMost(DEADLINE).until(() -> pdfIn(downloads), found -> found != null);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                shot(browser, screenshots, "99-no-download");
                throw new AssertionError("no PDF in " + downloads + "; the browser shows " + browser.getCurrentUrl() + ":\n"
                        + browser.getPageSource(), e);
            }
            assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes());
            browser.get("http://127.0.0.1:" + platform.reportPort() + "/dashboard/");
            await().atMost(DEADLINE).until(() -> text(browser, "user").contains("admin@acme.com"));
            await("the breakdown shows the violations").atMost(DEADLINE).until(() -> !browser.findElements(By.cssSelector("#byPolicy .bar")).isEmpty());
            // As a person reads it: each bar as long as its percentage of the track (they were 2-4 px stubs), the
            // percentage written beside it.
            for (WebElement share : browser.findElements(By.cssSelector("#byPolicy td.share"))) {
                double percent = Double.parseDouble(share.findElement(By.className("percent")).getText().replace("%", "").replace(",", ""));
                int track = share.findElement(By.className("track")).getSize().getWidth();
                int bar = share.findElement(By.className("bar")).getSize().getWidth();
                assertThat(track).as("a track wide enough to compare bars on").isGreaterThan(150);
                assertThat((double) bar).as("a bar of " + percent + "%").isCloseTo(Math.max(2, percent / 100 * track), org.assertj.core.data.Offset.offset(2.0));
            }
            assertThat(Long.parseLong(text(browser, "trendPeak").replace(",", ""))).as("the trend's scale").isPositive();
            assertThat(text(browser, "trendFirst")).as("the trend's first hour").isNotEmpty();
            shot(browser, screenshots, "06-dashboard");
            // A violation's user opens the audit search filtered on them.
            WebElement bob = await("bob's violation is listed").atMost(DEADLINE).until(() -> browser.findElements(By.cssSelector(
                    "#recent a[data-filter='user']")).stream().filter(a -> a.getText().equals("bob@acme.com")).findFirst().orElse(null),
                    found -> found != null);
            bob.click();
            await("the search shows bob's events only").atMost(DEADLINE).until(() -> {
                List<WebElement> rows = browser.findElements(By.cssSelector("#results tr"));
                return !rows.isEmpty() && rows.stream().allMatch(r -> r.findElements(By.tagName("td")).get(1).getText().equals("bob@acme.com"));
            });
            assertThat(browser.findElement(By.cssSelector("#search input[name=user]")).getAttribute("value")).isEqualTo("bob@acme.com");
            shot(browser, screenshots, "06-search-from-violation");
            demoFleet(platform, browser, screenshots);

            // A viewer is not offered what they cannot do.
            browser.get("http://127.0.0.1:" + platform.reportPort() + "/dashboard/logout");
            await("signed out, back at Keycloak").atMost(DEADLINE).until(() -> !browser.findElements(By.id("username")).isEmpty());
            browser.findElement(By.id("username")).sendKeys("viewer");
            browser.findElement(By.id("password")).sendKeys("viewer");
            browser.findElement(By.id("kc-login")).click();
            await("signed in as the viewer").atMost(DEADLINE).until(() -> text(browser, "user").contains("viewer@acme.com"));
            // Sections are shown or hidden as soon as the user is known.
            assertThat(browser.findElement(By.id("versions-title")).isDisplayed()).as("policies are for viewers").isTrue();
            assertThat(browser.findElement(By.id("overview")).isDisplayed()).as("no audit data for a viewer").isFalse();
            assertThat(browser.findElement(By.id("pending")).isDisplayed()).as("no exception requests for a viewer").isFalse();
            assertThat(browser.findElement(By.id("rollback")).isDisplayed()).as("no rollback for a viewer").isFalse();
            assertThat(browser.findElements(By.cssSelector("button.approve, button.deny"))).isEmpty();
            assertThat(browser.findElements(By.xpath("//button[text()='Publish']"))).isEmpty();
            shot(browser, screenshots, "07-viewer");
        } finally {
            browser.quit();
        }
    }

    private static long submitVersion(String policyService, String adminToken) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(policyService + "/api/v1/policies/versions?note=no-rm"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(POLICY)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher revision = Pattern.compile("\"revision\":(\\d+)").matcher(created.body());
        assertThat(revision.find()).isTrue();
        return Long.parseLong(revision.group(1));
    }

    private static String requestException(String exceptions, String aliceToken) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(exceptions + "/api/v1/exceptions"))
                .header("Authorization", "Bearer " + aliceToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"policy\":\"no-rm\",\"scope\":\"project\",\"scopeValue\":\"" + PROJECT
                        + "\",\"reason\":\"incident 4711\",\"duration\":\"4h\",\"trigger\":{\"eventId\":\"evt_refused_4711\",\"at\":\""
                        + Instant.now().minusSeconds(60) + "\",\"tool\":\"Bash\",\"detail\":\"rm -rf /srv/cache\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private static Path pdfIn(Path downloads) throws IOException {
        try (Stream<Path> files = Files.list(downloads)) {
            return files.filter(f -> f.toString().endsWith(".pdf")).findFirst().orElse(null);
        }
    }

    private static String text(WebDriver browser, String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /**
     * The dashboard as a platform team first sees it: a day of the demo fleet (bin/platform demo), its numbers the audit
     * API's, a new violation live within 2 s, shown at desktop and laptop widths; then the demo data cleared.
     */
    private static void demoFleet(Platform platform, WebDriver browser, Path screenshots) throws Exception {
        assertThat(platform.demo().run()).contains("Demo fleet loaded").contains("8 machines named demo-*");
        browser.get("http://127.0.0.1:" + platform.reportPort() + "/dashboard/");
        await("the demo fleet is on the dashboard, marked").atMost(DEADLINE).until(() -> browser.findElement(By.id("demo")).isDisplayed());
        String auditor = platform.tokens().of("auditor", "auditor");
        // The overview's window is the last 24 h; the audit API is asked for the same window as the page was.
        Map<String, Object> overview = json(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.reportPort()
                + "/api/v1/dashboard/overview?window=24h")).header("Authorization", "Bearer " + auditor).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Map<String, Object> summary = json(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.auditPort()
                + "/api/v1/audit/events/summary?from=" + overview.get("from") + "&to=" + overview.get("to")))
                .header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString()).body());
        // the guide's headline: policy violations, each policy's refusals, holds and warnings (its breakdown sums to it)
        long violations = List.of("deniedByPolicy", "askedByPolicy", "warnedByPolicy").stream()
                .flatMap(list -> ((List<?>) summary.get(list)).stream()).mapToLong(count -> number(((Map<?, ?>) count).get("count"))).sum();
        Map<String, Object> totals = (Map<String, Object>) summary.get("totals");
        assertThat(number(totals.get("demo"))).as("the demo fleet's day").isGreaterThan(300);
        await("the page shows the audit API's numbers").atMost(DEADLINE).untilAsserted(() -> {
            assertThat(number(text(browser, "activeUsers"))).isEqualTo(number(totals.get("users")));
            assertThat(number(text(browser, "sessions"))).isEqualTo(number(totals.get("sessions")));
            assertThat(number(text(browser, "toolCalls"))).isEqualTo(number(totals.get("toolCalls")));
            assertThat(number(text(browser, "violations"))).isEqualTo(violations);
            assertThat(number(text(browser, "denied"))).isEqualTo(number(totals.get("denied")));
            assertThat(text(browser, "demo")).contains(String.format("%,d", number(totals.get("demo"))));
        });
        long breakdown = browser.findElements(By.cssSelector("#byPolicy tr td:nth-child(3)")).stream().mapToLong(c -> number(c.getText())).sum();
        assertThat(breakdown).as("the breakdown sums to the headline's violations").isEqualTo(violations);
        assertThat(browser.findElements(By.cssSelector("#recent tr"))).as("recent violations listed").hasSizeGreaterThan(5);

        AgentTraffic traffic = new AgentTraffic(Files.createTempDirectory("live-traffic"), "127.0.0.1:" + platform.kafkaPort());
        String someone = "live-" + System.nanoTime() + "@acme.com";
        traffic.bash("m-" + someone, Identity.of(someone, "payments"), POLICY, Clock.systemUTC(), "rm -rf /srv/live");
        // Kafka has acknowledged the event: from here it must reach the page within 2 s.
        await("a violation appears live within 2 s").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                browser.findElements(By.cssSelector("#live li")).stream().anyMatch(li -> li.getText().contains(someone)));

        for (var size : List.of(new org.openqa.selenium.Dimension(1920, 1080), new org.openqa.selenium.Dimension(1366, 768))) {
            browser.manage().window().setSize(size);
            shot(browser, screenshots, "06-dashboard-" + size.getWidth() + "x" + size.getHeight());
        }
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1800));

        assertThat(platform.demo().run("--clear")).contains("removed " + number(totals.get("demo")) + " demo event(s)");
        browser.get("http://127.0.0.1:" + platform.reportPort() + "/dashboard/");
        await("the demo mark is gone with the demo data").atMost(DEADLINE).until(() -> !text(browser, "activeUsers").equals("-")
                && !browser.findElement(By.id("demo")).isDisplayed());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(body, Map.class);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).replaceAll("[^0-9]", ""));
    }

    private static void shot(WebDriver browser, Path dir, String name) throws IOException {
        Files.write(dir.resolve(name + ".png"), ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The test command installs what the browser test needs on a fresh machine: Debian's chromium and its driver. */
    private static void installChromiumIfMissing() throws Exception {
        DebianPackages.require("chromium", "chromium");
        DebianPackages.require("chromedriver", "chromium-driver");
    }
}
