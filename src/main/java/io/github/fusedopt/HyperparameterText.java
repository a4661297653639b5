package io.github.fusedopt;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An optimizer's hyperparameters as checkpoint text: one {@code key=value} line per setting,
 * {@code optimizer} first; doubles in Java's shortest exact form, so they read back bit for bit.
 */
final class HyperparameterText {

    private HyperparameterText() {
    }

    static String encode(Optimizer optimizer) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("optimizer", optimizer.getClass().getSimpleName());
        values.put("learningRate", Double.toString(optimizer.learningRate()));
        values.put("beta1", Double.toString(optimizer.beta1()));
        values.put("beta2", Double.toString(optimizer.beta2()));
        values.put("eps", Double.toString(optimizer.eps()));
        values.put("weightDecay", Double.toString(optimizer.weightDecay()));
        values.put("weightDecayMode", optimizer.weightDecayMode().name());
        values.put("nonFinitePolicy", optimizer.nonFinitePolicy().name());
        switch (optimizer) {
            case AdamL adamL -> {
                values.put("lossExponent", Double.toString(adamL.lossExponent()));
                values.put("lossMin", Double.toString(adamL.lossMin()));
                adamL.referenceLoss().ifPresent(r -> values.put("referenceLoss", Double.toString(r)));
            }
            case AdaL adaL -> {
                values.put("anneal", Boolean.toString(adaL.anneal()));
                values.put("normScope", adaL.normScope().name());
            }
            default -> { }
        }
        StringBuilder text = new StringBuilder();
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
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
        Reader in = new Reader(values, file);
        try {
            Optimizer optimizer = switch (in.text("optimizer")) {
                case "Adam" -> in.shared(Adam.builder()).build();
                case "AdamW" -> in.shared(AdamW.builder()).build();
                case "EAdam" -> in.shared(EAdam.builder()).build();
                case "AdaBelief" -> in.shared(AdaBelief.builder()).build();
                case "AdamL" -> {
                    AdamL.Builder b = in.shared(AdamL.builder()).lossExponent(in.number("lossExponent"))
                            .lossMin(in.number("lossMin"));
                    yield values.containsKey("referenceLoss") ? b.referenceLoss(in.number("referenceLoss")).build()
                            : b.build();
                }
                case "AdaL" -> in.shared(AdaL.builder()).anneal(in.bool("anneal"))
                        .normScope(in.constant(NormScope.class, "normScope")).build();
                default -> throw new CheckpointException(file, "unknown optimizer '" + visible(values.get("optimizer"))
                        + "'");
            };
            in.requireAllRead();
            return optimizer;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "invalid hyperparameters: " + e.getMessage());
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

    /** Reads values by key, remembering which were read so that unknown keys are caught. */
    private static final class Reader {
        private final Map<String, String> values;
        private final Path file;
        private final Set<String> read = new HashSet<>();

        Reader(Map<String, String> values, Path file) {
            this.values = values;
            this.file = file;
        }

        <B extends Optimizer.Builder<B>> B shared(B builder) throws CheckpointException {
            return builder.learningRate(number("learningRate")).beta1(number("beta1")).beta2(number("beta2"))
                    .eps(number("eps")).weightDecay(number("weightDecay"))
                    .weightDecayMode(constant(WeightDecayMode.class, "weightDecayMode"))
                    .nonFinitePolicy(constant(NonFinitePolicy.class, "nonFinitePolicy"));
        }

        String text(String key) throws CheckpointException {
            String value = values.get(key);
            if (value == null) {
                throw new CheckpointException(file, "hyperparameter '" + key + "' is missing");
            }
            read.add(key);
            return value;
        }

        double number(String key) throws CheckpointException {
            String value = text(key);
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CheckpointException(file, "hyperparameter " + key + " = '" + visible(value) + "' is not a number");
            }
        }

        boolean bool(String key) throws CheckpointException {
            String value = text(key);
            if (!value.equals("true") && !value.equals("false")) {
                throw new CheckpointException(file, "hyperparameter " + key + " = '" + visible(value)
                        + "' is not true or false");
            }
            return Boolean.parseBoolean(value);
        }

        <E extends Enum<E>> E constant(Class<E> type, String key) throws CheckpointException {
            String value = text(key);
            try {
                return Enum.valueOf(type, value);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "hyperparameter " + key + " = '" + visible(value) + "' is not a "
                        + type.getSimpleName());
            }
        }

        void requireAllRead() throws CheckpointException {
            for (String key : values.keySet()) {
                if (!read.contains(key)) {
                    throw new CheckpointException(file, "unknown hyperparameter '" + visible(key) + "' for "
                            + visible(values.get("optimizer")));
                }
            }
        }
    }
}
