package org.glean.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.deploy.KubernetesManifests.containerPort;
import static org.glean.deploy.KubernetesManifests.containers;
import static org.glean.deploy.KubernetesManifests.env;
import static org.glean.deploy.KubernetesManifests.imageName;
import static org.glean.deploy.KubernetesManifests.imageTag;
import static org.glean.deploy.KubernetesManifests.podSpec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.glean.deploy.KubernetesManifests.Manifest;
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

    @Test
    void probesAreGrpcHealthChecksOnTheGrpcContainerPort() {
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                int grpcPort = containerPort(container, "grpc");
                for (String probeName : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    JsonNode probe = container.path(probeName);
                    String where = container.path("name").asText() + " " + probeName;
                    assertThat(probe.isObject()).as(where + " present").isTrue();
                    assertThat(probe.has("httpGet") || probe.has("tcpSocket") || probe.has("exec"))
                            .as(where + " uses only the gRPC health service").isFalse();
                    assertThat(probe.path("grpc").path("port").isInt()).as(where + " grpc.port is a number").isTrue();
                    assertThat(probe.path("grpc").path("port").asInt()).as(where + " port").isEqualTo(grpcPort);
                    assertThat(probe.path("grpc").path("service").asText("")).as(where + " service").isIn("", "glean");
                }
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
