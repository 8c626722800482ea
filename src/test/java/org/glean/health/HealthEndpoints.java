package org.glean.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.glean.server.LoopbackChannels;

/** Asks a test server's health endpoints without a token, as a probe would. */
public final class HealthEndpoints {

    /** An answer: the HTTP status and the JSON body. */
    record Answer(int status, JsonNode body) {

        JsonNode check(String name) {
            for (JsonNode check : body.path("checks")) {
                if (check.path("name").asText().equals(name)) {
                    return check;
                }
            }
            throw new AssertionError("no check named " + name + " in " + body);
        }
    }

    private HealthEndpoints() {
    }

    static Answer get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), new ObjectMapper().readTree(response.body()));
    }

    /** The gRPC health service's answer for the whole server, asked without credentials. */
    public static ServingStatus grpcStatus(int port) throws InterruptedException {
        ManagedChannel channel = LoopbackChannels.anonymous(port);
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            LoopbackChannels.close(channel);
        }
    }
}
