package io.hermod.k8s;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One Kubernetes object as SnakeYAML read it (maps, lists, scalars), with lookups that fail
 * naming the file, the object and the missing path, so a broken manifest says where it broke.
 */
public final class K8sObject {

    private final Path file;
    private final Map<?, ?> tree;

    K8sObject(Path file, Map<?, ?> tree) {
        this.file = file;
        this.tree = tree;
    }

    public Path file() {
        return file;
    }

    public String kind() {
        return String.valueOf(tree.get("kind"));
    }

    public String apiVersion() {
        return String.valueOf(tree.get("apiVersion"));
    }

    public String name() {
        Object metadata = tree.get("metadata");
        return metadata instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "null";
    }

    public Map<?, ?> tree() {
        return tree;
    }

    /** The node at path below this object's root; an error when a step is missing. */
    public Object at(String... path) {
        return in(tree, path);
    }

    public Map<?, ?> map(String... path) {
        return as(Map.class, at(path), path);
    }

    public List<?> list(String... path) {
        return as(List.class, at(path), path);
    }

    public String string(String... path) {
        return as(String.class, at(path), path);
    }

    public int integer(String... path) {
        return as(Integer.class, at(path), path);
    }

    /** The node at path below node, which is part of this object (for errors that name it). */
    public Object in(Object node, String... path) {
        Object current = node;
        for (int i = 0; i < path.length; i++) {
            if (!(current instanceof Map<?, ?> m) || !m.containsKey(path[i])) {
                throw new AssertionError(this + ": no " + String.join(".", List.of(path).subList(0, i + 1)));
            }
            current = m.get(path[i]);
        }
        return current;
    }

    public String stringIn(Object node, String... path) {
        return as(String.class, in(node, path), path);
    }

    public int intIn(Object node, String... path) {
        return as(Integer.class, in(node, path), path);
    }

    public <T> T as(Class<T> type, Object node, String... path) {
        if (!type.isInstance(node)) {
            throw new AssertionError(this + ": " + String.join(".", path) + " is not a " + type.getSimpleName()
                    + ": " + node);
        }
        return type.cast(node);
    }

    @Override
    public String toString() {
        return file.getFileName() + " " + kind() + "/" + name();
    }
}
