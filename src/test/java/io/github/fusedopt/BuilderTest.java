package io.github.fusedopt;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults as in the spec; {@code build()} rejects every invalid hyperparameter by name and value. */
class BuilderTest {

    @Test
    void defaultsAreTheSpecs() {
        for (Kind kind : Kind.values()) {
            Optimizer o = kind.defaults();
            assertEquals(1e-3, o.learningRate(), kind.name());
            assertEquals(0.9, o.beta1(), kind.name());
            assertEquals(0.999, o.beta2(), kind.name());
            assertEquals(kind == Kind.ADABELIEF ? 1e-16 : 1e-8, o.eps(), kind.name());
            assertEquals(kind == Kind.ADAMW ? 0.01 : 0, o.weightDecay(), kind.name());
            assertEquals(kind == Kind.ADAMW ? WeightDecayMode.DECOUPLED : WeightDecayMode.COUPLED,
                    o.weightDecayMode(), kind.name());
            assertEquals(NonFinitePolicy.PROPAGATE, o.nonFinitePolicy(), kind.name());
        }
        AdamL adamL = AdamL.builder().build();
        assertEquals(1, adamL.lossExponent());
        assertEquals(0, adamL.lossMin());
        assertFalse(adamL.referenceLoss().isPresent());
        assertTrue(AdaL.builder().build().anneal());
    }

    /** One invalid setting: the builder call, the name the error must give, and the value's text. */
    record Invalid(String argument, String value, Consumer<OptimizerBuilder<?>> set) {
    }

