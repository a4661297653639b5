package io.github.fusedopt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperparameters by name: the map an optimizer gives builds it again, bit for bit. */
class HyperparameterNamesTest {

    /** Written only when set: AdamL's reference loss, AMSGrad, and a bf16 state's format and seed. */
    private static final List<String> OPTIONAL = List.of("referenceLoss", "amsGrad", "stateFormat", "roundingSeed");

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theMapRebuildsTheOptimizer(Kind kind) {
        SplittableRandom r = new SplittableRandom(kind.ordinal());
        for (int i = 0; i < 200; i++) {
            Optimizer optimizer = kind.random(r);
            Map<String, String> values = optimizer.hyperparameters();
            Optimizer rebuilt = Optimizer.of(values);
            assertEquals(values, rebuilt.hyperparameters());
            assertEquals(optimizer.getClass(), rebuilt.getClass());
            assertEquals(optimizer.stateSlots(), rebuilt.stateSlots());
            assertEquals(kind.row.displayName(), values.get("optimizer"));
            // Every name the builder takes, in its order; those that default to absent may be left out.
            List<String> names = kind.row.builder().names();
            List<String> keys = values.keySet().stream().filter(k -> !k.equals("optimizer")).toList();
            assertEquals(names.stream().filter(keys::contains).toList(), keys);
            assertTrue(keys.containsAll(names.stream().filter(n -> !OPTIONAL.contains(n)).toList()), keys.toString());
        }
    }

    @Test
    void unknownNamesAndBadTextAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().set("lossMin", "0"));
        assertTrue(e.getMessage().startsWith("name = lossMin: is not a hyperparameter of Adam; it has learningRate"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdaL.builder().set("anneal", "yes"));
        assertTrue(e.getMessage().startsWith("anneal = 'yes': is not true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.of(Map.of("optimizer", "Adamax")));
        assertTrue(e.getMessage().contains("no such optimizer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Adam.builder().setAll(Map.of("optimizer", "AdamW", "beta1", "0.5")));
        assertTrue(e.getMessage().startsWith("optimizer = AdamW: is not Adam"), e.getMessage());
        assertEquals(WeightDecayMode.DECOUPLED, Adam.builder().set("weightDecayMode", "decoupled").build().weightDecayMode());
        assertTrue(Optimizer.of(Map.of("optimizer", "adamw", "amsGrad", "true")) instanceof AdamW w && w.amsGrad());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().set("roundingSeed", "1.5"));
        assertTrue(e.getMessage().startsWith("roundingSeed = '1.5': is not a 64-bit integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().set("stateFormat", "bf8"));
        assertTrue(e.getMessage().startsWith("stateFormat = 'bf8': is not a StateFormat"), e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class, () -> Adam.builder().stateFormat(null).build());
        assertTrue(n.getMessage().contains("stateFormat"), n.getMessage());
        Optimizer bf16 = Optimizer.of(Map.of("optimizer", "adaml", "stateFormat", "bf16", "roundingSeed", "-9"));
        assertEquals(StateFormat.BF16, bf16.stateFormat());
        assertEquals(-9, bf16.roundingSeed());
    }
}
