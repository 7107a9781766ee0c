package io.hermod.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod template of a StatefulSet with one container: its ports, volumes, mounts, probes and
 * preStop hook, each lookup failing with the manifest's name when the part is missing.
 */
public final class PodTemplate {

    private final K8sObject owner;
    private final Map<?, ?> container;

    public PodTemplate(K8sObject owner) {
        this.owner = owner;
        List<?> containers = owner.list("spec", "template", "spec", "containers");
        if (containers.size() != 1) {
            throw new AssertionError(owner + ": expected one container, found " + containers.size());
        }
        this.container = owner.as(Map.class, containers.get(0), "containers[0]");
    }

    public Map<?, ?> labels() {
        return owner.map("spec", "template", "metadata", "labels");
    }

    public Map<?, ?> annotations() {
        return owner.map("spec", "template", "metadata", "annotations");
    }

    public Map<?, ?> podSecurityContext() {
        return owner.map("spec", "template", "spec", "securityContext");
    }

    /** A field of the container (ports, args, resources, securityContext...); an error when absent. */
    public Object container(String field) {
        return owner.in(container, field);
    }

    public boolean hasContainer(String field) {
        return container.containsKey(field);
    }

    /** Container port name to number. */
    public Map<String, Integer> ports() {
        Map<String, Integer> out = new HashMap<>();
        for (Object p : owner.as(List.class, container("ports"), "ports")) {
            out.put(owner.stringIn(p, "name"), owner.intIn(p, "containerPort"));
        }
        return out;
    }

    /** The container port that a Service targetPort or a probe port (a name or a number) means, or -1. */
    public int port(Object nameOrNumber) {
        Map<String, Integer> ports = ports();
        if (nameOrNumber instanceof Integer n) {
            return ports.containsValue(n) ? n : -1;
        }
        return ports.getOrDefault(String.valueOf(nameOrNumber), -1);
    }

    /** Pod volumes (not claim templates) by name. */
    public Map<String, Map<?, ?>> volumes() {
        Map<String, Map<?, ?>> out = new HashMap<>();
        for (Object v : owner.list("spec", "template", "spec", "volumes")) {
            out.put(owner.stringIn(v, "name"), owner.as(Map.class, v, "volumes[]"));
        }
        return out;
    }

    public String mountPath(String volume) {
        for (Object m : mounts()) {
            if (volume.equals(owner.in(m, "name"))) {
                return owner.stringIn(m, "mountPath");
            }
        }
        throw new AssertionError(owner + ": volume " + volume + " is not mounted");
    }

    public String volumeMountedAt(String path) {
        for (Object m : mounts()) {
            if (path.equals(owner.in(m, "mountPath"))) {
                return owner.stringIn(m, "name");
            }
        }
        throw new AssertionError(owner + ": nothing is mounted at " + path);
    }

    /** Volume name to the path the container mounts it at. */
    public Map<String, String> mountPaths() {
        Map<String, String> out = new HashMap<>();
        for (Object m : mounts()) {
            out.put(owner.stringIn(m, "name"), owner.stringIn(m, "mountPath"));
        }
        return out;
    }

    /** The container's volumeMount of a volume; an error when it is not mounted. */
    public Map<?, ?> mount(String volume) {
        for (Object m : mounts()) {
            if (volume.equals(owner.in(m, "name"))) {
                return owner.as(Map.class, m, "volumeMounts[]");
            }
        }
        throw new AssertionError(owner + ": volume " + volume + " is not mounted");
    }

    /** A key of a Secret, as an env valueFrom.secretKeyRef or a secret volume's items name it. */
    public record SecretKey(String secret, String key) {
    }

    /** The Secret keys the container's environment takes (env[].valueFrom.secretKeyRef). */
    public List<SecretKey> envSecretKeys() {
        List<SecretKey> out = new ArrayList<>();
        if (!container.containsKey("env")) {
            return out;
        }
        for (Object e : owner.as(List.class, container("env"), "env")) {
            if (e instanceof Map<?, ?> m && m.get("valueFrom") instanceof Map<?, ?> from
                    && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
                out.add(new SecretKey(owner.stringIn(ref, "name"), owner.stringIn(ref, "key")));
            }
        }
        return out;
    }

    /**
     * The Secret key that the file at path comes from: path's directory must be the mountPath of a
     * secret volume, and path's file name one of that volume's items (a volume without items would
     * make any key a file, and a missing key a missing file the pod finds only when it starts).
     */
    public SecretKey secretFileAt(String path) {
        Path file = Path.of(path);
        String volume = volumeMountedAt(String.valueOf(file.getParent()));
        Map<?, ?> v = volumes().get(volume);
        if (v == null || !(v.get("secret") instanceof Map<?, ?> secret)) {
            throw new AssertionError(owner + ": " + path + " is in volume " + volume + ", which is not a Secret: " + v);
        }
        String name = owner.stringIn(secret, "secretName");
        List<?> items = owner.as(List.class, owner.in(secret, "items"), "volumes." + volume + ".secret.items");
        for (Object item : items) {
            if (file.getFileName().toString().equals(owner.in(item, "path"))) {
                return new SecretKey(name, owner.stringIn(item, "key"));
            }
        }
        throw new AssertionError(owner + ": no item of Secret volume " + volume + " has path " + file.getFileName()
                + ": " + items);
    }

    /** An httpGet probe: the port as written (name or number) and the path. */
    public record HttpProbe(Object port, String path) {
    }

    public HttpProbe probe(String name) {
        Object probe = container(name);
        return new HttpProbe(owner.in(probe, "httpGet", "port"), owner.stringIn(probe, "httpGet", "path"));
    }

    /** Seconds the preStop hook waits before SIGTERM: a sleep action or an exec of "sleep N"; 0 without one. */
    public long preStopSleepSeconds() {
        if (!container.containsKey("lifecycle")) {
            return 0;
        }
        Object preStop = owner.in(container, "lifecycle", "preStop");
        if (preStop instanceof Map<?, ?> m && m.get("sleep") instanceof Map<?, ?> sleep) {
            return ((Number) sleep.get("seconds")).longValue();
        }
        List<?> command = owner.as(List.class, owner.in(preStop, "exec", "command"), "preStop.exec.command");
        if (command.size() != 2 || !"sleep".equals(command.get(0))) {
            throw new AssertionError(owner + ": preStop is not \"sleep N\": " + command);
        }
        return Long.parseLong(String.valueOf(command.get(1)));
    }

    private List<?> mounts() {
        return owner.as(List.class, container("volumeMounts"), "volumeMounts");
    }
}
