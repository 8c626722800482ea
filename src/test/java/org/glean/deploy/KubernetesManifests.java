package org.glean.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Every YAML document under deploy/k8s, read as a tree, with the file it came from. */
final class KubernetesManifests {

    static final Path DIRECTORY = Path.of("deploy", "k8s");
    static final String KUSTOMIZATION_FILE = "kustomization.yaml";

    record Manifest(Path file, JsonNode document) {

        String kind() {
            return document.path("kind").asText();
        }

        String name() {
            return document.path("metadata").path("name").asText();
        }
    }

    private final List<Manifest> manifests;

    private KubernetesManifests(List<Manifest> manifests) {
        this.manifests = manifests;
    }

    static KubernetesManifests read() {
        YAMLMapper mapper = new YAMLMapper();
        List<Manifest> manifests = new ArrayList<>();
        for (Path file : yamlFiles()) {
            try (MappingIterator<JsonNode> documents = mapper.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (documents.hasNext()) {
                    JsonNode document = documents.next();
                    if (document != null && !document.isNull() && !document.isMissingNode()) {
                        manifests.add(new Manifest(file, document));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new KubernetesManifests(manifests);
    }

    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(DIRECTORY)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DIRECTORY, e);
        }
    }

    List<Manifest> all() {
        return manifests;
    }

    List<Manifest> resources() {
        return manifests.stream().filter(m -> !m.file().endsWith(KUSTOMIZATION_FILE)).toList();
    }

    JsonNode kustomization() {
        return manifests.stream()
                .filter(m -> m.file().equals(DIRECTORY.resolve(KUSTOMIZATION_FILE)))
                .map(Manifest::document)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + KUSTOMIZATION_FILE + " in " + DIRECTORY));
    }

    List<JsonNode> ofKind(String kind) {
        return resources().stream().filter(m -> m.kind().equals(kind)).map(Manifest::document).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return resources().stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .map(Manifest::document)
                .findFirst();
    }

    JsonNode deployment(String name) {
        return find("Deployment", name).orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    /** The Deployment whose containers run this image (name without tag). */
    JsonNode deploymentRunning(String imageName) {
        List<JsonNode> running = ofKind("Deployment").stream()
                .filter(d -> containers(d).stream().anyMatch(c -> imageName(c.path("image").asText()).equals(imageName)))
                .toList();
        if (running.size() != 1) {
            throw new AssertionError(running.size() + " Deployments run " + imageName + ", expected one");
        }
        return running.get(0);
    }

    static List<JsonNode> containers(JsonNode deployment) {
        List<JsonNode> containers = new ArrayList<>();
        deployment.path("spec").path("template").path("spec").path("containers").forEach(containers::add);
        return containers;
    }

    static JsonNode podSpec(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec");
    }

    static String imageName(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    }

    static String imageTag(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "";
    }

    /** The containerPort of the port with this name, or fails. */
    static int containerPort(JsonNode container, String portName) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(portName)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + portName);
    }

    static Optional<JsonNode> env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return Optional.of(variable);
            }
        }
        return Optional.empty();
    }
}
