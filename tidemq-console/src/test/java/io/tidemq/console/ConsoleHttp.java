package io.tidemq.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemq.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client of the console's JSON API, keeping its session cookie like a browser. Test thread only. */
final class ConsoleHttp {

    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    }

    private final String base;
    private final HttpClient http;

    ConsoleHttp(String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("X-TideMQ-Console", "1").POST(HttpRequest.BodyPublishers.ofByteArray(Json.toBytes(body))));
    }

    Reply postWithoutCsrfHeader(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.toBytes(body))));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("X-TideMQ-Console", "1").DELETE());
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() || !r.headers().firstValue("Content-Type").orElse("").contains("json")
                    ? null : Json.mapper().readTree(r.body());
            return new Reply(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
