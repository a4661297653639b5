package io.github.fusedopt;

import io.github.fusedopt.testing.Values;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * A generated group run: tensor lengths (edge lengths, primes, and sometimes tensors longer than a
 * parallel chunk), where each tensor lives (its own arrays at offsets, one shared flat array, or
 * native segments at any 4-byte offset), whether the state is off the heap, and per step the
 * gradients, a loss, a gradient scale and optionally a given {@code ‖g‖₁}.
 */
record GroupCase(Optimizer optimizer, int[] lengths, Storage[] storage, boolean offHeapState,
                 float[][] initialParams, float[][][] grads, double[] losses, double[] gradScales,
                 double[] gradNorms) {

    enum Storage { OWN_ARRAYS, FLAT_ARRAY, SEGMENTS }

    int steps() {
        return grads.length;
    }

    int tensors() {
        return lengths.length;
    }

    static GroupCase random(Optimizer optimizer, SplittableRandom r, int size) {
        int tensors = 1 + r.nextInt(Math.max(1, size));
        int[] lengths = new int[tensors];
        Storage[] storage = new Storage[tensors];
        boolean flat = r.nextInt(3) == 0;
        for (int i = 0; i < tensors; i++) {
            int roll = r.nextInt(12);
            lengths[i] = roll == 0 ? ChunkPlan.CHUNK * (1 + r.nextInt(2)) + r.nextInt(-9, 4000)
                    : roll < 3 ? Values.length(r, 30_000) : Values.length(r, 300);
            storage[i] = r.nextInt(3) == 0 ? Storage.SEGMENTS : flat ? Storage.FLAT_ARRAY : Storage.OWN_ARRAYS;
        }
        int steps = 1 + r.nextInt(r.nextInt(6) == 0 ? 30 : 4);
        Values.Mix paramMix = r.nextBoolean() ? Values.Mix.plain(1) : Values.Mix.random(r);
        Values.Mix gradMix = r.nextBoolean() ? Values.Mix.plain(0.1) : Values.Mix.random(r);
        float[][] params = new float[tensors][];
        for (int i = 0; i < tensors; i++) {
            params[i] = Values.array(r, lengths[i], paramMix);
        }
        float[][][] grads = new float[steps][tensors][];
        double[] losses = new double[steps];
        double[] scales = new double[steps];
        double[] norms = new double[steps];
        double lossMin = optimizer instanceof AdamL a ? a.lossMin() : 0;
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < tensors; i++) {
                grads[s][i] = Values.array(r, lengths[i], gradMix);
            }
            losses[s] = lossMin + 5 * r.nextDouble();
            scales[s] = r.nextInt(4) == 0 ? Kind.pick(r, 0, -1, 0.5, 1.0 / 1024, 65536) : 1;
            norms[s] = r.nextInt(5) == 0 ? Kind.pick(r, 0, 1e-3, 17.5) : Double.NaN;
        }
        return new GroupCase(optimizer, lengths, storage, r.nextInt(3) == 0, params, grads, losses, scales, norms);
    }

    /** The case's storage, bound into a group, with a state for it. */
    final class Bound implements AutoCloseable {
        final Arena arena = Arena.ofShared();
        final TensorGroup group;
        final OptimizerState state;
        private final float[][] paramArrays = new float[tensors()][];
        private final float[][] gradArrays = new float[tensors()][];
        private final int[] paramOffsets = new int[tensors()];
        private final int[] gradOffsets = new int[tensors()];
        private final MemorySegment[] paramSegments = new MemorySegment[tensors()];
        private final MemorySegment[] gradSegments = new MemorySegment[tensors()];

        Bound(SplittableRandom r) {
            long flatLength = 0;
            for (int length : lengths) {
                flatLength += length + 3;
            }
            float[] flatParams = new float[(int) flatLength];
            float[] flatGrads = new float[(int) flatLength];
            int flatAt = 0;
            TensorGroupBuilder builder = TensorGroup.builder();
            for (int i = 0; i < tensors(); i++) {
                int n = lengths[i];
                switch (storage[i]) {
                    case OWN_ARRAYS -> {
                        paramOffsets[i] = r.nextInt(0, 5);
                        gradOffsets[i] = r.nextInt(0, 5);
                        paramArrays[i] = new float[paramOffsets[i] + n + r.nextInt(0, 3)];
                        gradArrays[i] = new float[gradOffsets[i] + n];
                    }
                    case FLAT_ARRAY -> {
                        paramArrays[i] = flatParams;
                        gradArrays[i] = flatGrads;
                        paramOffsets[i] = flatAt;
                        gradOffsets[i] = flatAt;
                        flatAt += n + r.nextInt(0, 4);
                    }
                    case SEGMENTS -> {
                        long shift = Float.BYTES * r.nextInt(0, 8);
                        paramSegments[i] = arena.allocate(shift + 4L * n, 64).asSlice(shift);
                        gradSegments[i] = arena.allocate(shift + 4L * n, 64).asSlice(shift);
                    }
                }
                MemorySegment.copy(initialParams[i], 0, params(i), JAVA_FLOAT, 0, n);
                if (storage[i] == Storage.SEGMENTS) {
                    builder.add(paramSegments[i], r.nextBoolean() ? gradSegments[i] : gradSegments[i].asReadOnly());
                } else {
                    builder.add(paramArrays[i], paramOffsets[i], gradArrays[i], gradOffsets[i], n);
                }
            }
            group = builder.build();
            state = offHeapState ? optimizer.newState(group, arena) : optimizer.newState(group);
        }

        /** Tensor {@code i}'s parameters as a segment (a heap segment over the array slice). */
        MemorySegment params(int i) {
            return storage[i] == Storage.SEGMENTS ? paramSegments[i]
                    : MemorySegment.ofArray(paramArrays[i]).asSlice(4L * paramOffsets[i], 4L * lengths[i]);
        }

        MemorySegment grads(int i) {
            return storage[i] == Storage.SEGMENTS ? gradSegments[i]
                    : MemorySegment.ofArray(gradArrays[i]).asSlice(4L * gradOffsets[i], 4L * lengths[i]);
        }

        float[] paramsCopy(int i) {
            return params(i).toArray(JAVA_FLOAT);
        }

        /** Writes step {@code s}'s gradients into the bound storage. */
        void loadGrads(int s) {
            for (int i = 0; i < tensors(); i++) {
                MemorySegment.copy(grads[s][i], 0, grads(i), JAVA_FLOAT, 0, lengths[i]);
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
