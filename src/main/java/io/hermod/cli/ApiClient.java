package io.hermod.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The HTTP API as the command line sees it: blocking calls with the JDK's client, the bearer token
 * from {@code --token} or {@code HERMOD_TOKEN}. A refusal (4xx, 5xx) or an unreachable server is a
 * {@link Cli.CommandFailure} with exit code 1 and the API's own reason.
 */
final class ApiClient {

    static final String DEFAULT_URL = "http://127.0.0.1:8025";

    /** The options every API command takes. */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL,
                description = "Hermod's HTTP API (default ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "bearer token (http.token); default: the HERMOD_TOKEN environment variable")
        String token;
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(Options options, Cli.Io io) {
        String url = options.url.endsWith("/") ? options.url.substring(0, options.url.length() - 1) : options.url;
        try {
            this.base = URI.create(url);
            if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
                throw new IllegalArgumentException("not an http:// or https:// URL");
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.CommandFailure(Cli.USAGE, "--url: " + e.getMessage() + ": " + options.url);
        }
        this.token = options.token != null ? options.token : io.env().get("HERMOD_TOKEN");
    }

    JsonObject get(String path) {
        return json(call("GET", path));
    }

    JsonObject post(String path) {
        return json(call("POST", path));
    }

    JsonObject delete(String path) {
        return json(call("DELETE", path));
    }

    /** The body of a successful GET as text (for {@code /metrics}). */
    String text(String path) {
        return call("GET", path).body();
    }

    private HttpResponse<String> call(String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new Cli.CommandFailure(Cli.FAILED, "cannot connect to " + base + " (is Hermod running? --url)");
        } catch (HttpTimeoutException e) {
            throw new Cli.CommandFailure(Cli.FAILED, method + " " + base + path + ": no answer within 30 s");
        } catch (IOException e) {
            throw new Cli.CommandFailure(Cli.FAILED, method + " " + base + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cli.CommandFailure(Cli.FAILED, method + " " + base + path + ": interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new Cli.CommandFailure(Cli.FAILED, response.statusCode() + " " + reason(response)
                    + (response.statusCode() == 401 ? " (give the token with --token or HERMOD_TOKEN)" : ""));
        }
        return response;
    }

    private static String reason(HttpResponse<String> response) {
        try {
            String error = new JsonObject(response.body()).getString("error");
            if (error != null) {
                return error;
            }
        } catch (DecodeException | ClassCastException e) {
            // not the API's JSON: a proxy's page, say
        }
        String body = response.body().strip();
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    private static JsonObject json(HttpResponse<String> response) {
        try {
            return new JsonObject(response.body());
        } catch (DecodeException | ClassCastException e) {
            throw new Cli.CommandFailure(Cli.FAILED, "the answer is not JSON: " + response.body().strip());
        }
    }
}
