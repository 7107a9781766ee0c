package io.hermod.config;

import java.nio.file.Path;

/** Where the RocksDB spool lives ({@code spool.*}). */
public record SpoolConfig(Path path) {
}
