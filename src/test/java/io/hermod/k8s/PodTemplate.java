package io.hermod.k8s;

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
