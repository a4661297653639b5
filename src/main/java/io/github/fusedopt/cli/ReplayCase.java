package io.github.fusedopt.cli;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerBuilder;
import io.github.fusedopt.OptimizerKind;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Builds the optimizer a case's {@code case.properties} describes: {@code optimizer} names a row of
 * {@link OptimizerKind}, and every other key is a hyperparameter of that optimizer, by the name
 * {@link Optimizer#hyperparameters()} gives it (or an older alias). Missing keys take the defaults.
 */
final class ReplayCase {

    static final String FILE = "case.properties";

    /**
     * Older or other names of hyperparameters: {@code lr} (REPLAY.md's first name), PyTorch's
     * {@code amsgrad}, and REPLAY.md's {@code seed} of a bf16 state.
     */
    private static final Map<String, String> ALIASES = Map.of("lr", "learningRate", "amsgrad", "amsGrad",
            "seed", "roundingSeed");

    private final Properties properties;

    private ReplayCase(Properties properties) {
        this.properties = properties;
    }

    static ReplayCase read(Path caseDir) throws BadInputException {
        ByteBuffer bytes = InputFile.read(caseDir.resolve(FILE), FILE);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer text = CharBuffer.allocate(bytes.remaining());
        CoderResult result = utf8.decode(bytes, text, true);
        if (result.isError()) {
            throw new BadInputException(FILE, "is not UTF-8: byte " + bytes.position() + " starts an invalid sequence");
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text.flip().toString()));
        } catch (IllegalArgumentException | IOException e) {
            throw new BadInputException(FILE, "malformed: " + e.getMessage());
        }
        return new ReplayCase(properties);
    }

    Optimizer optimizer() throws BadInputException {
        String name = properties.getProperty("optimizer");
        if (name == null) {
            throw new BadInputException(FILE, "the key 'optimizer' is missing");
        }
        OptimizerKind kind;
        try {
            kind = OptimizerKind.of(name.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(FILE, "unknown optimizer '" + name.trim() + "', expected one of "
                    + OptimizerKind.ids());
        }
        Map<String, String> values = new TreeMap<>();
        Map<String, String> givenAs = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.equals("optimizer")) {
                continue;
            }
            String canonical = ALIASES.getOrDefault(key, key);
            String earlier = givenAs.put(canonical, key);
            if (earlier != null) {
                throw new BadInputException(FILE, "both " + earlier + " and " + key + " are given; they name the "
                        + "same hyperparameter, give one");
            }
            values.put(canonical, properties.getProperty(key).trim());
        }
        OptimizerBuilder<?> builder = kind.builder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!builder.names().contains(e.getKey())) {
                throw new BadInputException(FILE, "unknown key '" + givenAs.get(e.getKey()) + "' for " + kind.id()
                        + "; known keys: " + String.join(", ", builder.names()) + " (and the aliases "
                        + String.join(", ", ALIASES.keySet().stream().sorted().toList()) + ")");
            }
            try {
                builder.set(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                // The message names the hyperparameter; name it as the case does.
                throw new BadInputException(FILE, givenAs.get(e.getKey())
                        + ex.getMessage().substring(e.getKey().length()));
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(FILE, e.getMessage());
        }
    }
}
