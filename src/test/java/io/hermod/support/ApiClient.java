package io.hermod.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking client of Hermod's HTTP API for end-to-end tests: status and JSON body. */
public final class ApiClient {

    /** One answer; {@code json} is null when the body is not a JSON object. */
    public record Answer(int status, JsonObject json, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;

    public ApiClient(int port) {
        this.port = port;
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Answer post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, json);
    }

    public Answer send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject json = null;
        try {
            json = new JsonObject(response.body());
        } catch (RuntimeException notJson) {
            // left null
        }
        return new Answer(response.statusCode(), json, response.body());
    }
}
