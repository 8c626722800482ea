package org.glean.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.deploy.KubernetesManifests.containerPort;
import static org.glean.deploy.KubernetesManifests.containers;
import static org.glean.deploy.KubernetesManifests.imageName;
import static org.glean.deploy.KubernetesManifests.podSpec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glean.deploy.Dockerfile.Copy;
import org.glean.deploy.Dockerfile.Stage;
import org.junit.jupiter.api.Test;

/**
 * The two Dockerfiles, read without a Docker engine and checked against what they must agree
 * with: the Kubernetes Deployments that run them, application.properties, and the DJL/PyTorch
 * libraries on this project's classpath.
 */
class DockerfilesTest {

    private static final String SERVER_IMAGE = "glean/server";
    private static final String INFERENCE_IMAGE = "glean/inference";
    private static final Pattern PROPERTY_WITH_ENV_DEFAULT = Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}");

    private final Dockerfile server = Dockerfile.read(Path.of("deploy", "server", "Dockerfile"));
    private final Dockerfile inference = Dockerfile.read(Path.of("deploy", "inference", "Dockerfile"));
    private final KubernetesManifests manifests = KubernetesManifests.read();
    private final Properties applicationProperties = applicationProperties();

    @Test
    void serverImageIsBuiltWithJdk17AndRunsOnJre17() {
        assertThat(server.stages).hasSizeGreaterThanOrEqualTo(2);
        Stage build = server.stage("build");
        assertThat(String.join("\n", build.all("RUN"))).contains("openjdk-17-jdk").contains("./mvnw").contains(" package");
        assertThat(server.finalStage().image).startsWith("eclipse-temurin:17-jre");
        assertThat(server.finalStage().copies())
                .anyMatch(c -> "build".equals(c.fromStage()) && c.sources().equals(List.of("/src/target/quarkus-app")));
    }

    @Test
    void bothImagesServeFromTheCopiedQuarkusJarOffline() {
        String applicationDirectory = applicationCopy(server.finalStage(), "build").destination();
        assertThat(applicationCopy(inference.finalStage(), "server").sources()).containsExactly(applicationDirectory);
        assertThat(applicationCopy(inference.finalStage(), "server").destination()).isEqualTo(applicationDirectory);

        for (Dockerfile dockerfile : List.of(server, inference)) {
            List<String> command = dockerfile.finalStage().command();
            assertThat(command).as(dockerfile.file + " command").startsWith("java").endsWith("serve")
                    .contains("-Dai.djl.offline=true");
            assertThat(command.get(command.indexOf("-jar") + 1)).as(dockerfile.file + " jar")
                    .isEqualTo(applicationDirectory + "/quarkus-run.jar");
        }
    }

    @Test
    void bothImagesRunAsTheNumericNonRootUserOfTheirDeployment() {
        for (Map.Entry<Dockerfile, String> image : Map.of(server, SERVER_IMAGE, inference, INFERENCE_IMAGE).entrySet()) {
            Stage runtime = image.getKey().finalStage();
            String where = image.getKey().file + " USER";
            // Kubernetes can verify runAsNonRoot only for a numeric user.
            assertThat(runtime.user().orElseThrow()).as(where).matches("[1-9][0-9]*");
            JsonNode podSecurity = podSpec(manifests.deploymentRunning(image.getValue())).path("securityContext");
            assertThat(podSecurity.path("runAsUser").asText()).as(where + " = runAsUser").isEqualTo(runtime.user().orElseThrow());
            assertThat(podSecurity.path("runAsGroup").asText()).as(where + " group = runAsGroup").isEqualTo(runtime.group().orElseThrow());
        }
    }

    @Test
    void exposedPortsAreTheContainerPortsAndTheApplicationsPortSettings() {
        JsonNode serverContainer = onlyContainer(manifests.deploymentRunning(SERVER_IMAGE));
        JsonNode inferenceContainer = onlyContainer(manifests.deploymentRunning(INFERENCE_IMAGE));
        assertThat(server.finalStage().exposedPorts()).containsExactlyInAnyOrderElementsOf(containerPorts(serverContainer));
        assertThat(inference.finalStage().exposedPorts()).containsExactlyInAnyOrderElementsOf(containerPorts(inferenceContainer));

        // The port settings read these variables, and the images set them to the container ports.
        Matcher httpPort = envDefault("quarkus.http.port");
        Matcher dicomPort = envDefault("glean.scp.port");
        assertThat(httpPort.group(2)).isEqualTo(Integer.toString(containerPort(serverContainer, "grpc")));
        assertThat(dicomPort.group(2)).isEqualTo(Integer.toString(containerPort(serverContainer, "dicom")));
        assertThat(effectiveEnv(server, serverContainer))
                .containsEntry(httpPort.group(1), Integer.toString(containerPort(serverContainer, "grpc")))
                .containsEntry(dicomPort.group(1), Integer.toString(containerPort(serverContainer, "dicom")));
        assertThat(effectiveEnv(inference, inferenceContainer))
                .containsEntry(httpPort.group(1), Integer.toString(containerPort(inferenceContainer, "grpc")));
    }

    /** TLS is on by default: the image's HEALTHCHECK asks the Deployment's probe path over HTTPS on the gRPC port. */
    @Test
    void healthChecksAskTheProbePathOverTlsOnTheGrpcPort() {
        String portVariable = envDefault("quarkus.http.port").group(1);
        for (Map.Entry<Dockerfile, String> image : Map.of(server, SERVER_IMAGE, inference, INFERENCE_IMAGE).entrySet()) {
            JsonNode container = onlyContainer(manifests.deploymentRunning(image.getValue()));
            JsonNode probe = container.path("readinessProbe").path("httpGet");
            assertThat(probe.path("scheme").asText()).isEqualTo("HTTPS");
            String check = image.getKey().finalStage().last("HEALTHCHECK").orElseThrow();
            assertThat(check).as(image.getKey().file + " HEALTHCHECK")
                    .contains("\"https://127.0.0.1:${" + portVariable + "}" + probe.path("path").asText() + "\"")
                    .doesNotContain("http://");
        }
    }

    @Test
    void inferenceContainerServesNoDicom() {
        Map<String, String> env = effectiveEnv(inference, onlyContainer(manifests.deploymentRunning(INFERENCE_IMAGE)));
        assertThat(applicationProperties).containsKey("glean.scp.enabled");
        assertThat(env).containsEntry(environmentName("glean.scp.enabled"), "false");
    }

    @Test
    void foldersTheImagesWriteAreWritableVolumesInKubernetes() {
        for (Map.Entry<Dockerfile, String> image : Map.of(server, SERVER_IMAGE, inference, INFERENCE_IMAGE).entrySet()) {
            JsonNode deployment = manifests.deploymentRunning(image.getValue());
            JsonNode container = onlyContainer(deployment);
            Map<String, String> env = effectiveEnv(image.getKey(), container);
            assertThat(applicationProperties.getProperty("glean.store.dir")).contains("${GLEAN_DATA_DIR:");
            for (String folder : List.of(env.get("GLEAN_DATA_DIR"), env.get("DJL_CACHE_DIR"), "/tmp")) {
                assertThat(folder).as(image.getValue() + " folder set").isNotNull();
                assertThat(writableMountPaths(deployment, container)).as(image.getValue() + " writable " + folder).contains(folder);
            }
        }
    }

    @Test
    void inferenceImageLoadsACudaLibtorchThatDjlsJniAndPomVersionSupport() throws IOException {
        Stage runtime = inference.finalStage();
        String flavor = runtime.env.get("PYTORCH_FLAVOR");
        String version = runtime.env.get("PYTORCH_VERSION");
        assertThat(flavor).matches("cu[0-9]{3}");

        // pytorch-jni on this classpath must carry the JNI library of that flavor, for that version.
        assertThat(getClass().getClassLoader().getResource("jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"))
                .as("pytorch-jni has flavor " + flavor).isNotNull();
        assertThat(classpathProperties("jnilib/pytorch.properties").getProperty("jni_version")).startsWith(version + "-");
        assertThat(classpathProperties("native/lib/pytorch.properties").getProperty("version"))
                .as("the CPU libtorch of the pom").startsWith(version + "-");

        // CUDA of the base image = CUDA of the flavor (cu128: 12.8).
        Matcher cuda = Pattern.compile("nvidia/cuda:([0-9]+)\\.([0-9]+)\\.[0-9]+-(cudnn-)?runtime-.*").matcher(runtime.image);
        assertThat(cuda.matches()).as(runtime.image).isTrue();
        assertThat("cu" + cuda.group(1) + cuda.group(2)).isEqualTo(flavor);

        Stage libtorch = inference.stage("libtorch");
        assertThat(libtorch.args).containsEntry("PYTORCH_FLAVOR", flavor).containsEntry("PYTORCH_VERSION", version);
        assertThat(libtorch.expand(String.join("\n", libtorch.all("RUN"))))
                .contains("-Dartifact=ai.djl.pytorch:pytorch-native-" + flavor + ":" + version + ":jar:linux-x86_64");
        Copy copied = runtime.copies().stream().filter(c -> "libtorch".equals(c.fromStage())).findFirst().orElseThrow();
        assertThat(runtime.env).containsEntry("PYTORCH_LIBRARY_PATH", copied.destination());
    }

    @Test
    void inferenceImageIsBuiltOnTheKustomizedServerImage() {
        Map<String, String> kustomizedTags = new HashMap<>();
        manifests.kustomization().path("images")
                .forEach(i -> kustomizedTags.put(i.path("name").asText(), i.path("newTag").asText()));
        assertThat(inference.globalArgs).containsEntry("SERVER_IMAGE", SERVER_IMAGE + ":" + kustomizedTags.get(SERVER_IMAGE));
        assertThat(inference.stage("server").image).isEqualTo(SERVER_IMAGE + ":" + kustomizedTags.get(SERVER_IMAGE));
    }

    private static Copy applicationCopy(Stage stage, String fromStage) {
        return stage.copies().stream()
                .filter(c -> fromStage.equals(c.fromStage()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no COPY --from=" + fromStage));
    }

    /** The image's ENV with the container's env values over it. */
    private static Map<String, String> effectiveEnv(Dockerfile dockerfile, JsonNode container) {
        Map<String, String> env = new HashMap<>(dockerfile.finalStage().env);
        container.path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    private static Set<String> writableMountPaths(JsonNode deployment, JsonNode container) {
        Map<String, JsonNode> volumes = new HashMap<>();
        podSpec(deployment).path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Set<String> paths = new HashSet<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = volumes.get(mount.path("name").asText());
            boolean writableVolume = volume != null && (volume.has("emptyDir")
                    || (volume.has("persistentVolumeClaim") && !volume.path("persistentVolumeClaim").path("readOnly").asBoolean()));
            if (writableVolume && !mount.path("readOnly").asBoolean()) {
                paths.add(mount.path("mountPath").asText());
            }
        }
        return paths;
    }

    private static List<Integer> containerPorts(JsonNode container) {
        return container.path("ports").findValues("containerPort").stream().map(JsonNode::asInt).toList();
    }

    private static JsonNode onlyContainer(JsonNode deployment) {
        List<JsonNode> containers = containers(deployment);
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private Matcher envDefault(String property) {
        String value = applicationProperties.getProperty(property);
        Matcher matcher = PROPERTY_WITH_ENV_DEFAULT.matcher(value == null ? "" : value);
        assertThat(matcher.matches()).as(property + "=" + value + " reads an environment variable with a default").isTrue();
        return matcher;
    }

    /** MicroProfile Config's environment variable for a property: upper case, other characters as '_'. */
    private static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private Properties classpathProperties(String resource) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            properties.load(in);
        }
        return properties;
    }
}
