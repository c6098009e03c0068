package io.flotilla.controlplane.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.controlplane.auth.AuthEnabledProfile;
import io.flotilla.controlplane.telemetry.TelemetryMaintenance;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium, against the running application with authentication on
 * and a small demo fleet registered through the API. Screenshots of each page go to target/screenshots/.
 * Skipped where chromium/chromedriver are not installed, unless FLOTILLA_REQUIRE_CHROMIUM=1 (CI).
 */
@QuarkusTest
@TestProfile(AuthEnabledProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * How often a wait looks at the page again: a redraw after a click or a live update takes tens of milliseconds,
     * and Selenium's default of 500 ms made most checks wait out a whole interval after their first look.
     */
    private static final Duration POLL = Duration.ofMillis(100);
    /** How often the playing agents report again while a check waits for the control plane to act on it. */
    private static final Duration REPORT_AGAIN = Duration.ofMillis(250);

    /** id, jurisdiction, lat, lon: three clusters the policy may use (EU, US), three it may not. */
    private static final List<Object[]> FLEET = List.of(
            new Object[] {"dm-fra", "DE", 50.11, 8.68}, new Object[] {"dm-par", "FR", 48.86, 2.35},
            new Object[] {"dm-nyc", "US", 40.71, -74.01}, new Object[] {"dm-bom", "IN-MH", 19.08, 72.88},
            new Object[] {"dm-syd", "AU", -33.87, 151.21}, new Object[] {"dm-sao", "BR", -23.55, -46.63});

    private static WebDriver driver;
    private static WebDriverWait wait;
    private static String token;

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TelemetryMaintenance maintenance;

    @BeforeAll
    static void startBrowser() throws Exception {
        boolean installed = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if (!installed && "1".equals(System.getenv("FLOTILLA_REQUIRE_CHROMIUM"))) {
            throw new IllegalStateException("chromium and chromium-driver are required (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(installed, "chromium/chromedriver not installed");
        Files.createDirectories(SCREENSHOTS);
        Path profile = Files.createTempDirectory("flotilla-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.INFO);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1000));
        wait = new WebDriverWait(driver, WAIT, POLL);
        wait.ignoring(StaleElementReferenceException.class); // tables are redrawn on live updates
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                System.out.println("browser console: " + e);
            }
            driver.quit();
        }
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void setValue(WebElement element, String value) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", element, value);
    }

    @Test
    @Order(1)
    void loginThenTheOverviewShowsTheDemoFleet() throws Exception {
        token = Files.readString(Path.of(AuthEnabledProfile.DATA_DIR, "admin-token")).trim();
        for (Object[] c : FLEET) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body("""
                    {"id": "%s", "jurisdiction": "%s", "latitude": %s, "longitude": %s, "labels": {"tier": "edge"},
                     "capacity": {"gpus": [{"model": "L4", "count": %d, "memoryGiB": 24}], "cpu": "32", "memory": "128Gi"}}
                    """.formatted(c[0], c[1], c[2], c[3], c[1].equals("DE") ? 8 : 2))
                    .post("/api/v1/clusters").then().statusCode(201);
        }

        driver.get(url("/"));
        wait.until(ExpectedConditions.urlContains("/login.html"));
        visible(By.id("token")).sendKeys("flt_wrong");
        driver.findElement(By.id("login-button")).click();
        assertThat(visible(By.id("login-error")).getText()).contains("not valid");
        screenshot("01-login");
        WebElement field = driver.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        driver.findElement(By.id("login-button")).click();

        WebElement total = visible(By.cssSelector("#count-total .n"));
        assertThat(total.getText()).isEqualTo(String.valueOf(FLEET.size()));
        eventually(() -> {
            assertThat(driver.findElements(By.cssSelector("svg.map circle.dot"))).hasSize(FLEET.size());
            assertThat(driver.findElement(By.cssSelector("#by-jurisdiction tr[data-jurisdiction='IN-MH'] td:nth-child(2)")).getText())
                    .isEqualTo("1");
        });
        assertThat(visible(By.id("who")).getText()).isEqualTo("bootstrap-admin (admin)");
        screenshot("02-overview");
    }

    @Test
    @Order(2)
    void clustersFilterByJurisdictionAndShowADetailPage() throws Exception {
        driver.get(url("/clusters.html"));
        visible(By.cssSelector("#clusters tbody tr"));
        assertThat(driver.findElements(By.cssSelector("#clusters tbody tr"))).hasSize(FLEET.size());
        new Select(driver.findElement(By.id("f-jurisdiction"))).selectByValue("DE");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#clusters tbody tr"), 1));
        eventually(() -> assertThat(driver.findElement(By.cssSelector("#clusters tbody tr")).getAttribute("data-cluster"))
                .isEqualTo("dm-fra"));
        new Select(driver.findElement(By.id("f-jurisdiction"))).selectByValue("");
        // the server answers the filter: the table is drawn again when its page arrives
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#clusters tbody tr"), FLEET.size()));
        driver.findElement(By.cssSelector("button[data-sort='gpus']")).click();
        driver.findElement(By.cssSelector("button[data-sort='gpus']")).click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#clusters tbody tr:first-child"), "data-cluster", "dm-fra"));
        screenshot("03-clusters");

        driver.get(url("/cluster.html?id=dm-fra"));
        wait.until(ExpectedConditions.textToBe(By.id("title"), "Cluster dm-fra"));
        assertThat(visible(By.id("telemetry")).getText()).contains("No telemetry");
        screenshot("04-cluster");
    }

    private static final List<String> POLICY_CLUSTERS = List.of("dm-fra", "dm-par", "dm-nyc");

    /** The agents of the policy's clusters report its workload available at their current desired generation. */
    private static void reportAvailable(MqttTestClient agents) throws Exception {
        for (String id : POLICY_CLUSTERS) {
            long generation = ((Number) given().auth().oauth2(token).get("/api/v1/clusters/" + id).then().statusCode(200)
                    .extract().path("desiredGeneration")).longValue();
            ClusterStatus status = ClusterStatus.newBuilder().setClusterId(id).setAppliedGeneration(generation)
                    .addWorkloads(WorkloadStatus.newBuilder().setName("chat-demo")
                            .setCondition(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE).setReadyReplicas(1)
                            .setDesiredReplicas(1).setEndpoint("http://chat-demo." + id + ":8000"))
                    .build();
            agents.publish(Topics.status(id), TestAgents.of(id).codec().encode(id, status), false);
        }
    }

    private static final String BROKEN = """
            apiVersion: flotilla.io/v1alpha1
            kind: FleetPolicy
            metadata:
              name: chat-demo
            spec:
              workload:
                model: meta-llama/Llama-3.1-8B-Instruct
                imgae: vllm/vllm-openai:v0.8.5
                resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
              placement:
                jurisdictions: [EU, US]
                minClusters: 1
                maxClusters: 3
              routing:
                alias: chat-demo
            """;

    @Test
    @Order(3)
    void aBrokenPolicyShowsItsErrorAtItsLine() throws Exception {
        driver.get(url("/policies.html"));
        setValue(visible(By.id("policy-yaml")), BROKEN);
        driver.findElement(By.id("dry-run")).click();
        visible(By.id("apply-error"));
        screenshot("05-policy-error");
        WebElement line8 = visible(By.cssSelector("#annotated .line.has-error[data-line='8']"));
        assertThat(line8.getText()).contains("imgae");
        assertThat(driver.findElement(By.cssSelector("#annotated .msg[data-error-line='8']")).getText())
                .contains("line 8").contains("did you mean 'image'");
        assertThat(driver.findElements(By.cssSelector("#annotated .line.has-error"))).allSatisfy(
                l -> assertThat(l.getAttribute("data-line")).isIn("7", "8")); // 7: the workload then lacks its image
        // a dry run stores nothing, a refused one least of all (other test classes may have left policies of their own)
        given().auth().oauth2(token).get("/api/v1/policies").then().statusCode(200).body("name", not(hasItem("chat-demo")));

        // a text without a policy is refused as fleetctl refuses a file without one, not "Valid" with nothing in it
        for (String text : new String[] {"", "# nothing yet\n---\n"}) {
            setValue(visible(By.id("policy-yaml")), text);
            driver.findElement(By.id("dry-run")).click();
            wait.until(d -> d.findElements(By.id("apply-error")).stream().anyMatch(e -> e.getText().startsWith("nothing to apply")));
            assertThat(driver.findElements(By.id("apply-ok"))).isEmpty();
            assertThat(driver.findElement(By.cssSelector("#annotated .msg[data-error-line='1']")).getText())
                    .contains("no policy in the request body (it is empty, or holds only comments or '---')");
            driver.get(url("/policies.html"));
        }
    }

    @Test
    @Order(4)
    void aValidPolicyAppliesAndItsPlacementExplainsEveryCluster() throws Exception {
        driver.get(url("/policies.html"));
        setValue(visible(By.id("policy-yaml")), BROKEN.replace("imgae:", "image:"));
        driver.findElement(By.id("apply")).click();
        visible(By.id("apply-ok"));
        assertThat(driver.findElement(By.cssSelector("#apply-results tr[data-policy='chat-demo']")).getText()).contains("created");
        visible(By.cssSelector("#policies tr[data-policy='chat-demo']"));
        screenshot("06-policies");

        // the list is redrawn when the apply's change event arrives: click whichever link is there then
        wait.until(d -> {
            d.findElement(By.cssSelector("#policies tr[data-policy='chat-demo'] a")).click();
            return true;
        });
        visible(By.cssSelector("#chosen tbody tr"));
        List<String> chosen = driver.findElements(By.cssSelector("#chosen tbody tr")).stream().map(r -> r.getAttribute("data-cluster")).toList();
        assertThat(chosen).containsExactlyInAnyOrder("dm-fra", "dm-par", "dm-nyc");
        assertThat(driver.findElement(By.cssSelector("#excluded tr[data-cluster='dm-bom']")).getText()).contains("IN-MH");
        visible(By.id("rollout"));
        visible(By.id("revisions"));
        screenshot("07-policy");
    }

    @Test
    @Order(5)
    void theRoutingPlaygroundRanksTheNearestEligibleClusterFirst() throws Exception {
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            // the agents report the policy's workload available at their current generation, again on each
            // poll (status is idempotent) until routing serves from all three
            await().atMost(Duration.ofSeconds(60)).pollInterval(REPORT_AGAIN).untilAsserted(() -> {
                reportAvailable(agents);
                given().auth().oauth2(token).get("/api/v1/route?model=chat-demo&site=mumbai").then().statusCode(200)
                        .body("candidates", hasSize(3));
            });
        }
        driver.get(url("/routing.html"));
        new Select(visible(By.id("r-site"))).selectByValue("mumbai");
        WebElement model = driver.findElement(By.id("r-model"));
        model.clear();
        model.sendKeys("chat-demo");
        driver.findElement(By.id("route-button")).click();
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", visible(By.cssSelector("#candidates tbody tr")));
        // Mumbai's own cluster is nearer, but IN is outside the policy's jurisdictions: Frankfurt is the nearest eligible one
        wait.until(d -> d.findElements(By.cssSelector("#candidates tbody tr")).stream()
                .map(r -> r.getAttribute("data-cluster")).toList().equals(List.of("dm-fra", "dm-par", "dm-nyc")));
        assertThat(driver.findElement(By.cssSelector("svg.map circle.best")).getAttribute("data-cluster")).isEqualTo("dm-fra");
        screenshot("08-routing");

        setValue(driver.findElement(By.id("r-jurisdiction")), "US");
        driver.findElement(By.id("route-button")).click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#candidates tbody tr:first-child"), "data-cluster", "dm-nyc"));
        assertThat(driver.findElements(By.cssSelector("#candidates tbody tr"))).hasSize(1);
    }

    @Test
    @Order(6)
    void theOverviewFollowsFleetChangesLiveWithoutAReload() throws Exception {
        driver.get(url("/"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#count-total .n"), String.valueOf(FLEET.size())));
        visible(By.id("live"));
        ((JavascriptExecutor) driver).executeScript("window.notReloaded = true;");
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"id\": \"dm-tyo\", \"jurisdiction\": \"JP\", \"latitude\": 35.68, \"longitude\": 139.69}")
                .post("/api/v1/clusters").then().statusCode(201);
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#count-total .n"), String.valueOf(FLEET.size() + 1)));
        assertThat(((JavascriptExecutor) driver).executeScript("return window.notReloaded === true;")).isEqualTo(true);
        assertThat(driver.findElements(By.cssSelector("svg.map circle.dot[data-cluster='dm-tyo']"))).hasSize(1);
    }

    @Test
    @Order(7)
    void theClusterPageDrawsTheLastHourAndTheTableSortsByGpuUtilisation() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        var times = new ArrayList<Instant>();
        var load = new ArrayList<Double>();
        for (int m = 40; m >= 1; m--) {
            if (m < 25 || m > 28) { // a gap of four minutes: the lines break there
                times.add(now.minus(m, ChronoUnit.MINUTES).plusSeconds(7));
                load.add(50 + 40 * Math.sin(m / 6.0));
            }
        }
        ApiFixtures.publishAndRollUp(brokerPort, dataSource, maintenance, "dm-fra", times, load);

        driver.get(url("/cluster.html?id=dm-fra"));
        visible(By.id("chart-gpu-util"));
        // the charts are drawn again on live updates: look them up afresh until one drawing passes every check
        eventually(() -> {
            WebElement gpuChart = driver.findElement(By.id("chart-gpu-util"));
            assertThat(gpuChart.findElements(By.cssSelector("polyline[data-series='GPU 0']"))).hasSize(2);
            assertThat(gpuChart.findElements(By.cssSelector("polyline[data-series='GPU 1']"))).hasSize(2);
            assertThat(driver.findElements(By.cssSelector("#charts svg.chart"))).hasSize(5);
            assertThat(driver.findElement(By.cssSelector("#chart-cpu title")).getAttribute("textContent"))
                    .startsWith("CPU over the last 60 minutes, 0 to 100 %");
            assertThat(gpuChart.findElements(By.cssSelector("text.tick"))).extracting(WebElement::getText).contains("0", "100");
        });
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", driver.findElement(By.id("history")));
        screenshot("09-cluster-charts");

        driver.get(url("/clusters.html"));
        wait.until(ExpectedConditions.textMatches(By.cssSelector("#clusters tr[data-cluster='dm-fra'] td.gpu-util"),
                java.util.regex.Pattern.compile("\\d+ %")));
        driver.findElement(By.cssSelector("button[data-sort='gpuUtil']")).click();
        driver.findElement(By.cssSelector("button[data-sort='gpuUtil']")).click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#clusters tbody tr:first-child"), "data-cluster", "dm-fra"));
        eventually(() -> assertThat(driver.findElement(By.cssSelector("#clusters tr[data-cluster='dm-par'] td.gpu-util")).getText())
                .isEqualTo("—"));
        screenshot("10-clusters-gpu");
    }

    @Test
    @Order(8)
    void enrollmentCreatesAClusterAndShowsItsInstallSnippet() throws Exception {
        driver.get(url("/enrollment.html"));
        visible(By.id("e-id")).sendKeys("dm-fra");
        driver.findElement(By.id("e-jurisdiction")).sendKeys("DE");
        new Select(driver.findElement(By.id("e-site"))).selectByValue("frankfurt");
        driver.findElement(By.id("enroll-button")).click();
        assertThat(visible(By.cssSelector("#enroll-error .error")).getText()).contains("'dm-fra' is already registered");
        screenshot("11-enrollment-error");

        WebElement id = driver.findElement(By.id("e-id"));
        id.clear();
        id.sendKeys("dm-ams");
        WebElement jurisdiction = driver.findElement(By.id("e-jurisdiction"));
        jurisdiction.clear();
        new Select(driver.findElement(By.id("e-site"))).selectByValue("amsterdam");
        assertThat(jurisdiction.getAttribute("value")).as("filled from the site").isEqualTo("NL");
        driver.findElement(By.id("e-labels")).sendKeys("tier=edge, gpu=l4");
        driver.findElement(By.id("enroll-button")).click();

        String snippet = visible(By.id("snippet")).getText();
        String credential = driver.findElement(By.id("bootstrap-token")).getText();
        assertThat(credential).startsWith("flb_");
        assertThat(snippet).contains("FLOTILLA_AGENT_CLUSTER_ID: \"dm-ams\"")
                .contains("FLOTILLA_AGENT_BOOTSTRAP_TOKEN: \"" + credential + "\"").doesNotContain("CHANGE-ME");
        driver.findElement(By.id("copy-snippet")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#copy-snippet + .copied"), "Copied"));
        visible(By.cssSelector("#enrollments tr[data-cluster='dm-ams']"));
        given().auth().oauth2(token).get("/api/v1/clusters/dm-ams").then().statusCode(200)
                .body("jurisdiction", org.hamcrest.Matchers.equalTo("NL")).body("labels.gpu", org.hamcrest.Matchers.equalTo("l4"));
        screenshot("12-enrollment");
    }

    @Test
    @Order(9)
    void theTokenPageCreatesAndRevokesATokenAndViewersDoNotSeeIt() throws Exception {
        driver.get(url("/tokens.html"));
        visible(By.id("t-name")).sendKeys("ci-grafana");
        new Select(driver.findElement(By.id("t-role"))).selectByValue("viewer");
        driver.findElement(By.id("create-token")).click();
        String secret = visible(By.id("token-secret")).getText();
        assertThat(secret).startsWith("flt_");
        visible(By.cssSelector("#tokens tr[data-token='ci-grafana']"));
        given().auth().oauth2(secret).get("/api/v1/whoami").then().statusCode(200).body("role", org.hamcrest.Matchers.equalTo("viewer"));
        screenshot("13-tokens");

        // the viewer's console has no admin pages in its navigation
        ((JavascriptExecutor) driver).executeScript("sessionStorage.setItem('flotilla.token', arguments[0]);", secret);
        driver.get(url("/"));
        wait.until(ExpectedConditions.textToBe(By.id("who"), "ci-grafana (viewer)"));
        assertThat(driver.findElements(By.cssSelector("nav a"))).extracting(WebElement::getText)
                .contains("Clusters").doesNotContain("Tokens", "Enrollment");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.setItem('flotilla.token', arguments[0]);", token);

        driver.get(url("/tokens.html"));
        visible(By.cssSelector("#tokens tr[data-token='ci-grafana'] button")).click();
        driver.switchTo().alert().accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#tokens tr[data-token='ci-grafana']"), "revoked"));
        given().auth().oauth2(secret).get("/api/v1/whoami").then().statusCode(401);
    }

    @Test
    @Order(10)
    void aValidPolicyAppliesAndItsRolloutProgressesFromWaveOneToDone() throws Exception {
        String changed = BROKEN.replace("imgae: vllm/vllm-openai:v0.8.5", "image: vllm/vllm-openai:v0.9.0") + """
                  rollout:
                    waveSize: 1
                    maxUnavailable: 0
                    pauseOnFailure: true
                """;
        driver.get(url("/policies.html"));
        setValue(visible(By.id("policy-yaml")), changed);
        driver.findElement(By.id("apply")).click();
        visible(By.id("apply-ok"));
        assertThat(driver.findElement(By.cssSelector("#apply-results tr[data-policy='chat-demo']")).getText()).contains("updated");

        driver.get(url("/policy.html?name=chat-demo"));
        wait.until(ExpectedConditions.textToBe(By.id("rollout-state"), "RUNNING"));
        eventually(() -> assertThat(driver.findElements(By.cssSelector("#waves tbody tr"))).extracting(r -> r.getAttribute("data-state"))
                .containsExactly("PROGRESSING", "PENDING", "PENDING"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", driver.findElement(By.id("rollout")));
        screenshot("14-rollout-wave-1");

        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            // the agents apply whatever they are given; each wave is released once the one before converged
            // the page redraws the rollout on live updates: an element found just before a redraw is stale
            await().atMost(Duration.ofSeconds(90)).pollInterval(REPORT_AGAIN)
                    .ignoreException(StaleElementReferenceException.class).untilAsserted(() -> {
                reportAvailable(agents);
                assertThat(driver.findElement(By.id("rollout-state")).getText()).isEqualTo("DONE");
            });
        }
        eventually(() -> assertThat(driver.findElements(By.cssSelector("#waves tbody tr"))).extracting(r -> r.getAttribute("data-state"))
                .containsExactly("DONE", "DONE", "DONE"));
        for (String id : POLICY_CLUSTERS) {
            given().auth().oauth2(token).get("/api/v1/clusters/" + id).then()
                    .body("workloads[0].desired.image", org.hamcrest.Matchers.equalTo("vllm/vllm-openai:v0.9.0"));
        }
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", driver.findElement(By.id("rollout")));
        screenshot("15-rollout-done");
    }

    @Test
    @Order(11)
    void afterLoginOnlySameOriginPagesAreFollowed() throws Exception {
        for (String next : List.of("/\\evil.example", "//evil.example", "https://evil.example/", "/\t/evil.example",
                "javascript:alert(1)")) {
            driver.get(url("/login.html?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)));
            visible(By.id("token")).sendKeys(token);
            driver.findElement(By.id("login-button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("who")));
            assertThat(driver.getCurrentUrl()).as("after login with next=%s", next).isEqualTo(url("/"));
        }
        driver.get(url("/login.html?next=" + java.net.URLEncoder.encode("/clusters.html?jurisdiction=DE",
                java.nio.charset.StandardCharsets.UTF_8)));
        visible(By.id("token")).sendKeys(token);
        driver.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.urlToBe(url("/clusters.html?jurisdiction=DE")));
    }

    @Test
    @Order(12)
    void aPolicyAppliedWithFleetctlIsInTheAuditLogWithItsTokensName() throws Exception {
        String fleetctlToken = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\":\"ci-fleetctl\",\"role\":\"operator\"}").post("/api/v1/tokens").then().statusCode(201)
                .extract().path("token");
        Path dir = Files.createTempDirectory("fleetctl-audit");
        Files.writeString(dir.resolve("audited.yaml"), BROKEN.replace("imgae: vllm/vllm-openai:v0.8.5", "image: vllm/vllm-openai:v0.9.1")
                .replace("name: chat-demo", "name: chat-audited").replace("alias: chat-demo", "alias: chat-audited"));
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine fleetctl = io.flotilla.fleetctl.Fleetctl.commandLine(
                new io.flotilla.fleetctl.Environment(java.util.Map.of(), dir));
        fleetctl.setOut(new java.io.PrintWriter(out, true));
        fleetctl.setErr(new java.io.PrintWriter(out, true));
        int exit = fleetctl.execute("--server", url(""), "--token", fleetctlToken, "apply", "-f", dir.resolve("audited.yaml").toString());
        assertThat(exit).as(out.toString()).isZero();

        given().auth().oauth2(token).get("/api/v1/audit?actor=ci-fleetctl").then().statusCode(200)
                .body("items[0].method", org.hamcrest.Matchers.equalTo("POST"))
                .body("items[0].path", org.hamcrest.Matchers.equalTo("/api/v1/policies"))
                .body("items[0].target", org.hamcrest.Matchers.equalTo("policies chat-audited"))
                .body("items[0].revision", org.hamcrest.Matchers.equalTo("chat-audited@1"))
                .body("items[0].actorRole", org.hamcrest.Matchers.equalTo("operator"));

        driver.get(url("/audit.html?actor=ci-fleetctl"));
        WebElement row = visible(By.cssSelector("#audit tbody tr[data-actor='ci-fleetctl']"));
        assertThat(row.getText()).contains("POST /api/v1/policies").contains("policies chat-audited").contains("chat-audited@1")
                .contains("200");
        assertThat(driver.findElements(By.cssSelector("#audit tbody tr"))).hasSize(1);
        screenshot("16-audit");
    }

    /** More clusters than one page of the cluster table (100): pg-000 to pg-104, every third in DE-BY, every other tier=edge. */
    private static final int PAGED = 105;

    @Test
    @Order(13)
    void theClusterTablePagesThroughTheFleetInIdOrderWithTheFiltersOnTheServer() throws Exception {
        for (int i = 0; i < PAGED; i++) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body("""
                    {"id": "pg-%03d", "jurisdiction": "%s", "labels": {"tier": "%s"}}
                    """.formatted(i, List.of("DE-BY", "FR", "US").get(i % 3), i % 2 == 0 ? "edge" : "core"))
                    .post("/api/v1/clusters").then().statusCode(201);
        }
        List<java.util.Map<String, Object>> fleet = given().auth().oauth2(token).get("/api/v1/clusters").then().statusCode(200)
                .extract().jsonPath().getList("$");
        List<String> all = fleet.stream().map(c -> (String) c.get("id")).toList();
        assertThat(all).hasSizeGreaterThan(100).isSorted();
        List<String> german = fleet.stream().filter(c -> ((String) c.get("jurisdiction")).matches("DE(-.*)?"))
                .map(c -> (String) c.get("id")).toList();
        List<String> edge = fleet.stream().filter(c -> c.get("labels") instanceof java.util.Map<?, ?> labels && "edge".equals(labels.get("tier")))
                .map(c -> (String) c.get("id")).toList();
        assertThat(german).hasSizeGreaterThan(30).hasSizeLessThan(100);
        assertThat(edge).hasSizeGreaterThan(50).hasSizeLessThan(100);

        // the first page: the first 100 clusters by id, then the next page the rest
        driver.get(url("/clusters.html"));
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(all.subList(0, 100)));
        assertThat(driver.findElement(By.id("shown")).getText()).isEqualTo("100 clusters shown (page 1, more on the next page)");
        assertThat(driver.findElement(By.id("clusters-prev")).isEnabled()).isFalse();
        screenshot("17-clusters-page-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("clusters-next"))).click();
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(all.subList(100, all.size())));
        assertThat(driver.findElement(By.id("shown")).getText())
                .isEqualTo((all.size() - 100) + " clusters shown (page 2, the last)");
        assertThat(driver.findElement(By.id("clusters-next")).isEnabled()).isFalse();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("clusters-prev"))).click();
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(all.subList(0, 100)));

        // a jurisdiction asked of the server: the country with its subdivisions, on one page, back to page 1
        wait.until(ExpectedConditions.elementToBeClickable(By.id("clusters-next"))).click();
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(all.subList(100, all.size())));
        new Select(driver.findElement(By.id("f-jurisdiction"))).selectByValue("DE");
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(german));
        assertThat(driver.findElements(By.cssSelector("#clusters tbody td.jurisdiction"))).extracting(WebElement::getText)
                .allSatisfy(j -> assertThat(j).matches("DE(-.*)?"));
        assertThat(driver.findElement(By.id("clusters-next")).isEnabled()).isFalse();
        assertThat(driver.findElement(By.id("clusters-prev")).isEnabled()).isFalse();
        assertThat(driver.getCurrentUrl()).contains("jurisdiction=DE");
        screenshot("18-clusters-jurisdiction");

        // a smaller page (?limit=) pages through the filtered clusters
        driver.get(url("/clusters.html?limit=10&jurisdiction=DE"));
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(german.subList(0, 10)));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("clusters-next"))).click();
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(german.subList(10, 20)));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("clusters-next"))).click();
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(german.subList(20, 30)));
        assertThat(driver.findElement(By.id("shown")).getText()).isEqualTo("10 clusters shown (page 3, more on the next page)");
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", driver.findElement(By.id("clusters-next")));
        screenshot("19-clusters-small-pages");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("clusters-prev"))).click();
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(german.subList(10, 20)));

        // a label filter is key=value, asked of the server too
        driver.get(url("/clusters.html"));
        eventually(() -> assertThat(rowIds()).hasSize(100));
        visible(By.id("f-label")).sendKeys("tier");
        visible(By.id("label-hint"));
        driver.findElement(By.id("f-label")).sendKeys(" = edge");
        eventually(() -> assertThat(rowIds()).containsExactlyElementsOf(edge));
        assertThat(driver.getCurrentUrl()).contains("label=tier");
    }

    /** "Last report" is the cluster's last sign of life, telemetry included, not the time of its last status. */
    @Test
    @Order(14)
    void lastReportCountsTelemetryNotOnlyStatus() throws Exception {
        given().auth().oauth2(token).get("/api/v1/clusters/dm-syd").then().statusCode(200)
                .body("lastStatusAt", org.hamcrest.Matchers.nullValue());
        ApiFixtures.publishAndRollUp(brokerPort, dataSource, maintenance, "dm-syd", List.of(Instant.now()), List.of(5.0));

        driver.get(url("/cluster.html?id=dm-syd"));
        wait.until(ExpectedConditions.textMatches(By.id("last-report"), java.util.regex.Pattern.compile("\\d+ s ago")));
        assertThat(driver.findElement(By.id("last-status")).getText()).isEqualTo("never");
        driver.get(url("/clusters.html?jurisdiction=AU"));
        wait.until(ExpectedConditions.textMatches(By.cssSelector("#clusters tr[data-cluster='dm-syd'] td.last-report"),
                java.util.regex.Pattern.compile("\\d+ s ago")));
    }

    /** The routing audit counts routed requests per serving cluster, for the jurisdiction chosen. */
    @Test
    @Order(15)
    void theRoutingAuditCountsRecordedRequestsPerServingClusterForTheJurisdictionChosen() throws Exception {
        try (var c = dataSource.getConnection(); var insert = c.prepareStatement("INSERT INTO routing_audit_count"
                + " (minute_start, allowed_jurisdictions, cluster_id, cluster_jurisdiction, requests) VALUES (?, ?, ?, ?, 1)")) {
            String[][] rows = {{"dm-fra", "DE", "EU"}, {"dm-fra", "DE", "DE"}, {"dm-par", "FR", "EU"}, {"dm-nyc", "US", "US"}};
            for (String[] row : rows) {
                insert.setTimestamp(1, java.sql.Timestamp.from(Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.MINUTES)));
                insert.setString(2, row[2]);
                insert.setString(3, row[0]);
                insert.setString(4, row[1]);
                insert.executeUpdate();
            }
        }
        driver.get(url("/routing-audit.html?jurisdiction=EU&hours=1"));
        WebElement fra = visible(By.cssSelector("#routing-audit tr[data-cluster='dm-fra']"));
        assertThat(fra.getText()).contains("DE").endsWith("2");
        assertThat(driver.findElements(By.cssSelector("#routing-audit tbody tr"))).hasSize(2);
        assertThat(driver.findElement(By.id("routing-audit-outside")).getText())
                .isEqualTo("0 of 3 requests bound to EU were served outside their allowed jurisdictions.");
        screenshot("20-routing-audit");

        setValue(driver.findElement(By.id("ra-jurisdiction")), "US");
        driver.findElement(By.id("routing-audit-apply")).click();
        wait.until(d -> d.findElements(By.cssSelector("#routing-audit tbody tr")).stream()
                .map(r -> r.getAttribute("data-cluster")).toList().equals(List.of("dm-nyc")));
        assertThat(driver.getCurrentUrl()).contains("jurisdiction=US");
    }

    /** The cluster table's rows, top to bottom. */
    private static List<String> rowIds() {
        return driver.findElements(By.cssSelector("#clusters tbody tr")).stream().map(r -> r.getAttribute("data-cluster")).toList();
    }

    /** Last: every page above ran under the console's Content-Security-Policy without one violation. */
    @Test
    @Order(100)
    void everyPageRanUnderTheContentSecurityPolicy() {
        for (String path : List.of("/", "/login.html", "/console/app.js", "/api/v1/clusters")) {
            given().auth().oauth2(token).get(path).then()
                    .header("Content-Security-Policy", org.hamcrest.Matchers.allOf(
                            org.hamcrest.Matchers.containsString("script-src 'self'"),
                            org.hamcrest.Matchers.containsString("frame-ancestors 'none'"),
                            org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("unsafe-inline"))))
                    .header("X-Frame-Options", "DENY")
                    .header("Referrer-Policy", "no-referrer")
                    .header("X-Content-Type-Options", "nosniff");
        }
        List<String> violations = driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")).toList();
        assertThat(violations).as("CSP violations reported by the browser").isEmpty();
    }

    /** Runs {@code check} until it passes (or the wait times out with its last failure), ignoring redraws. */
    private static void eventually(Runnable check) {
        new WebDriverWait(driver, WAIT, POLL).ignoring(StaleElementReferenceException.class).ignoring(AssertionError.class)
                .until(d -> {
                    check.run();
                    return true;
                });
    }
}
