package io.digitflow.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import io.digitflow.config.DigitflowConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.smallrye.config.WithDefault;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml, the Dockerfile and the Kubernetes manifests in deploy/ against the application
 * itself: topics and their settings from {@link Topics}, the HTTP port, health and metrics paths from
 * application.properties, environment variable names from {@link DigitflowConfig} and the code,
 * the image name from the project version. And each Kubernetes object against its API model.
 */
class DeploymentConsistencyTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path KUBERNETES = Path.of("deploy", "kubernetes");
    private static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile.jvm");
    /** Services of docker-compose.yml that run the digitflow image. */
    private static final String SERVICE = "digitflow";
    /** Topic settings that are the cluster's choice, not the application's. */
    private static final Set<String> CLUSTER_TOPIC_SETTINGS = Set.of("min.insync.replicas");
    /** The producer's close (OutputProducer) and leaving the group, after the drain. */
    private static final Duration AFTER_DRAIN = Duration.ofSeconds(15);

    private static JsonNode compose;
    private static Map<String, List<JsonNode>> kubernetes;
    private static Properties application;

    @BeforeAll
    static void load() throws IOException {
        // SnakeYAML resolves compose's merge keys (<<: *anchor); Jackson's YAML parser leaves them as keys.
        try (var in = Files.newBufferedReader(COMPOSE)) {
            compose = YAML.valueToTree(new org.yaml.snakeyaml.Yaml().load(in));
        }
        kubernetes = new TreeMap<>();
        for (Path file : manifests()) {
            try (var parser = YAML.createParser(file.toFile())) {
                for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                    if (doc != null && !doc.isEmpty()) {
                        kubernetes.computeIfAbsent(doc.path("kind").asText(), k -> new ArrayList<>()).add(doc);
                    }
                }
            }
        }
        application = new Properties();
        try (var in = DeploymentConsistencyTest.class.getResourceAsStream("/application.properties")) {
            application.load(in);
        }
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        }
    }

    // ---- topics ---------------------------------------------------------------------------------

    @Test
    void topicNamesInTheCodeAreTheConfigurationDefaults() throws Exception {
        Map<String, String> defaults = defaults(DigitflowConfig.Topics.class);
        assertThat(defaults).containsEntry("images", Topics.IMAGES).containsEntry("predictions", Topics.PREDICTIONS)
                .containsEntry("dead-letters", Topics.IMAGES_DLQ).containsEntry("control", Topics.CONTROL)
                .containsEntry("models", Topics.MODELS).containsEntry("events", Topics.EVENTS)
                .containsEntry("labeled", Topics.LABELED);
    }

    @Test
    void composeCreatesEveryTopicWithTheApplicationsSettings() {
        Map<String, TopicSpec> created = new LinkedHashMap<>();
        for (String line : service("topic-init").path("environment").path("TOPICS").asText().split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            Map<String, String> configs = new HashMap<>();
            for (int i = 2; i < words.length; i++) {
                String[] kv = words[i].split("=", 2);
                configs.put(kv[0], kv[1]);
            }
            created.put(words[0], new TopicSpec(words[0], Integer.parseInt(words[1]), configs));
        }
        assertThat(created).as("topics of topic-init").containsKey(Topics.IMAGES);
        List<TopicSpec> expected = Topics.all(created.get(Topics.IMAGES).partitions());
        assertThat(created.values()).containsExactlyInAnyOrderElementsOf(expected);
        // The service must not rename a topic behind topic-init's back.
        assertThat(serviceEnvironment(SERVICE).keySet()).noneMatch(k -> k.startsWith("DIGITFLOW_TOPICS_")
                && !k.equals("DIGITFLOW_TOPICS_IMAGES_PARTITIONS"));
        assertThat(service(SERVICE).path("deploy").path("replicas").asInt())
                .as("replicas within the partitions").isBetween(1, created.get(Topics.IMAGES).partitions());
    }

    @Test
    void strimziTopicsAreEveryTopicWithTheApplicationsSettings() {
        Map<String, JsonNode> topics = new HashMap<>();
        for (JsonNode topic : kind("KafkaTopic")) {
            topics.put(topic.path("spec").path("topicName").asText(topic.path("metadata").path("name").asText()), topic);
        }
        int partitions = topics.get(Topics.IMAGES).path("spec").path("partitions").asInt();
        List<TopicSpec> expected = Topics.all(partitions);
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(TopicSpec::name).toList());
        for (TopicSpec spec : expected) {
            JsonNode topic = topics.get(spec.name()).path("spec");
            assertThat(topic.path("partitions").asInt()).as(spec.name()).isEqualTo(spec.partitions());
            Map<String, String> config = strings(topic.path("config"));
            assertThat(config).as(spec.name()).containsAllEntriesOf(spec.configs());
            assertThat(config.keySet()).as(spec.name() + ": only the application's settings and the cluster's")
                    .allMatch(k -> spec.configs().containsKey(k) || CLUSTER_TOPIC_SETTINGS.contains(k));
        }
        // KEDA: one replica per partition at most, on the lag of the service's group on the images topic.
        JsonNode scaled = single("ScaledObject");
        assertThat(scaled.path("spec").path("maxReplicaCount").asInt()).isEqualTo(partitions);
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo(Topics.IMAGES);
        Map<String, String> config = strings(single("ConfigMap").path("data"));
        assertThat(trigger.path("metadata").path("consumerGroup").asText())
                .isEqualTo(config.getOrDefault("DIGITFLOW_CONSUMER_GROUP", defaults(DigitflowConfig.class).get("consumer-group")));
        assertThat(trigger.path("metadata").path("bootstrapServers").asText()).isEqualTo(config.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(single("Deployment").path("metadata").path("name").asText());
        assertThat(trigger.path("authenticationRef").path("name").asText())
                .isEqualTo(single("TriggerAuthentication").path("metadata").path("name").asText());
    }

    // ---- image, ports, health ---------------------------------------------------------------------

    @Test
    void everyDeploymentRunsThisVersionsImage() throws IOException {
        String image = "digitflow/digitflow:" + projectVersion();
        for (String name : List.of(SERVICE, "model-init", "send", "watch")) {
            assertThat(service(name).path("image").asText()).as(name).isEqualTo(image);
            assertThat(service(name).path("build").path("dockerfile").asText()).isEqualTo(DOCKERFILE.toString());
        }
        for (JsonNode workload : List.of(single("Deployment"), single("Job"))) {
            for (JsonNode container : workload.path("spec").path("template").path("spec").path("containers")) {
                assertThat(container.path("image").asText()).as(workload.path("kind").asText()).isEqualTo(image);
            }
        }
        assertThat(single("Job").path("spec").path("template").path("spec").path("containers").get(0)
                .path("args").get(0).asText()).isEqualTo("train");
        // The broker of compose is the version the application's Kafka clients are (as in KafkaTestResource).
        assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(service("topic-init").path("image").asText()).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
    }

    @Test
    void portsHealthAndMetricsPathsAreTheApplications() throws IOException {
        int port = httpPort();
        // Quarkus's non-application root (/q) and health paths are the defaults: nothing moves them.
        assertThat(application.stringPropertyNames()).noneMatch(k -> k.startsWith("quarkus.smallrye-health.")
                || k.equals("quarkus.http.non-application-root-path"));
        String metrics = application.getProperty("quarkus.micrometer.export.prometheus.path");

        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dockerfile).contains("EXPOSE " + port).contains("${DIGITFLOW_HTTP_PORT:-" + port + "}")
                .contains("GET /q/health ").containsPattern("(?m)^USER 185$");
        assertThat(lastMatch(dockerfile, "(?m)^USER (\\S+)$")).as("runs as non-root").isNotEqualTo("root");

        assertThat(service(SERVICE).path("expose").get(0).asText()).isEqualTo(String.valueOf(port));
        assertThat(serviceEnvironment(SERVICE).getOrDefault("DIGITFLOW_HTTP_PORT", String.valueOf(port)))
                .isEqualTo(String.valueOf(port));
        JsonNode prometheus = YAML.readTree(Path.of("deploy", "compose", "prometheus.yml").toFile())
                .path("scrape_configs").get(0);
        assertThat(prometheus.path("metrics_path").asText()).isEqualTo(metrics);
        assertThat(prometheus.path("dns_sd_configs").get(0).path("names").get(0).asText()).isEqualTo(SERVICE);
        assertThat(prometheus.path("dns_sd_configs").get(0).path("port").asInt()).isEqualTo(port);

        JsonNode pod = single("Deployment").path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(port);
        String portName = container.path("ports").get(0).path("name").asText();
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isIn(portName, String.valueOf(port));
        }
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/path").asText()).isEqualTo(metrics);
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo(String.valueOf(port));
        assertThat(single("Service").path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo(portName);
    }

    @Test
    void terminationWaitsLongerThanADrain() {
        Map<String, String> config = strings(single("ConfigMap").path("data"));
        Duration drain = duration(config.getOrDefault("DIGITFLOW_SERVE_DRAIN_TIMEOUT",
                defaults(DigitflowConfig.Serve.class).get("drain-timeout")));
        long grace = single("Deployment").path("spec").path("template").path("spec")
                .path("terminationGracePeriodSeconds").asLong();
        assertThat(Duration.ofSeconds(grace)).isGreaterThan(drain.plus(AFTER_DRAIN));
        Duration composeDrain = duration(serviceEnvironment(SERVICE).getOrDefault("DIGITFLOW_SERVE_DRAIN_TIMEOUT",
                defaults(DigitflowConfig.Serve.class).get("drain-timeout")));
        assertThat(duration(service(SERVICE).path("stop_grace_period").asText())).isGreaterThan(composeDrain.plus(AFTER_DRAIN));
    }

    @Test
    void selectorsAndReferencesPointAtObjectsThatExist() throws IOException {
        JsonNode deployment = single("Deployment");
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        for (String kind : List.of("PodDisruptionBudget", "Service")) {
            JsonNode selector = kind.equals("Service") ? single(kind).path("spec").path("selector")
                    : single(kind).path("spec").path("selector").path("matchLabels");
            strings(selector).forEach((k, v) -> assertThat(labels.path(k).asText()).as(kind + " selects " + k).isEqualTo(v));
        }
        Set<String> names = new TreeSet<>();
        kubernetes.forEach((kind, docs) -> docs.forEach(d -> names.add(kind + "/" + d.path("metadata").path("name").asText())));
        for (JsonNode workload : List.of(deployment, single("Job"))) {
            JsonNode pod = workload.path("spec").path("template").path("spec");
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("persistentVolumeClaim")) {
                    assertThat(names).contains("PersistentVolumeClaim/" + volume.path("persistentVolumeClaim").path("claimName").asText());
                }
            }
            for (JsonNode from : pod.path("containers").get(0).path("envFrom")) {
                assertThat(names).contains("ConfigMap/" + from.path("configMapRef").path("name").asText());
            }
            for (JsonNode env : pod.path("containers").get(0).path("env")) {
                JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    JsonNode secret = kind("Secret").stream().filter(s -> s.path("metadata").path("name").asText()
                            .equals(ref.path("name").asText())).findFirst().orElseThrow();
                    assertThat(secret.path("stringData").has(ref.path("key").asText())).as(env.toString()).isTrue();
                }
            }
        }
        // kustomization.yaml lists exactly the manifests of the folder.
        JsonNode kustomization = YAML.readTree(KUBERNETES.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(manifests().stream().map(p -> p.getFileName().toString()).toList());
    }

    // ---- environment variables ----------------------------------------------------------------------

    @Test
    void everyEnvironmentVariableIsOneTheApplicationReads() throws IOException {
        Set<String> known = applicationVariables();
        Map<String, Collection<String>> given = new TreeMap<>();
        for (String name : List.of(SERVICE, "model-init", "send", "watch")) {
            given.put("compose " + name, serviceEnvironment(name).keySet());
        }
        given.put("ConfigMap", strings(single("ConfigMap").path("data")).keySet());
        for (JsonNode workload : List.of(single("Deployment"), single("Job"))) {
            List<String> env = new ArrayList<>();
            workload.path("spec").path("template").path("spec").path("containers").get(0).path("env")
                    .forEach(e -> env.add(e.path("name").asText()));
            given.put(workload.path("kind").asText(), env);
        }
        Matcher dockerEnv = Pattern.compile("(?m)^ENV (\\w+)=").matcher(Files.readString(DOCKERFILE));
        List<String> image = new ArrayList<>();
        while (dockerEnv.find()) {
            image.add(dockerEnv.group(1));
        }
        given.put("Dockerfile", image);
        // The base image's launcher (run-java.sh) reads these.
        Set<String> launcher = Set.of("JAVA_OPTS_APPEND", "JAVA_APP_JAR", "JAVA_MAX_MEM_RATIO", "JAVA_INITIAL_MEM_RATIO",
                "LANGUAGE");
        given.forEach((where, names) -> assertThat(names).as(where).allSatisfy(name -> {
            if (name.startsWith("KAFKA_")) {
                assertThat(kafkaClientSettings()).as("%s: %s is a Kafka client setting", where, name)
                        .contains(name.substring("KAFKA_".length()).toLowerCase().replace('_', '.'));
            } else {
                assertThat(known).as("%s: %s is read by the application", where, name)
                        .contains(name);
                assertThat(launcher.contains(name) || name.startsWith("DIGITFLOW_")).as(name).isTrue();
            }
        }));
    }

    /** DIGITFLOW_* names SmallRye maps onto DigitflowConfig, those the code and application.properties read, the launcher's. */
    private static Set<String> applicationVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String property : properties("digitflow", DigitflowConfig.class)) {
            names.add(property.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        Matcher placeholders = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):").matcher(
                Files.readString(Path.of("src", "main", "resources", "application.properties")));
        while (placeholders.find()) {
            names.add(placeholders.group(1));
        }
        try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher getenv = Pattern.compile("getenv\\(\"([A-Z0-9_]+)\"\\)").matcher(Files.readString(source));
                while (getenv.find()) {
                    names.add(getenv.group(1));
                }
            }
        }
        names.addAll(Set.of("JAVA_OPTS_APPEND", "JAVA_APP_JAR", "JAVA_MAX_MEM_RATIO", "JAVA_INITIAL_MEM_RATIO", "LANGUAGE"));
        return names;
    }

    private static Set<String> kafkaClientSettings() {
        Set<String> names = new TreeSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    // ---- schema ---------------------------------------------------------------------------------------

    /**
     * Each Kubernetes object read into its typed API model (fabric8's, generated from the Kubernetes
     * OpenAPI; Strimzi's own for KafkaTopic): a misspelt or misplaced field lands in an
     * {@code additionalProperties} map, a wrong type fails to parse. KEDA publishes no Java model:
     * its objects are checked by the tests above only.
     */
    @Test
    void kubernetesObjectsMatchTheirApiModels() {
        Map<String, Class<?>> models = Map.of("ConfigMap", ConfigMap.class, "Secret", Secret.class,
                "PersistentVolumeClaim", PersistentVolumeClaim.class, "Deployment", Deployment.class,
                "Service", Service.class, "PodDisruptionBudget", PodDisruptionBudget.class, "Job", Job.class,
                "KafkaTopic", KafkaTopic.class);
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        assertThat(kubernetes.keySet()).containsExactlyInAnyOrder("ConfigMap", "Secret", "PersistentVolumeClaim",
                "Deployment", "Service", "PodDisruptionBudget", "Job", "KafkaTopic", "ScaledObject",
                "TriggerAuthentication");
        models.forEach((kind, model) -> {
            for (JsonNode doc : kind(kind)) {
                String where = kind + "/" + doc.path("metadata").path("name").asText();
                assertThat(doc.path("metadata").path("name").asText()).as(where).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
                Object typed;
                try {
                    typed = strict.treeToValue(doc, model);
                } catch (IOException e) {
                    throw new AssertionError(where + " does not parse as " + model.getSimpleName() + ": " + e.getMessage(), e);
                }
                List<String> unknown = new ArrayList<>();
                unknownFields(typed, where, unknown, new IdentityHashMap<>());
                assertThat(unknown).as("fields the API does not have").isEmpty();
            }
        });
        for (String kind : List.of("ScaledObject", "TriggerAuthentication")) {
            assertThat(kind(kind)).allSatisfy(doc -> assertThat(doc.path("apiVersion").asText()).isEqualTo("keda.sh/v1alpha1"));
        }
    }

    /** Every non-empty additionalProperties map in the object graph of a typed model. */
    private static void unknownFields(Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, true) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.kubernetes.api.model") && !type.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(child, path + "." + getter.getName().replaceFirst("^(get|is)", ""), unknown, seen);
            }
        }
    }

    // ---- exactly-once variant -------------------------------------------------------------------------

    private static final Path EXACTLY_ONCE = Path.of("deploy", "kubernetes-exactly-once");

    /** The StatefulSet runs the very pod of the Deployment: one template to review, not two drifting apart. */
    @Test
    void theStatefulSetRunsTheDeploymentsPod() throws IOException {
        JsonNode statefulSet = YAML.readTree(EXACTLY_ONCE.resolve("statefulset.yaml").toFile());
        assertThat(statefulSet.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(statefulSet.path("spec").path("template")).isEqualTo(single("Deployment").path("spec").path("template"));
        assertThat(statefulSet.path("spec").path("selector")).isEqualTo(single("Deployment").path("spec").path("selector"));
        io.fabric8.kubernetes.api.model.apps.StatefulSet typed =
                YAML.treeToValue(statefulSet, io.fabric8.kubernetes.api.model.apps.StatefulSet.class);
        assertThat(typed.getSpec().getAdditionalProperties()).isEmpty();
    }

    /** The replica id (transactional.id, group.instance.id) is the pod's name, stable in a StatefulSet. */
    @Test
    void theReplicaIdIsThePodName() {
        JsonNode env = single("Deployment").path("spec").path("template").path("spec").path("containers").get(0).path("env");
        List<String> fields = new ArrayList<>();
        env.forEach(e -> {
            if (e.path("name").asText().equals("DIGITFLOW_REPLICA_ID")) {
                fields.add(e.path("valueFrom").path("fieldRef").path("fieldPath").asText());
            }
        });
        assertThat(fields).containsExactly("metadata.name");
    }

    @Test
    void kustomizeBuildsTheExactlyOnceVariant() throws Exception {
        assumeTrue(runs("kubectl", "version", "--client"), "kubectl is not installed");
        Process build = new ProcessBuilder("kubectl", "kustomize", EXACTLY_ONCE.toString()).redirectErrorStream(true).start();
        String out = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(build.exitValue()).as(out).isZero();
        assertThat(out).contains("kind: StatefulSet", "DIGITFLOW_DELIVERY: exactly-once").doesNotContain("kind: Deployment");
        assertThat(out).containsPattern("scaleTargetRef:\\s+kind: StatefulSet");
    }

    // ---- the tools themselves, where this machine has them ------------------------------------------

    @Test
    void kustomizeBuildsTheManifests() throws Exception {
        assumeTrue(runs("kubectl", "version", "--client"), "kubectl is not installed");
        Process build = new ProcessBuilder("kubectl", "kustomize", KUBERNETES.toString()).redirectErrorStream(true).start();
        String out = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(build.exitValue()).as(out).isZero();
        assertThat(out).contains("kind: Deployment", "kind: ScaledObject", "kind: KafkaTopic", "namespace: digitflow");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(runs("docker", "compose", "version"), "docker compose is not installed");
        Process config = new ProcessBuilder("docker", "compose", "-f", COMPOSE.toString(), "config", "--quiet")
                .redirectErrorStream(true).start();
        String out = new String(config.getInputStream().readAllBytes());
        assertThat(config.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(config.exitValue()).as(out).isZero();
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(1, TimeUnit.MINUTES) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertThat(service.isMissingNode()).as("compose service " + name).isFalse();
        return service;
    }

    private static Map<String, String> serviceEnvironment(String name) {
        return strings(service(name).path("environment"));
    }

    private static List<JsonNode> kind(String kind) {
        return kubernetes.getOrDefault(kind, List.of());
    }

    private static JsonNode single(String kind) {
        assertThat(kind(kind)).as(kind).hasSize(1);
        return kind(kind).get(0);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        if (object instanceof ObjectNode node) {
            node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }

    private static int httpPort() {
        Matcher port = Pattern.compile("\\$\\{DIGITFLOW_HTTP_PORT:(\\d+)}").matcher(application.getProperty("quarkus.http.port"));
        assertThat(port.matches()).as("quarkus.http.port").isTrue();
        return Integer.parseInt(port.group(1));
    }

    private static String projectVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>digitflow</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).as("project version in pom.xml").isTrue();
        return version.group(1);
    }

    private static String lastMatch(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        return last;
    }

    /** "20s", "45s", "2m" as compose and SmallRye write them. */
    private static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        assertThat(m.matches()).as("a duration: " + text).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The @WithDefault values of a config interface's methods, by property name. */
    private static Map<String, String> defaults(Class<?> config) {
        Map<String, String> defaults = new HashMap<>();
        for (Method method : config.getDeclaredMethods()) {
            WithDefault value = method.getAnnotation(WithDefault.class);
            if (value != null) {
                defaults.put(kebab(method.getName()), value.value());
            }
        }
        return defaults;
    }

    /** Every property name of a @ConfigMapping interface, nested groups included. */
    private static Set<String> properties(String prefix, Class<?> config) {
        Set<String> names = new TreeSet<>();
        for (Method method : config.getDeclaredMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0) {
                continue;
            }
            String name = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() != null && type.getName().startsWith("io.digitflow")) {
                names.addAll(properties(name, type));
            } else {
                names.add(name);
            }
        }
        return names;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
