package org.glean.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.deploy.KubernetesManifests.containerPort;
import static org.glean.deploy.KubernetesManifests.containers;
import static org.glean.deploy.KubernetesManifests.env;
import static org.glean.deploy.KubernetesManifests.imageName;
import static org.glean.deploy.KubernetesManifests.imageTag;
import static org.glean.deploy.KubernetesManifests.podSpec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glean.deploy.KubernetesManifests.Manifest;
import org.glean.docs.DeclaredProperties;
import org.glean.inference.InferenceConfig;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under deploy/k8s, checked without a cluster: they are parsed and their
 * references to each other (Services to Deployments, env to Secrets, mounts to volumes, images to
 * the kustomization) must resolve.
 */
class DeployManifestsTest {

    private static final List<String> DATASOURCE_VARIABLES =
            List.of("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
    private static final String GPU = "nvidia.com/gpu";
    private static final String METRICS_PATH = "/q/metrics";
    private static final Map<String, String> PROBE_PATHS = Map.of("startupProbe", "/q/health/started",
            "readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live");
    private static final String TLS_SECRET = "glean-tls";
    private static final String JWT_SECRET = "glean-jwt";

    private final KubernetesManifests manifests = KubernetesManifests.read();

    @Test
    void kustomizationListsEveryManifestFileAndOnlyThose() {
        Set<String> listed = new TreeSet<>();
        manifests.kustomization().path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> files = new TreeSet<>();
        for (Path file : KubernetesManifests.yamlFiles()) {
            String relative = KubernetesManifests.DIRECTORY.relativize(file).toString();
            if (!relative.equals(KubernetesManifests.KUSTOMIZATION_FILE)) {
                files.add(relative);
            }
        }
        assertThat(files).isNotEmpty();
        assertThat(listed).isEqualTo(files);
    }

    @Test
    void everyDocumentIsANamedKubernetesObjectOfAKnownKind() {
        Set<String> kindAndName = new HashSet<>();
        for (Manifest manifest : manifests.resources()) {
            assertThat(manifest.document().path("apiVersion").asText()).as(manifest.file() + " apiVersion").isNotEmpty();
            assertThat(manifest.kind()).as(manifest.file() + " kind")
                    .isIn("Deployment", "Service", "Secret", "PersistentVolumeClaim");
            assertThat(manifest.name()).as(manifest.file() + " metadata.name").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            assertThat(kindAndName.add(manifest.kind() + "/" + manifest.name())).as("duplicate " + manifest.name()).isTrue();
        }
        assertThat(manifests.ofKind("Deployment")).hasSize(2);
        assertThat(manifests.ofKind("Service")).hasSize(2);
    }

    @Test
    void everyServiceSelectsOneDeploymentAndTargetsItsContainerPorts() {
        for (JsonNode service : manifests.ofKind("Service")) {
            String serviceName = service.path("metadata").path("name").asText();
            Map<String, String> selector = stringMap(service.path("spec").path("selector"));
            assertThat(selector).as(serviceName + " selector").isNotEmpty();
            List<JsonNode> selected = manifests.ofKind("Deployment").stream()
                    .filter(d -> stringMap(d.path("spec").path("template").path("metadata").path("labels"))
                            .entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertThat(selected).as(serviceName + " selects exactly one Deployment").hasSize(1);
            JsonNode deployment = selected.get(0);
            assertThat(stringMap(deployment.path("spec").path("selector").path("matchLabels")))
                    .as("the Deployment's own selector").isEqualTo(selector);

            Map<String, Integer> containerPorts = new HashMap<>();
            for (JsonNode container : containers(deployment)) {
                container.path("ports").forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
            }
            assertThat(service.path("spec").path("ports")).as(serviceName + " ports").isNotEmpty();
            for (JsonNode port : service.path("spec").path("ports")) {
                JsonNode target = port.path("targetPort");
                if (target.isTextual()) {
                    assertThat(containerPorts).as(serviceName + " targetPort " + target.asText()).containsKey(target.asText());
                } else {
                    assertThat(containerPorts.values()).as(serviceName + " targetPort " + target).contains(target.asInt());
                }
            }
        }
    }

    /**
     * TLS is on by default and the port is TLS-only, and Kubernetes' grpc probes speak plaintext: every
     * probe is an HTTPS GET of its health path (served without a token) on the gRPC port, readiness
     * the checks of database, store and model, liveness the process only, and no container turns TLS off.
     */
    @Test
    void probesAreHttpsGetsOfTheHealthPathsOnTheGrpcPort() {
        assertThat(applicationProperties().getProperty("glean.tls.enabled")).isEqualTo("${GLEAN_TLS_ENABLED:true}");
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                int grpcPort = containerPort(container, "grpc");
                assertThat(env(container, "GLEAN_TLS_ENABLED").map(e -> e.path("value").asText()))
                        .as(container.path("name").asText() + " keeps TLS on").isNotEqualTo(Optional.of("false"));
                for (Map.Entry<String, String> probePath : PROBE_PATHS.entrySet()) {
                    String probeName = probePath.getKey();
                    JsonNode probe = container.path(probeName);
                    String where = container.path("name").asText() + " " + probeName;
                    assertThat(probe.isObject()).as(where + " present").isTrue();
                    assertThat(probe.has("grpc") || probe.has("tcpSocket") || probe.has("exec"))
                            .as(where + " is an httpGet only (grpc probes cannot speak TLS)").isFalse();
                    JsonNode get = probe.path("httpGet");
                    assertThat(get.path("scheme").asText()).as(where + " scheme").isEqualTo("HTTPS");
                    assertThat(get.path("path").asText()).as(where + " path").isEqualTo(probePath.getValue());
                    JsonNode port = get.path("port");
                    int probedPort = port.isInt() ? port.asInt() : containerPort(container, port.asText());
                    assertThat(probedPort).as(where + " port").isEqualTo(grpcPort);
                }
                JsonNode annotations = deployment.path("spec").path("template").path("metadata").path("annotations");
                assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(METRICS_PATH);
                assertThat(annotations.path("prometheus.io/scheme").asText()).as("metrics are scraped over TLS").isEqualTo("https");
            }
        }
        for (JsonNode service : manifests.ofKind("Service")) {
            service.path("spec").path("ports").forEach(p -> assertThat(p.path("appProtocol").asText())
                    .as("the port is TLS, not h2c").isNotEqualTo("kubernetes.io/h2c"));
        }
    }

