package io.github.fusedopt.testing;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small seeded property runner on plain JUnit.
 *
 * <p>Each case is drawn from its own seed. A failing case is shrunk by length (the same seed,
 * regenerated at smaller lengths), and the failure names the seed and length that replay it:
 * {@code -Dfusedopt.seed=<seed> -Dfusedopt.length=<length>} runs exactly that case in every
 * property. {@code -Dfusedopt.tries=<n>} sets the number of cases per property.
 */
public final class Property {

    /** Replays one case: its seed, in decimal or {@code 0x} hex. */
    public static final String SEED_PROPERTY = "fusedopt.seed";
    /** With {@link #SEED_PROPERTY}: forces the case's length. */
    public static final String LENGTH_PROPERTY = "fusedopt.length";
    /** Cases per property. */
    public static final String TRIES_PROPERTY = "fusedopt.tries";

    private static final int DEFAULT_TRIES = 1000;
    private static final AtomicLong CASES_RUN = new AtomicLong();
    private static final AtomicLong PROPERTIES_RUN = new AtomicLong();
    private static final int SHRINK_BUDGET = 200;

    private Property() {
    }

    /** Draws cases: first a length, then the case at that length, from the same random stream. */
    public interface Generator<C> {
        int length(SplittableRandom random);

        C generate(SplittableRandom random, int length);
    }

    /** A check that throws (usually an {@link AssertionError}) when the property does not hold. */
    public interface Check<C> {
        void check(C testCase) throws Exception;
    }

    /** The number of cases per property: {@code -Dfusedopt.tries}, default 1000. */
    public static int tries() {
        String value = System.getProperty(TRIES_PROPERTY);
        return value == null || value.isBlank() ? DEFAULT_TRIES : Integer.parseInt(value.trim());
    }

    /**
     * Checks {@code check} on {@code tries} generated cases (one replayed case when
     * {@code -Dfusedopt.seed} is set).
     *
     * @return the number of cases run
     */
    public static <C> int forAll(String name, int tries, Generator<C> generator, Check<C> check) {
        String replaySeed = System.getProperty(SEED_PROPERTY);
        if (replaySeed != null && !replaySeed.isBlank()) {
            long seed = Long.decode(replaySeed.trim());
            String forcedLength = System.getProperty(LENGTH_PROPERTY);
            Integer length = forcedLength == null || forcedLength.isBlank() ? null : Integer.valueOf(forcedLength.trim());
            runOne(name, 0, 1, seed, length, generator, check);
            System.out.println("property '" + name + "': replayed case 0x" + Long.toHexString(seed) + " passed");
            return 1;
        }
        SplittableRandom seeds = new SplittableRandom();
        long start = System.nanoTime();
        PROPERTIES_RUN.incrementAndGet();
        for (int i = 0; i < tries; i++) {
            CASES_RUN.incrementAndGet();
            runOne(name, i, tries, seeds.nextLong(), null, generator, check);
        }
        System.out.printf(Locale.ROOT, "property '%s': %d cases passed in %.1f s%n", name, tries,
                (System.nanoTime() - start) / 1e9);
        return tries;
    }

    /** Cases generated so far in this JVM, over every property. */
    public static long casesRun() {
        return CASES_RUN.get();
    }

    /** Properties run so far in this JVM. */
    public static long propertiesRun() {
        return PROPERTIES_RUN.get();
    }

    private static <C> void runOne(String name, int index, int tries, long seed, Integer forcedLength,
                                   Generator<C> generator, Check<C> check) {
        int length = forcedLength != null ? forcedLength : generator.length(new SplittableRandom(seed));
        Throwable failure = attempt(generator, check, seed, length);
        if (failure == null) {
            return;
        }
        int shrunk = length;
        Throwable shrunkFailure = failure;
        int budget = SHRINK_BUDGET;
        boolean progress = true;
        while (progress && budget > 0) {
            progress = false;
            for (int candidate : new int[] {0, 1, shrunk / 8, shrunk / 4, shrunk / 2, shrunk * 3 / 4, shrunk - 1}) {
                if (candidate < 0 || candidate >= shrunk || budget-- <= 0) {
                    continue;
                }
                Throwable t = attempt(generator, check, seed, candidate);
                if (t != null) {
                    shrunk = candidate;
                    shrunkFailure = t;
                    progress = true;
                    break;
                }
            }
        }
        String replay = "-D" + SEED_PROPERTY + "=0x" + Long.toHexString(seed) + " -D" + LENGTH_PROPERTY + "=" + shrunk;
        String message = "property '" + name + "' failed on case " + (index + 1) + " of " + tries
                + " (seed 0x" + Long.toHexString(seed) + ", length " + length
                + (shrunk != length ? ", shrunk to length " + shrunk : "") + ").\nReplay it with: "
                + replay + "\n" + shrunkFailure;
        System.err.println(message);
        throw new AssertionError(message, shrunkFailure);
    }

    private static <C> Throwable attempt(Generator<C> generator, Check<C> check, long seed, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        generator.length(random);
        try {
            check.check(generator.generate(random, length));
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
