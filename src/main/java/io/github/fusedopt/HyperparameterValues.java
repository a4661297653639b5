package io.github.fusedopt;

import java.util.Locale;

/**
 * Hyperparameter values from their text, as {@link OptimizerBuilder#set} reads them: each parser
 * names the hyperparameter and the text it refuses.
 */
final class HyperparameterValues {

    private HyperparameterValues() {
    }

    static double number(String name, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw Checks.invalid(name, "'" + value + "'", "is not a number");
        }
    }

    static long integer(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw Checks.invalid(name, "'" + value + "'", "is not a 64-bit integer");
        }
    }

    static boolean bool(String name, String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Checks.invalid(name, "'" + value + "'", "is not true or false");
        };
    }

    static <E extends Enum<E>> E constant(Class<E> type, String name, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
                return constant;
            }
        }
        throw Checks.invalid(name, "'" + value + "'", "is not a " + type.getSimpleName());
    }
}