    /** Both pods present the certificate and key of the kubernetes.io/tls Secret, mounted read-only where the env points. */
    @Test
    void tlsCertificateAndKeyComeFromTheMountedTlsSecret() {
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                SecretFile certificate = secretFile(deployment, container, "QUARKUS_TLS_KEY_STORE_PEM_0_CERT");
                SecretFile key = secretFile(deployment, container, "QUARKUS_TLS_KEY_STORE_PEM_0_KEY");
                assertThat(certificate).isEqualTo(new SecretFile(TLS_SECRET, "tls.crt"));
                assertThat(key).isEqualTo(new SecretFile(TLS_SECRET, "tls.key"));
            }
        }
        assertThat(manifests.find("Secret", TLS_SECRET).orElseThrow().path("type").asText()).isEqualTo("kubernetes.io/tls");
        // the environment variables are the properties that LocalSecurityMaterial and Quarkus read
        assertThat(environmentName("quarkus.tls.key-store.pem.0.cert")).isEqualTo("QUARKUS_TLS_KEY_STORE_PEM_0_CERT");
        assertThat(environmentName("quarkus.tls.key-store.pem.0.key")).isEqualTo("QUARKUS_TLS_KEY_STORE_PEM_0_KEY");
    }

    /**
     * The server calls the inference Service by the name its certificate carries, trusts the CA of the
     * TLS Secret and sends the token of its own Secret; the variables are InferenceConfig's properties.
     */
    @Test
    void serverCallsTheInferenceServiceOverTlsWithTheInferenceToken() throws NoSuchMethodException {
        JsonNode server = manifests.deployment("glean-server");
        JsonNode container = single(containers(server));
        JsonNode inferenceService = manifests.find("Service", "glean-inference").orElseThrow();
        assertThat(value(container, "GLEAN_INFERENCE_MODE")).isEqualTo("remote");
        assertThat(value(container, environmentName("glean.inference.remote.host"))).isEqualTo("glean-inference");
        assertThat(value(container, environmentName("glean.inference.remote.port")))
                .isEqualTo(inferenceService.path("spec").path("ports").get(0).path("port").asText());
        assertThat(env(container, environmentName("glean.inference.remote.plaintext"))).isEmpty();
        assertThat(applicationProperties()).containsKeys("glean.inference.remote.host", "glean.inference.remote.port");
        // ca and token-file have no line in application.properties: they are InferenceConfig.Remote's
        InferenceConfig.Remote.class.getMethod("ca");
        InferenceConfig.Remote.class.getMethod("tokenFile");

        assertThat(secretFile(server, container, environmentName("glean.inference.remote.ca")))
                .isEqualTo(new SecretFile(TLS_SECRET, "ca.crt"));
        SecretFile token = secretFile(server, container, environmentName("glean.inference.remote.token-file"));
        assertThat(token.secret()).isEqualTo("glean-inference-token");
        assertThat(manifests.find("Secret", token.secret()).orElseThrow().path("stringData").path(token.key()).asText())
                .contains("PLACEHOLDER");

        // only the server holds the inference token
        for (JsonNode volume : podSpec(manifests.deployment("glean-inference")).path("volumes")) {
            assertThat(volume.path("secret").path("secretName").asText()).isNotEqualTo(token.secret());
        }
    }

    /**
     * One token key pair for both pods: the server signs and verifies with it, the inference pods
     * verify the server's token with its public key and get no private key.
     */
    @Test
    void tokenKeysComeFromOneSecretAndOnlyTheServerGetsTheSigningKey() {
        assertThat(applicationProperties()).containsKeys("glean.security.token.signing-key", "mp.jwt.verify.publickey.location");
        String signingVariable = environmentName("glean.security.token.signing-key");
        String verifyVariable = environmentName("mp.jwt.verify.publickey.location");

        JsonNode server = manifests.deployment("glean-server");
        JsonNode serverContainer = single(containers(server));
        SecretFile signing = secretFile(server, serverContainer, signingVariable);
        SecretFile verify = secretFile(server, serverContainer, verifyVariable);
        assertThat(signing.secret()).isEqualTo(verify.secret()).isEqualTo(JWT_SECRET);

        JsonNode inference = manifests.deployment("glean-inference");
        JsonNode inferenceContainer = single(containers(inference));
        assertThat(secretFile(inference, inferenceContainer, verifyVariable)).isEqualTo(verify);
        assertThat(env(inferenceContainer, signingVariable)).isEmpty();
        for (JsonNode volume : podSpec(inference).path("volumes")) {
            if (volume.path("secret").path("secretName").asText().equals(JWT_SECRET)) {
                assertThat(volume.path("secret").path("items").findValuesAsText("key"))
                        .as("the inference pods mount the public key only").containsExactly(verify.key());
            }
        }
    }

    @Test
    void everyPodMayDrainItsCallsAndStopBeforeKubernetesKillsIt() {
        String setting = applicationProperties().getProperty("glean.shutdown.drain-timeout");
        assertThat(setting).startsWith("${" + environmentName("glean.shutdown.drain-timeout") + ":");
        Duration defaultDrain = Duration.parse("PT" + setting.substring(setting.indexOf(':') + 1, setting.length() - 1));
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            long grace = podSpec(deployment).path("terminationGracePeriodSeconds").asLong(30); // Kubernetes' default
            for (JsonNode container : containers(deployment)) {
                Duration drain = env(container, environmentName("glean.shutdown.drain-timeout"))
                        .map(entry -> Duration.parse("PT" + entry.path("value").asText())).orElse(defaultDrain);
                assertThat(grace).as(deployment.path("metadata").path("name").asText()
                        + ": the drain, then 10 s to stop the rest").isGreaterThanOrEqualTo(drain.toSeconds() + 10);
            }
        }
    }

    @Test
    void onlyTheInferenceDeploymentClaimsAGpu() {
        JsonNode inference = single(containers(manifests.deployment("glean-inference")));
        assertThat(imageName(inference.path("image").asText())).isEqualTo("glean/inference");
        assertThat(inference.path("resources").path("limits").path(GPU).asText()).isEqualTo("1");
        assertThat(podSpec(manifests.deployment("glean-inference")).path("tolerations").findValuesAsText("key")).contains(GPU);

        for (JsonNode container : containers(manifests.deployment("glean-server"))) {
            assertThat(container.path("resources").path("limits").has(GPU)).isFalse();
            assertThat(container.path("resources").path("requests").has(GPU)).isFalse();
        }
    }

    @Test
    void datasourceSettingsComeFromTheKustomizedSecret() {
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                for (String variable : DATASOURCE_VARIABLES) {
                    String where = container.path("name").asText() + " " + variable;
                    JsonNode entry = env(container, variable).orElseThrow(() -> new AssertionError(where + " missing"));
                    assertThat(entry.has("value")).as(where + " is not written in the manifest").isFalse();
                    JsonNode reference = entry.path("valueFrom").path("secretKeyRef");
                    JsonNode secret = manifests.find("Secret", reference.path("name").asText())
                            .orElseThrow(() -> new AssertionError(where + ": no Secret " + reference.path("name").asText()));
                    Set<String> keys = new HashSet<>();
                    secret.path("stringData").properties().forEach(f -> keys.add(f.getKey()));
                    secret.path("data").properties().forEach(f -> keys.add(f.getKey()));
                    assertThat(keys).as(where + " key").contains(reference.path("key").asText());
                }
                container.path("env").forEach(e -> assertThat(e.path("name").asText().contains("PASSWORD") && e.has("value"))
                        .as(e.path("name").asText() + " in clear text").isFalse());
            }
        }
        for (JsonNode secret : manifests.ofKind("Secret")) {
            secret.path("stringData").properties().forEach(field ->
                    assertThat(field.getValue().asText()).as("example Secret value " + field.getKey()).contains("PLACEHOLDER"));
            assertThat(secret.has("data")).as("the example Secret holds only marked placeholders").isFalse();
        }
        String jdbcUrl = manifests.find("Secret", "glean-postgres").orElseThrow()
                .path("stringData").path("jdbc-url").asText();
        assertThat(jdbcUrl).startsWith("jdbc:postgresql://");
    }

    @Test
    void imagesAreTheKustomizedImagesUnderOneTag() {
        Map<String, String> kustomizedTags = new HashMap<>();
        manifests.kustomization().path("images")
                .forEach(i -> kustomizedTags.put(i.path("name").asText(), i.path("newTag").asText()));
        assertThat(new HashSet<>(kustomizedTags.values())).as("one release tag for all images").hasSize(1);

        Set<String> used = new TreeSet<>();
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                String image = container.path("image").asText();
                used.add(imageName(image));
                assertThat(kustomizedTags).as(image + " is set by the kustomization").containsKey(imageName(image));
                assertThat(imageTag(image)).as(image + " tag").isEqualTo(kustomizedTags.get(imageName(image)));
            }
        }
        assertThat(used).isEqualTo(kustomizedTags.keySet());
    }

    @Test
    void podsRunAsNonRootOnReadOnlyRootFilesystemsWithResolvableVolumes() {
        Set<String> claims = new HashSet<>();
        manifests.ofKind("PersistentVolumeClaim").forEach(c -> claims.add(c.path("metadata").path("name").asText()));
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            JsonNode pod = podSpec(deployment);
            String name = deployment.path("metadata").path("name").asText();
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(name + " runAsNonRoot").isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).as(name + " runAsUser").isPositive();
            assertThat(pod.path("securityContext").path("fsGroup").asInt()).as(name + " fsGroup, so that volumes are writable")
                    .isPositive();

            Map<String, JsonNode> volumes = new HashMap<>();
            pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
            for (JsonNode volume : volumes.values()) {
                if (volume.has("persistentVolumeClaim")) {
                    assertThat(claims).as(name + " claim").contains(volume.path("persistentVolumeClaim").path("claimName").asText());
                }
            }
            for (JsonNode container : containers(deployment)) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(name + " readOnlyRootFilesystem").isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(name + " allowPrivilegeEscalation").isFalse();
                assertThat(textList(security.path("capabilities").path("drop"))).as(name + " capabilities dropped").contains("ALL");
                for (JsonNode mount : container.path("volumeMounts")) {
                    assertThat(volumes).as(name + " mount " + mount.path("name").asText()).containsKey(mount.path("name").asText());
                }
            }
        }
    }

    @Test
    void everyContainerRequestsNoMoreThanItsCpuAndMemoryLimits() {
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                JsonNode requests = container.path("resources").path("requests");
                JsonNode limits = container.path("resources").path("limits");
                for (String resource : List.of("cpu", "memory")) {
                    String where = container.path("name").asText() + " " + resource;
                    assertThat(requests.has(resource)).as(where + " request").isTrue();
                    assertThat(limits.has(resource)).as(where + " limit").isTrue();
                    assertThat(quantity(requests.path(resource).asText()))
                            .as(where + " request within limit")
                            .isLessThanOrEqualTo(quantity(limits.path(resource).asText()));
                }
            }
        }
    }

    /** A key of a Secret, as a file in a container. */
    record SecretFile(String secret, String key) {
    }

    /**
     * The Secret key behind the file that the container's variable names: the variable must be a
     * plain value, the file must lie in a read-only mount of a Secret volume, and the Secret must
     * be one of the kustomization's and hold that key.
     */
    private SecretFile secretFile(JsonNode deployment, JsonNode container, String variable) {
        String where = container.path("name").asText() + " " + variable;
        String file = value(container, variable);
        Map<String, JsonNode> volumes = new HashMap<>();
        podSpec(deployment).path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        for (JsonNode mount : container.path("volumeMounts")) {
            String directory = mount.path("mountPath").asText();
            if (!file.startsWith(directory + "/")) {
                continue;
            }
            assertThat(mount.path("readOnly").asBoolean()).as(where + ": mount " + directory + " read-only").isTrue();
            JsonNode secretVolume = volumes.get(mount.path("name").asText()).path("secret");
            assertThat(secretVolume.isObject()).as(where + ": " + directory + " is a Secret volume").isTrue();
            String relative = file.substring(directory.length() + 1);
            String key = relative;
            if (secretVolume.has("items")) {
                key = null;
                for (JsonNode item : secretVolume.path("items")) {
                    if (item.path("path").asText().equals(relative)) {
                        key = item.path("key").asText();
                    }
                }
                assertThat(key).as(where + ": " + relative + " is one of the volume's items").isNotNull();
            }
            String secretName = secretVolume.path("secretName").asText();
            JsonNode secret = manifests.find("Secret", secretName)
                    .orElseThrow(() -> new AssertionError(where + ": no Secret " + secretName + " in the kustomization"));
            Set<String> keys = new HashSet<>();
            secret.path("stringData").properties().forEach(f -> keys.add(f.getKey()));
            secret.path("data").properties().forEach(f -> keys.add(f.getKey()));
            assertThat(keys).as(where + ": key of " + secretName).contains(key);
            return new SecretFile(secretName, key);
        }
        throw new AssertionError(where + "=" + file + " lies in no mounted volume");
    }

    @Test
    void everyEnvironmentVariableSetsAPropertyTheServerReads() {
        Properties properties = applicationProperties();
        Set<String> known = new HashSet<>(DATASOURCE_VARIABLES);
        DeclaredProperties.ofServer().keySet().forEach(property -> known.add(environmentName(property)));
        // read by LocalSecurityMaterial before Quarkus starts, and handed on as system properties
        known.addAll(List.of(environmentName("quarkus.tls.key-store.pem.0.cert"),
                environmentName("quarkus.tls.key-store.pem.0.key")));
        for (String property : properties.stringPropertyNames()) {
            known.add(environmentName(property.replaceFirst("^%[^.]+\\.", "")));
            Matcher placeholder = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(properties.getProperty(property));
            while (placeholder.find()) {
                known.add(placeholder.group(1));
            }
        }
        List<String> unknown = new ArrayList<>();
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : KubernetesManifests.containers(deployment)) {
                container.path("env").forEach(entry -> {
                    if (!known.contains(entry.path("name").asText())) {
                        unknown.add(deployment.path("metadata").path("name").asText() + "/"
                                + container.path("name").asText() + ": " + entry.path("name").asText());
                    }
                });
            }
        }

        assertThat(unknown).as("variables that set no property the server reads, and so nothing").isEmpty();
    }

    private static String value(JsonNode container, String variable) {
        JsonNode entry = env(container, variable)
                .orElseThrow(() -> new AssertionError(container.path("name").asText() + " sets no " + variable));
        assertThat(entry.has("value")).as(variable + " is a plain value").isTrue();
        return entry.path("value").asText();
    }

    /** MicroProfile Config's environment variable for a property: upper case, other characters as '_'. */
    private static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(
                Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** A Kubernetes quantity (500m, 2, 3Gi, 512Mi, 1G) as a plain number. */
    static BigDecimal quantity(String text) {
        Map<String, BigDecimal> suffixes = Map.of(
                "m", new BigDecimal("0.001"),
                "Ki", BigDecimal.valueOf(1L << 10), "Mi", BigDecimal.valueOf(1L << 20),
                "Gi", BigDecimal.valueOf(1L << 30), "Ti", BigDecimal.valueOf(1L << 40),
                "k", BigDecimal.valueOf(1_000L), "M", BigDecimal.valueOf(1_000_000L),
                "G", BigDecimal.valueOf(1_000_000_000L), "T", BigDecimal.valueOf(1_000_000_000_000L));
        for (Map.Entry<String, BigDecimal> suffix : suffixes.entrySet()) {
            if (text.endsWith(suffix.getKey()) && Character.isDigit(text.charAt(text.length() - suffix.getKey().length() - 1))) {
                return new BigDecimal(text.substring(0, text.length() - suffix.getKey().length())).multiply(suffix.getValue());
            }
        }
        return new BigDecimal(text);
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.properties().forEach(f -> map.put(f.getKey(), f.getValue().asText()));
        return map;
    }

    private static List<String> textList(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private static JsonNode single(List<JsonNode> containers) {
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }
}
