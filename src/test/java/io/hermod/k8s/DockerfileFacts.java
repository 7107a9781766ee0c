package io.hermod.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of the Dockerfile's last stage (the runtime image) that the manifests must
 * agree with: EXPOSE, ENV, USER, VOLUME, STOPSIGNAL and ENTRYPOINT. Continuation lines are
 * joined and comments dropped; only the {@code ENV NAME=value ...} form is understood.
 */
public record DockerfileFacts(List<String> stages, List<Integer> exposed, Map<String, String> env,
        String user, List<String> volumes, String stopSignal, String entrypoint) {

    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

    public static DockerfileFacts read(Path file) {
        List<String> lines;
        try {
            lines = instructions(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> stages = new ArrayList<>();
        List<Integer> exposed = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> volumes = new ArrayList<>();
        String user = null;
        String stopSignal = null;
        String entrypoint = null;
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            String op = parts[0].toUpperCase();
            String rest = parts.length > 1 ? parts[1].strip() : "";
            if (op.equals("FROM")) {
                stages.add(rest);
                // Only the last stage is the image that runs; forget what earlier stages set.
                exposed.clear();
                env.clear();
                volumes.clear();
                user = null;
                stopSignal = null;
                entrypoint = null;
            } else if (op.equals("EXPOSE")) {
                for (String port : rest.split("\\s+")) {
                    exposed.add(Integer.parseInt(port.replace("/tcp", "")));
                }
            } else if (op.equals("ENV")) {
                Matcher m = ENV_PAIR.matcher(rest);
                while (m.find()) {
                    String value = m.group(2);
                    if (value.startsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    env.put(m.group(1), value);
                }
            } else if (op.equals("USER")) {
                user = rest;
            } else if (op.equals("VOLUME")) {
                volumes.addAll(List.of(rest.replaceAll("[\\[\\]\",]", " ").strip().split("\\s+")));
            } else if (op.equals("STOPSIGNAL")) {
                stopSignal = rest;
            } else if (op.equals("ENTRYPOINT")) {
                entrypoint = rest;
            }
        }
        return new DockerfileFacts(List.copyOf(stages), List.copyOf(exposed), Map.copyOf(env), user,
                List.copyOf(volumes), stopSignal, entrypoint);
    }

    /** Instructions one per entry: comments and blank lines dropped, backslash continuations joined. */
    private static List<String> instructions(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                String instruction = current.toString().strip();
                if (!instruction.isEmpty()) {
                    out.add(instruction);
                }
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
