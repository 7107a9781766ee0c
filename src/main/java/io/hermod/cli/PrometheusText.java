package io.hermod.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text exposition ({@code /metrics}), enough for {@code hermod top}:
 * names, labels and values; comments, help and timestamps are skipped, and so is a line that does
 * not parse (one odd line must not blank the view).
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Sample s = sample(line.strip());
            if (s != null) {
                samples.add(s);
            }
        }
        return new PrometheusText(samples);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (i < line.length() && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    return null;
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(line.substring(i, eq).strip(), value.toString());
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        if (rest > line.length()) {
            return null;
        }
        String[] fields = line.substring(rest).strip().split("\\s+");
        try {
            return new Sample(name, labels, Double.parseDouble(fields[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The sum of {@code name}'s samples whose labels pass {@code filter}; 0 when there are none. */
    double sum(String name, Predicate<Map<String, String>> filter) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && filter.test(s.labels())) {
                total += s.value();
            }
        }
        return total;
    }

    double sum(String name) {
        return sum(name, labels -> true);
    }

    /** {@code name}'s samples summed per value of {@code label}. */
    Map<String, Double> byLabel(String name, String label) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().containsKey(label)) {
                out.merge(s.labels().get(label), s.value(), Double::sum);
            }
        }
        return out;
    }
}
