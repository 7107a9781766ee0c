package io.hermod.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Every YAML document under a directory (k8s/), each file possibly holding several ("---"). */
public final class Manifests {

    private final Path dir;
    private final List<Path> files;
    private final List<K8sObject> objects;

    private Manifests(Path dir, List<Path> files, List<K8sObject> objects) {
        this.dir = dir;
        this.files = files;
        this.objects = objects;
    }

    /** Parses every *.yaml and *.yml file below dir; a file that is not valid YAML fails here. */
    public static Manifests load(Path dir) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<K8sObject> objects = new ArrayList<>();
        for (Path file : files) {
            for (Object doc : parseAll(file)) {
                if (doc == null) {
                    continue; // an empty document, e.g. after a trailing "---"
                }
                if (!(doc instanceof Map<?, ?> map)) {
                    throw new AssertionError(file + ": a document is not a map: " + doc);
                }
                objects.add(new K8sObject(file, map));
            }
        }
        return new Manifests(dir, files, objects);
    }

    public static List<Object> parseAll(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            List<Object> docs = new ArrayList<>();
            yaml.loadAll(Files.readString(file)).forEach(docs::add);
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new AssertionError(file + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public List<Path> files() {
        return files;
    }

    public List<K8sObject> all() {
        return objects;
    }

    public List<K8sObject> ofKind(String kind) {
        return objects.stream().filter(o -> o.kind().equals(kind)).toList();
    }

    /** The one object of this kind and name; an error when there is none or more than one. */
    public K8sObject one(String kind, String name) {
        List<K8sObject> found = objects.stream()
                .filter(o -> o.kind().equals(kind) && o.name().equals(name))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + "/" + name + " under " + dir + ", found " + found);
        }
        return found.get(0);
    }

    /** The one object of this kind; an error when there is none or more than one. */
    public K8sObject one(String kind) {
        List<K8sObject> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " under " + dir + ", found " + found);
        }
        return found.get(0);
    }
}
