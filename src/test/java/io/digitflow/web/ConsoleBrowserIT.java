package io.digitflow.web;

import io.digitflow.support.AppProcess;
import io.digitflow.broker.KafkaTestResource;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.data.MnistSplit;
import io.digitflow.stream.StreamTap;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser (Debian's chromium, headless, through chromedriver) against the
 * packaged service and a real broker: a digit drawn with the mouse comes back predicted through
 * Kafka, 1,000 digits sent move the live stream and the counters, an operator action is refused
 * without the token and goes through the control topic with it. Any error of the page's own
 * JavaScript fails the test. Skipped, with one line saying why, where no browser is installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String PREFIX = "console";
    private static final String TOKEN = "operator-token-for-the-browser-test";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static AppProcess service;
    private static WebDriver browser;
    private static String page;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("ConsoleBrowserIT skipped: no %s and %s (apt-get install chromium chromium-driver)",
                        CHROMIUM, CHROMEDRIVER).isTrue();
        bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(PREFIX + ".images", 3, Map.of()),
                    new TopicSpec(PREFIX + ".predictions", 3, Map.of()),
                    new TopicSpec(PREFIX + ".images.dlq", 1, Map.of()),
                    new TopicSpec(PREFIX + ".control", 1, Map.of()),
                    new TopicSpec(PREFIX + ".events", 1, Map.of()),
                    new TopicSpec(PREFIX + ".models", 1, Map.of("cleanup.policy", "compact")),
                    new TopicSpec(PREFIX + ".labeled", 1, Map.of())), Duration.ofSeconds(30));
        }
        TestModels.ensure();
        int port = freePort();
        page = "http://localhost:" + port + "/";
        Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("console-service.log");
        Files.deleteIfExists(log);
        service = AppProcess.serve(bootstrap, PREFIX, log, Map.of(
                "quarkus.http.port", String.valueOf(port),
                "digitflow.console.operator-token", TOKEN,
                "digitflow.topics.control", PREFIX + ".control",
                "digitflow.topics.models", PREFIX + ".models",
                "digitflow.topics.events", PREFIX + ".events",
                "digitflow.topics.labeled", PREFIX + ".labeled",
                "digitflow.serve.train-if-missing", "false"), TestModels.HOME);
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create(page + "q/health/ready");
        await("service ready (see " + log + ")").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> !service.isAlive() || status(http, ready) == 200);
        assertThat(service.isAlive()).as("service running (see %s)", log).isTrue();

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        browser.get(page);
        await("console live").atMost(Duration.ofSeconds(30))
                .until(() -> text("status").equals("live") && !text("model").equals("–"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                assertThat(errors()).as("the page's JavaScript errors").isEmpty();
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    @Order(1)
    void aDigitDrawnWithTheMouseComesBackPredictedThroughKafka() {
        WebElement pad = browser.findElement(By.id("pad"));
        // A one: a vertical stroke down the middle of the 280×280 pad (offsets are from its centre).
        Actions stroke = new Actions(browser).moveToElement(pad, 0, -100).clickAndHold();
        for (int y = -80; y <= 100; y += 20) {
            stroke = stroke.moveToElement(pad, 0, y);
        }
        stroke.release().perform();
        browser.findElement(By.id("send")).click();
        await("the prediction of the drawn digit").atMost(Duration.ofSeconds(30))
                .until(() -> text("answer-text").contains("round trip") || text("answer-text").contains("dead"));
        assertThat(text("answer-text")).contains("round trip").contains("through Kafka");
        assertThat(text("answer-digit")).isEqualTo("1");
        // What the model saw is drawn: the prepared 28×28 has ink in it.
        Long inked = (Long) ((JavascriptExecutor) browser).executeScript(
                "const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 84, 84).data;"
                        + "let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n;");
        assertThat(inked).isPositive();
    }

    @Test
    @Order(2)
    void thousandDigitsSentMoveTheLiveStreamAndTheCounters() throws Exception {
        long before = Long.parseLong(text("predictions"));
        MnistSplit test = TestMnist.get().test();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < 1_000; i++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(PREFIX + ".images", "digit-" + i, test.image(i));
                // Half carry their true digit, as `send --mnist-test` does: they fill the confusion matrix.
                if (i % 2 == 0) {
                    record.headers().add(StreamTap.LABEL_HEADER, Integer.toString(test.label(i)).getBytes(UTF_8));
                }
                producer.send(record);
            }
            // And one that cannot be a digit: the dead letters table shows it with its reason.
            producer.send(new ProducerRecord<>(PREFIX + ".images", "not-a-digit", new byte[783]));
            producer.flush();
        }
        await("counters moved").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> Long.parseLong(text("predictions")) >= before + 1_000);
        await("live tiles").atMost(Duration.ofSeconds(20))
                .until(() -> browser.findElements(By.cssSelector("#live li.prediction")).size() >= 2);
        await("the dead letter shown").atMost(Duration.ofSeconds(20))
                .until(() -> browser.findElement(By.id("dlq")).getText().contains("not-a-digit"));
        assertThat(text("dead-letters")).isNotEqualTo("0");
        await("the confusion matrix of the labelled half").atMost(Duration.ofSeconds(20))
                .until(() -> text("live-accuracy").matches("live accuracy .* of 500 labelled images.*"));
        // The test model reaches ~0.96 on MNIST: the live figure is of that order, from the labels alone.
        double accuracy = Double.parseDouble(text("live-accuracy").replaceAll("live accuracy ([0-9.]+) %.*", "$1"));
        assertThat(accuracy).isBetween(85.0, 100.0);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "console.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(3)
    void operatorActionsNeedTheTokenAndGoThroughTheControlTopic() {
        WebElement token = browser.findElement(By.id("token"));
        token.clear();
        browser.findElement(By.id("retrain")).click();
        await("refused without the token").atMost(Duration.ofSeconds(15))
                .until(() -> text("action").startsWith("refused"));
        assertThat(text("action")).contains("operator token missing or wrong");

        token.sendKeys(TOKEN);
        browser.findElement(By.id("rollback")).click();
        // One model and no history: the service answers on the events topic, and the page shows it.
        await("the rollback's outcome from the events topic").atMost(Duration.ofSeconds(60))
                .until(() -> text("action").matches("rollback (done|rejected|failed).*"));
        assertThat(browser.findElement(By.id("events")).getText()).contains("rollback");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> errors() {
        return (List<Object>) ((JavascriptExecutor) browser).executeScript("return window.consoleErrors || [];");
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
