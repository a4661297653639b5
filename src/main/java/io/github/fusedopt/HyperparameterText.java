package io.github.fusedopt;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * An optimizer's hyperparameters as checkpoint text: one {@code key=value} line per setting,
 * {@code optimizer} first; doubles in Java's shortest exact form, so they read back bit for bit.
 */
final class HyperparameterText {

    private HyperparameterText() {
    }

    /** {@link Optimizer#hyperparameters()}. */
    static Map<String, String> map(Optimizer optimizer) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("optimizer", optimizer.kind().displayName());
        values.put("learningRate", Double.toString(optimizer.learningRate()));
        values.put("beta1", Double.toString(optimizer.beta1()));
        values.put("beta2", Double.toString(optimizer.beta2()));
        values.put("eps", Double.toString(optimizer.eps()));
        values.put("weightDecay", Double.toString(optimizer.weightDecay()));
        values.put("weightDecayMode", optimizer.weightDecayMode().name());
        values.put("nonFinitePolicy", optimizer.nonFinitePolicy().name());
        optimizer.putOwn(values);
        if (optimizer.stateFormat() != StateFormat.F32) {   // only then, so that float-state text reads as before
            values.put("stateFormat", optimizer.stateFormat().name());
            values.put("roundingSeed", Long.toString(optimizer.roundingSeed()));
        }
        return Collections.unmodifiableMap(values);
    }

    /** {@code Name[key=value, ...]}, schedules included. */
    static String describe(Optimizer optimizer) {
        StringJoiner text = new StringJoiner(", ", optimizer.kind().displayName() + "[", "]");
        map(optimizer).forEach((key, value) -> {
            if (!key.equals("optimizer")) {
                text.add(key + "=" + value);
            }
        });
        optimizer.learningRateSchedule().ifPresent(x -> text.add("learningRateSchedule=" + x));
        optimizer.weightDecaySchedule().ifPresent(x -> text.add("weightDecaySchedule=" + x));
        return text.toString();
    }

    static String encode(Optimizer optimizer) {
        StringBuilder text = new StringBuilder();
        map(optimizer).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    /**
     * The optimizer a checkpoint's text describes. The text must be exactly what {@link #encode}
     * writes for that optimizer (keys in order, numbers in their shortest form, one {@code \n} after
     * each line), so that a load accepts exactly what a save can write.
     */
    static Optimizer decode(String text, Path file) throws CheckpointException {
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.endsWith("\r")) {
                throw new CheckpointException(file, "hyperparameter line " + (i + 1) + " '" + visible(line)
                        + "' ends with a carriage return; lines end with \\n alone");
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || values.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw new CheckpointException(file, "malformed hyperparameter line '" + visible(line) + "'");
            }
        }
        Optimizer optimizer = build(values, file);
        String canonical = encode(optimizer);
        if (!canonical.equals(text)) {
            String[] expected = canonical.split("\n", -1);
            int i = 0;
            while (i < Math.min(lines.length, expected.length) && lines[i].equals(expected[i])) {
                i++;
            }
            String found = i < lines.length ? "'" + visible(lines[i]) + "'" : "the end of the text";
            String wanted = i < expected.length ? "'" + expected[i] + "'" : "the end of the text";
            throw new CheckpointException(file, "hyperparameter line " + (i + 1) + " is " + found + " where a save "
                    + "writes " + wanted + " for these values; the text was not written by a save");
        }
        return optimizer;
    }

    private static Optimizer build(Map<String, String> values, Path file) throws CheckpointException {
        if (!values.containsKey("optimizer")) {
            throw new CheckpointException(file, "hyperparameter 'optimizer' is missing");
        }
        try {
            return Optimizer.of(values);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "invalid hyperparameters: " + visible(e.getMessage()));
        }
    }

    /** The text with control characters as escapes, so that a message shows what is there. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(switch (c) {
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", c);
                });
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