    static List<Invalid> invalidSharedSettings() {
        List<Invalid> cases = new ArrayList<>();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -1e-3, 1e-50, 1e39}) {
            cases.add(new Invalid("learningRate", "" + bad, b -> b.learningRate(bad)));
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.1, 1, 1.5, 0.99999999}) {
            cases.add(new Invalid("beta1", "" + bad, b -> b.beta1(bad)));
            cases.add(new Invalid("beta2", "" + bad, b -> b.beta2(bad)));
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0, -1e-8, 1e-50, 1e39}) {
            cases.add(new Invalid("eps", "" + bad, b -> b.eps(bad)));
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1e-4, 1e39}) {
            cases.add(new Invalid("weightDecay", "" + bad, b -> b.weightDecay(bad)));
        }
        cases.add(new Invalid("weightDecayMode", "null", b -> b.weightDecayMode(null)));
        cases.add(new Invalid("nonFinitePolicy", "null", b -> b.nonFinitePolicy(null)));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyBuilderRejectsInvalidSharedHyperparameters() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (Invalid invalid : invalidSharedSettings()) {
                tests.add(DynamicTest.dynamicTest(kind + " " + invalid.argument + " = " + invalid.value, () -> {
                    OptimizerBuilder<?> builder = builder(kind);
                    invalid.set.accept(builder);
                    assertRejected(invalid, () -> build(builder));
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> adamLRejectsInvalidLossSettings() {
        List<Invalid> cases = new ArrayList<>();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.5}) {
            cases.add(new Invalid("lossExponent", "" + bad, b -> ((AdamL.Builder) b).lossExponent(bad)));
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            cases.add(new Invalid("lossMin", "" + bad, b -> ((AdamL.Builder) b).lossMin(bad)));
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1e-12}) {
            cases.add(new Invalid("referenceLoss", "" + bad, b -> ((AdamL.Builder) b).referenceLoss(bad)));
        }
        return cases.stream().map(invalid -> DynamicTest.dynamicTest(invalid.argument + " = " + invalid.value, () -> {
            AdamL.Builder builder = AdamL.builder();
            invalid.set.accept(builder);
            assertRejected(invalid, builder::build);
        }));
    }

    /** {@code toBuilder()} keeps every hyperparameter, the class's own included. */
    @Test
    void toBuilderCopiesEveryHyperparameter() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            for (Kind kind : Kind.values()) {
                Optimizer o = Hyperparameters.withPolicy(kind.random(r),
                        r.nextBoolean() ? NonFinitePolicy.SKIP : NonFinitePolicy.PROPAGATE);
                Optimizer copy = o.toBuilder().build();
                assertEquals(o.getClass(), copy.getClass());
                assertEquals(o.toString(), copy.toString());
            }
        }
    }

    @Test
    void boundaryValuesAreAccepted() {
        for (Kind kind : Kind.values()) {
            OptimizerBuilder<?> b = builder(kind).beta1(0).beta2(Math.nextDown(1f)).eps(Float.MIN_VALUE)
                    .weightDecay(0).learningRate(Float.MAX_VALUE);
            assertDoesNotThrow(() -> build(b), kind.name());
        }
        assertDoesNotThrow(() -> AdamL.builder().lossExponent(0).lossMin(-5).referenceLoss(-5).build());
    }

    @Test
    void newStateRejectsANegativeSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().build().newState(-1));
        assertTrue(e.getMessage().startsWith("size = -1"), e.getMessage());
    }

    /** The JVM cannot allocate an array of this length: refused by name, not an OutOfMemoryError. */
    @Test
    void newStateRejectsAHeapStateNoArrayCanHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Adam.builder().build().newState(Integer.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("size = 2147483647: exceeds"), e.getMessage());
    }

    /**
     * Hyperparameters that are floats one by one but whose per-step scalars are not: the first
     * step's size {@code α/(1 − β1)}, decoupled decay's {@code 1 − α·λ}, and the floor
     * {@code ε/(1 − β2)} that EAdam, AdamL and AdaBelief accumulate in {@code v}.
     */
    @TestFactory
    Stream<DynamicTest> perStepScalarsBeyondFloatRangeAreRejected() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            tests.add(DynamicTest.dynamicTest(kind + " α/(1 − β1) overflows", () -> {
                Invalid invalid = new Invalid("learningRate", "3.5E37", b -> b.learningRate(3.5e37).beta1(0.9));
                OptimizerBuilder<?> builder = builder(kind);
                invalid.set.accept(builder);
                assertRejected(invalid, () -> build(builder));
                assertDoesNotThrow(() -> build(builder(kind).learningRate(3.3e37).beta1(0.9)));
            }));
            tests.add(DynamicTest.dynamicTest(kind + " 1 − α·λ overflows", () -> {
                Invalid invalid = new Invalid("weightDecay", "1.0E10", b -> b.learningRate(1e30).beta1(0)
                        .weightDecay(1e10).weightDecayMode(WeightDecayMode.DECOUPLED));
                OptimizerBuilder<?> builder = builder(kind);
                invalid.set.accept(builder);
                assertRejected(invalid, () -> build(builder));
                assertDoesNotThrow(() -> build(builder(kind).learningRate(1e30).beta1(0).weightDecay(1e10)
                        .weightDecayMode(WeightDecayMode.COUPLED)));
            }));
            boolean epsInV = kind == Kind.EADAM || kind == Kind.ADAML || kind == Kind.ADABELIEF;
            tests.add(DynamicTest.dynamicTest(kind + " ε/(1 − β2) " + (epsInV ? "overflows v" : "is not in v"), () -> {
                OptimizerBuilder<?> builder = builder(kind).eps(1e36).beta2(0.999);
                if (epsInV) {
                    assertRejected(new Invalid("eps", "1.0E36", b -> { }), () -> build(builder));
                    assertDoesNotThrow(() -> build(builder(kind).eps(8e34).beta2(0.999)));
                } else {
                    assertDoesNotThrow(() -> build(builder));
                }
            }));
        }
        return tests.stream();
    }

    private static void assertRejected(Invalid invalid, org.junit.jupiter.api.function.Executable build) {
        RuntimeException e = assertThrows(RuntimeException.class, build);
        assertTrue(e instanceof IllegalArgumentException || e instanceof NullPointerException, e.toString());
        assertTrue(e.getMessage().startsWith(invalid.argument + " = " + invalid.value), e.getMessage());
    }

    private static OptimizerBuilder<?> builder(Kind kind) {
        return switch (kind) {
            case ADAM -> Adam.builder();
            case ADAMW -> AdamW.builder();
            case EADAM -> EAdam.builder();
            case ADABELIEF -> AdaBelief.builder();
            case ADAML -> AdamL.builder();
            case ADAL -> AdaL.builder();
        };
    }

    private static Optimizer build(OptimizerBuilder<?> builder) {
        return builder.build();
    }
}
