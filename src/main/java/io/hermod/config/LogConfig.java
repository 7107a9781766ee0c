package io.hermod.config;

import java.nio.file.Path;

/** Where the JSON event log is written ({@code log.*}). */
public record LogConfig(Path events) {
}
