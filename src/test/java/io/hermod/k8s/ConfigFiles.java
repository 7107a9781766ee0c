package io.hermod.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The files a hermod.yaml names ({@code tls.cert}, {@code tls.key}, {@code auth.users}). Hermod's
 * configuration validation refuses a file it cannot read, and in the pod these come from Secrets;
 * to validate the ConfigMap's configuration outside the pod, {@link #rootedAt} moves each one
 * below a directory where it creates an empty, readable file. Everything else is left as it is.
 */
public final class ConfigFiles {

    /** The keys whose values are files that must exist when Hermod starts. */
    public static final List<String> KEYS = List.of("tls.cert", "tls.key", "auth.users");

    private ConfigFiles() {
    }

    /** Key to the path as the text writes it, for the keys of {@link #KEYS} that the text sets. */
    public static Map<String, String> named(String yamlText) {
        Map<?, ?> root = load(yamlText);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : KEYS) {
            Object value = section(root, key).get(leaf(key));
            if (value != null && !String.valueOf(value).isEmpty()) {
                out.put(key, String.valueOf(value));
            }
        }
        return out;
    }

    /**
     * The same configuration with every file of {@link #named} at {@code root} + its path (an
     * absolute path keeps its components: /etc/hermod/tls/tls.crt becomes ROOT/etc/hermod/tls/tls.crt),
     * where an empty file now exists. The result is YAML text for {@code ConfigLoader.parse}.
     */
    public static String rootedAt(String yamlText, Path root) {
        Map<String, String> files = named(yamlText);
        @SuppressWarnings("unchecked")
        Map<Object, Object> tree = (Map<Object, Object>) load(yamlText);
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path moved = moved(root, e.getValue());
            try {
                Files.createDirectories(moved.getParent());
                if (!Files.exists(moved)) {
                    Files.createFile(moved);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            @SuppressWarnings("unchecked")
            Map<Object, Object> section = (Map<Object, Object>) section(tree, e.getKey());
            section.put(leaf(e.getKey()), moved.toString());
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new Representer(options), options).dump(tree);
    }

    /** Where {@link #rootedAt} puts the file that the configuration names as path. */
    public static Path moved(Path root, String path) {
        Path p = Path.of(path);
        return root.resolve(p.isAbsolute() ? p.getRoot().relativize(p) : p);
    }

    private static Map<?, ?> load(String yamlText) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        if (!(root instanceof Map<?, ?> map)) {
            throw new AssertionError("hermod.yaml is not a map: " + root);
        }
        return map;
    }

    /** The map holding key's leaf (for "tls.cert", the map under "tls"); empty when the section is absent. */
    private static Map<?, ?> section(Map<?, ?> root, String key) {
        Object section = root.get(key.substring(0, key.indexOf('.')));
        if (section == null) {
            return Map.of();
        }
        if (!(section instanceof Map<?, ?> map)) {
            throw new AssertionError("hermod.yaml: " + key.substring(0, key.indexOf('.')) + " is not a section: "
                    + section);
        }
        return map;
    }

    private static String leaf(String key) {
        return key.substring(key.indexOf('.') + 1);
    }
}
