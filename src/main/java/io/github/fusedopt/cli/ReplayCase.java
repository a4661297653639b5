package io.github.fusedopt.cli;

import io.github.fusedopt.AdaBelief;
import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.AdamW;
import io.github.fusedopt.EAdam;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.WeightDecayMode;

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
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** Builds the optimizer a case's {@code case.properties} describes; missing keys take the defaults. */
final class ReplayCase {

    static final String FILE = "case.properties";

    /** The builder's names; {@code lr} stays as the older alias of {@code learningRate}. */
    private static final Set<String> COMMON_KEYS =
            Set.of("optimizer", "learningRate", "lr", "beta1", "beta2", "eps", "weightDecay", "weightDecayMode");
    private static final Set<String> ADAML_KEYS = Set.of("lossExponent", "lossMin", "referenceLoss");
    private static final Set<String> ADAL_KEYS = Set.of("anneal");

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

    /** The optimizer's name as given, lower case. */
    private String optimizerName() throws BadInputException {
        String name = properties.getProperty("optimizer");
        if (name == null) {
            throw new BadInputException(FILE, "the key 'optimizer' is missing");
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }

    Optimizer optimizer() throws BadInputException {
        String name = optimizerName();
        Set<String> allowed = new TreeSet<>(COMMON_KEYS);
        switch (name) {
            case "adaml" -> allowed.addAll(ADAML_KEYS);
            case "adal" -> allowed.addAll(ADAL_KEYS);
            case "adam", "adamw", "eadam", "adabelief" -> { }
            default -> throw new BadInputException(FILE, "unknown optimizer '" + name
                    + "', expected adam, adamw, eadam, adabelief, adaml or adal");
        }
        for (String key : properties.stringPropertyNames()) {
            if (!allowed.contains(key)) {
                throw new BadInputException(FILE, "unknown key '" + key + "' for " + name
                        + "; known keys: " + String.join(", ", allowed));
            }
        }
        try {
            Optimizer.Builder<?> builder = switch (name) {
                case "adam" -> common(Adam.builder());
                case "adamw" -> common(AdamW.builder());
                case "eadam" -> common(EAdam.builder());
                case "adabelief" -> common(AdaBelief.builder());
                case "adaml" -> adamL(common(AdamL.builder()));
                default -> adal(common(AdaL.builder()));
            };
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(FILE, e.getMessage());
        }
    }

    private <B extends Optimizer.Builder<B>> B common(B builder) throws BadInputException {
        if (has("lr") && has("learningRate")) {
            throw new BadInputException(FILE, "both lr and learningRate are given; lr is an alias, give one");
        }
        if (has("learningRate")) builder.learningRate(number("learningRate"));
        if (has("lr")) builder.learningRate(number("lr"));
        if (has("beta1")) builder.beta1(number("beta1"));
        if (has("beta2")) builder.beta2(number("beta2"));
        if (has("eps")) builder.eps(number("eps"));
        if (has("weightDecay")) builder.weightDecay(number("weightDecay"));
        if (has("weightDecayMode")) builder.weightDecayMode(weightDecayMode());
        return builder;
    }

    private AdamL.Builder adamL(AdamL.Builder builder) throws BadInputException {
        if (has("lossExponent")) builder.lossExponent(number("lossExponent"));
        if (has("lossMin")) builder.lossMin(number("lossMin"));
        if (has("referenceLoss")) builder.referenceLoss(number("referenceLoss"));
        return builder;
    }

    private AdaL.Builder adal(AdaL.Builder builder) throws BadInputException {
        if (has("anneal")) {
            String value = value("anneal");
            if (!value.equals("true") && !value.equals("false")) {
                throw new BadInputException(FILE, "anneal = '" + value + "': expected true or false");
            }
            builder.anneal(Boolean.parseBoolean(value));
        }
        return builder;
    }

    private WeightDecayMode weightDecayMode() throws BadInputException {
        return switch (value("weightDecayMode").toLowerCase(Locale.ROOT)) {
            case "coupled" -> WeightDecayMode.COUPLED;
            case "decoupled" -> WeightDecayMode.DECOUPLED;
            default -> throw new BadInputException(FILE, "weightDecayMode = '" + value("weightDecayMode")
                    + "': expected coupled or decoupled");
        };
    }

    private boolean has(String key) {
        return properties.getProperty(key) != null;
    }

    private String value(String key) {
        return properties.getProperty(key).trim();
    }

    private double number(String key) throws BadInputException {
        String value = value(key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new BadInputException(FILE, key + " = '" + value + "' is not a number");
        }
    }
}
