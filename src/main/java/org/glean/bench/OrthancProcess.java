package org.glean.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orthanc (the Debian package's {@code Orthanc} executable) as a plain child process: its
 * defaults, except a storage folder of its own, free ports, no plugins, and TCP_NODELAY=1 in its
 * environment, which the DCMTK network layer it uses reads to turn off Nagle's algorithm (DCMTK
 * leaves Nagle on by default since 3.6.2).
 */
public final class OrthancProcess implements AutoCloseable {

    public static final String AE_TITLE = "ORTHANC";
    private static final String HOST = "127.0.0.1";
    private static final Pattern COUNT_INSTANCES = Pattern.compile("\"CountInstances\"\\s*:\\s*(\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"Version\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
    private static final Pattern INSTANCE_PATH = Pattern.compile("\"Path\"\\s*:\\s*\"(/instances/[^\"]+)\"");

    // Debian's orthanc-dicomweb package puts its plugin here.
    private static final String DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    private final ChildProcess process;
    private final Path workDir;
    private final int httpPort;
    private final int dicomPort;
    private final boolean dicomWeb;
    private final List<Modality> modalities;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private OrthancProcess(ChildProcess process, Path workDir, int httpPort, int dicomPort, boolean dicomWeb,
            List<Modality> modalities) {
        this.process = process;
        this.workDir = workDir;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
        this.dicomWeb = dicomWeb;
        this.modalities = modalities;
    }

    /**
     * A DICOM node Orthanc knows (its DicomModalities): it answers that node's C-FIND and C-MOVE,
     * and a C-MOVE to its AE title sends the instances to its host and port.
     */
    public record Modality(String aeTitle, String host, int port) {
    }

    /** Starts Orthanc with its configuration, storage and log in {@code workDir}. */
    public static OrthancProcess start(Path workDir) throws IOException {
        return start(workDir, ChildProcess.freePort(), ChildProcess.freePort(), false, List.of());
    }

    /** Starts Orthanc with its DICOMweb plugin at {@link #dicomWebUrl}. */
    public static OrthancProcess startWithDicomWeb(Path workDir) throws IOException {
        return start(workDir, ChildProcess.freePort(), ChildProcess.freePort(), true, List.of());
    }

    /** Starts Orthanc, without plugins, knowing these DICOM nodes. */
    public static OrthancProcess startKnowing(Path workDir, List<Modality> modalities) throws IOException {
        return start(workDir, ChildProcess.freePort(), ChildProcess.freePort(), false, List.copyOf(modalities));
    }

    /** Starts Orthanc with its DICOMweb plugin, knowing these DICOM nodes. */
    public static OrthancProcess startWithDicomWebKnowing(Path workDir, List<Modality> modalities)
            throws IOException {
        return start(workDir, ChildProcess.freePort(), ChildProcess.freePort(), true, List.copyOf(modalities));
    }

    /** Adds a DICOM node through the REST API, while it runs (until it stops). */
    public void addModality(Modality modality) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort
                        + "/modalities/" + modality.aeTitle())).timeout(Duration.ofSeconds(10))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"AET\": \"%s\", \"Host\": \"%s\", \"Port\": %d}"
                                .formatted(modality.aeTitle(), modality.host(), modality.port()))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Orthanc refused the DICOM node " + modality.aeTitle() + " with HTTP "
                    + response.statusCode());
        }
    }

    /** A free TCP port on this host, for a peer Orthanc is to know before it listens. */
    public static int freePort() throws IOException {
        return ChildProcess.freePort();
    }

    /** Starts this Orthanc again, after {@link #close}, on the same ports and storage, and waits until it answers. */
    public OrthancProcess startAgain() throws IOException, InterruptedException {
        OrthancProcess again = start(workDir, httpPort, dicomPort, dicomWeb, modalities);
        again.awaitReady(Duration.ofMinutes(1));
        return again;
    }

    private static OrthancProcess start(Path workDir, int httpPort, int dicomPort, boolean dicomWeb,
            List<Modality> modalities) throws IOException {
        Path storage = Files.createDirectories(workDir.resolve("orthanc-storage"));
        Path config = workDir.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "glean-bench",
                  "StorageDirectory": "%1$s",
                  "IndexDirectory": "%1$s",
                  "HttpPort": %2$d,
                  "DicomPort": %3$d,
                  "DicomAet": "%4$s",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomCheckCalledAet": false,
                  "Plugins": [%5$s],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" },
                  "DicomModalities": { %6$s }
                }
                """.formatted(storage.toAbsolutePath(), httpPort, dicomPort, AE_TITLE,
                dicomWeb ? "\"" + DICOMWEB_PLUGIN + "\"" : "",
                modalities.stream().map(node -> "\"%1$s\": [\"%1$s\", \"%2$s\", %3$d]".formatted(node.aeTitle(),
                        node.host(), node.port())).collect(java.util.stream.Collectors.joining(", "))));
        ChildProcess process = ChildProcess.start("Orthanc", List.of("Orthanc", config.toAbsolutePath().toString()),
                Map.of("TCP_NODELAY", "1"), workDir.resolve("orthanc.log"), name -> false);
        return new OrthancProcess(process, workDir, httpPort, dicomPort, dicomWeb, modalities);
    }

    /** Waits until its REST API answers and its DICOM port accepts connections. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            process.requireAlive();
            if (answers() && GleanServerProcess.accepts(dicomPort)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("Orthanc was not ready after " + timeout.toSeconds() + " s; the end of its log:\n"
                        + process.logTail());
            }
            Thread.sleep(250);
        }
    }

    public int dicomPort() {
        return dicomPort;
    }

    /** The DICOMweb service root; only with {@link #startWithDicomWeb}. */
    public String dicomWebUrl() {
        return "http://" + HOST + ":" + httpPort + "/dicom-web";
    }

    // Orthanc drops an idle kept-alive connection after a second (Keep-Alive: timeout=1), and the
    // client may send on one it has dropped; every request here may be sent again harmlessly.
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        try {
            return http.send(request, body);
        } catch (IOException staleConnection) {
            return http.send(request, body);
        }
    }

    /** Stores one Part-10 file through the REST API. */
    public void store(Path file) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort + "/instances"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofFile(file)).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Orthanc refused " + file.getFileName() + " with HTTP " + response.statusCode());
        }
    }

    /** Deletes the instance with this SOPInstanceUID, as a PACS administrator would to replace it. */
    public void delete(String sopInstanceUid) throws IOException, InterruptedException {
        HttpResponse<String> found = send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort
                        + "/tools/lookup")).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(sopInstanceUid)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher path = INSTANCE_PATH.matcher(found.body());
        if (found.statusCode() != 200 || !path.find()) {
            throw new IOException("Orthanc holds no such instance (HTTP " + found.statusCode() + ")");
        }
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort
                + path.group(1))).timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (deleted.statusCode() != 200) {
            throw new IOException("Orthanc did not delete the instance: HTTP " + deleted.statusCode());
        }
    }

    /** How many instances it holds. */
    public long instanceCount() throws IOException, InterruptedException {
        return Long.parseLong(field(get("/statistics"), COUNT_INSTANCES, "CountInstances"));
    }

    /** The Part-10 bytes of every instance it holds, as its REST API gives them. */
    public List<byte[]> instanceFiles() throws IOException, InterruptedException {
        List<byte[]> files = new java.util.ArrayList<>();
        Matcher ids = QUOTED.matcher(get("/instances"));
        while (ids.find()) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":"
                    + httpPort + "/instances/" + ids.group(1) + "/file")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("Orthanc answered an instance's file with HTTP " + response.statusCode());
            }
            files.add(response.body());
        }
        return files;
    }

    public String version() throws IOException, InterruptedException {
        return field(get("/system"), VERSION, "Version");
    }

    /** CPU time used so far by the server and the processes it started (Glean: its PostgreSQL). */
    public Duration cpuTime() {
        return process.cpuTime();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }

    private boolean answers() throws InterruptedException {
        try {
            get("/system");
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort + path))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Orthanc answered " + path + " with HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String field(String json, Pattern pattern, String name) throws IOException {
        Matcher matcher = pattern.matcher(json);
        if (!matcher.find()) {
            throw new IOException("Orthanc's answer has no " + name + ": " + json);
        }
        return matcher.group(1);
    }
}
