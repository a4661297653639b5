package io.github.fusedopt;

import java.util.SplittableRandom;

/**
 * The rows of {@link OptimizerKind}, with random hyperparameters for property tests: Adam and AdamW
 * are drawn with AMSGrad a third of the time, and every optimizer with bf16 state a third of the time. A row added to the table fails
 * {@code KindTest} until it is added here.
 */
enum Kind {
    ADAM(OptimizerKind.ADAM), ADAMW(OptimizerKind.ADAMW), EADAM(OptimizerKind.EADAM),
    ADABELIEF(OptimizerKind.ADABELIEF), ADAML(OptimizerKind.ADAML), ADAL(OptimizerKind.ADAL);

    final OptimizerKind row;

    Kind(OptimizerKind row) {
        this.row = row;
    }

    /** Defaults of this optimizer. */
    Optimizer defaults() {
        return row.builder().build();
    }

    /** Random hyperparameters, including {@code β1 = 0}, {@code β2} next to 1 and both decay modes. */
    Optimizer random(SplittableRandom r) {
        return random(r, true);
    }

    /**
     * Random hyperparameters; with {@code edges} false, {@code ε} stays a normal float (a
     * subnormal {@code ε} accumulated in {@code v} is exact in {@code double} only).
     */
    Optimizer random(SplittableRandom r, boolean edges) {
        return switch (this) {
            case ADAM -> common(Adam.builder(), r, edges).amsGrad(r.nextInt(3) == 0).build();
            case ADAMW -> common(AdamW.builder(), r, edges).amsGrad(r.nextInt(3) == 0).build();
            case EADAM -> common(EAdam.builder(), r, edges).build();
            case ADABELIEF -> common(AdaBelief.builder(), r, edges).build();
            case ADAML -> {
                AdamL.Builder b = common(AdamL.builder(), r, edges)
                        .lossExponent(pick(r, 0, 0.5, 1, 1, 2, 3.7))
                        .lossMin(pick(r, 0, 0, -1, 2.5));
                if (r.nextInt(3) == 0) {
                    b.referenceLoss(b.build().lossMin() + pick(r, 0, 0.5, 3, 100));
                }
                yield b.build();
            }
            case ADAL -> common(AdaL.builder(), r, edges).anneal(r.nextBoolean()).build();
        };
    }

    private static <B extends OptimizerBuilder<B>> B common(B b, SplittableRandom r, boolean edges) {
        b.learningRate(Math.pow(10, -5 + 5 * r.nextDouble()))
                .beta1(pick(r, 0, 0.5, 0.9, 0.9, 0.99, r.nextDouble()))
                .beta2(pick(r, 0, 0.9, 0.999, 0.999, 0.9999, 0.99999, Math.nextDown(1f), r.nextDouble()))
                .eps(edges ? pick(r, 1e-8, 1e-8, 1e-16, 1e-30, 1e-3, Float.MIN_VALUE) : pick(r, 1e-8, 1e-16, 1e-30, 1e-3));
        if (r.nextInt(3) == 0) {
            b.weightDecay(pick(r, 1e-4, 1e-2, 0.1)).weightDecayMode(
                    r.nextBoolean() ? WeightDecayMode.COUPLED : WeightDecayMode.DECOUPLED);
        }
        if (r.nextInt(3) == 0) {
            b.stateFormat(StateFormat.BF16).roundingSeed(r.nextInt(4) == 0 ? 0 : r.nextLong());
        }
        return b;
    }

    static double pick(SplittableRandom r, double... values) {
        return values[r.nextInt(values.length)];
    }
}
