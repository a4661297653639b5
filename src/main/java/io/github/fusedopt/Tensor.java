package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.MemorySegment;

/**
 * One validated binding of parameters, gradients and, optionally, the update output, on the heap or
 * in segments. Steps pick the array kernels when the tensor and its state slots are all arrays, the
 * segment kernels otherwise (arrays then take part as heap segments).
 *
 * <p>A group binds each of its tensors once and never changes them. A single-tensor step rebinds
 * the one instance its state keeps for the purpose, so that a step allocates nothing.
 */
sealed interface Tensor {

    int length();

    /** Throws if a segment cannot be used from the current thread now; arrays always can. */
    void checkAccessible(int index);

    /** Whether threads other than the caller may step this tensor. */
    boolean shareable();

    /** Steps elements {@code [from, from + n)}. */
    void step(StepKernels kernels, Family family, StepScalars s, Moments moments, int from, int n);

    /** {@link StepKernels#chunkL1Norm} of elements {@code [from, to)}. */
    double chunkL1Norm(StepKernels kernels, StepScalars s, int from, int to);

    /** {@link StepKernels#gradL1Norm} of the whole tensor. */
    double gradL1Norm(StepKernels kernels, StepScalars s);

    /** {@link StepKernels#gradInRange} of elements {@code [from, to)}. */
    boolean gradInRange(StepKernels kernels, StepScalars s, int from, int to);

    /** Drops the references to the caller's storage, after a single-tensor step. */
    void unbind();

    /** Whether the step writes an update output rather than moving the parameters. */
    boolean updatesOut();

    /** A step of segment tensors, or of heap tensors viewed as segments, over slots of either format. */
    private static void stepSegments(StepKernels kernels, Family family, StepScalars s, MemorySegment params,
                                     MemorySegment grads, MemorySegment out, Moments moments, int from, int n) {
        MemorySegment w = moments.slotCount() > 2 ? moments.segment(2) : null;
        if (moments.format() == StateFormat.BF16) {
            kernels.stepBf16(family, s, params, grads, out, moments.segment(0), moments.segment(1), w, from, n);
        } else {
            kernels.step(family, s, params, grads, out, moments.segment(0), moments.segment(1), w, from, n);
        }
    }

    /** Slices of heap arrays. */
    final class OnHeap implements Tensor {
        private float[] params;
        private int paramsOffset;
        private float[] grads;
        private int gradsOffset;
        private float[] out;
        private int outOffset;
        private int length;

        OnHeap bind(float[] params, int paramsOffset, float[] grads, int gradsOffset, int length) {
            return bind(params, paramsOffset, grads, gradsOffset, null, 0, length);
        }

        /** {@code out} null: in place. */
        OnHeap bind(float[] params, int paramsOffset, float[] grads, int gradsOffset, float[] out, int outOffset,
                    int length) {
            this.params = params;
            this.paramsOffset = paramsOffset;
            this.grads = grads;
            this.gradsOffset = gradsOffset;
            this.out = out;
            this.outOffset = outOffset;
            this.length = length;
            return this;
        }

        float[] out() {
            return out;
        }

        int outOffset() {
            return outOffset;
        }

        @Override
        public boolean updatesOut() {
            return out != null;
        }

        float[] params() {
            return params;
        }

        int paramsOffset() {
            return paramsOffset;
        }

        float[] grads() {
            return grads;
        }

        int gradsOffset() {
            return gradsOffset;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void unbind() {
            params = null;
            grads = null;
            out = null;
        }

        @Override
        public void checkAccessible(int index) {
        }

        @Override
        public boolean shareable() {
            return true;
        }

        @Override
        public void step(StepKernels kernels, Family family, StepScalars s, Moments moments, int from, int n) {
            switch (moments) {
                case Moments.OnHeap(float[][] a, int[] o, int _) -> {
                    boolean third = a.length > 2;
                    kernels.step(family, s, params, paramsOffset + from, grads, gradsOffset + from, out,
                            outOffset + from, a[0], o[0] + from, a[1], o[1] + from, third ? a[2] : null,
                            third ? o[2] + from : 0, n);
                }
                case Moments.OnHeapBf16(short[][] a, int[] o, int _) -> {
                    boolean third = a.length > 2;
                    kernels.step(family, s, params, paramsOffset + from, grads, gradsOffset + from, out,
                            outOffset + from, a[0], o[0] + from, a[1], o[1] + from, third ? a[2] : null,
                            third ? o[2] + from : 0, from, n);
                }
                case Moments.InSegments _ -> stepSegments(kernels, family, s, slice(params, paramsOffset),
                        slice(grads, gradsOffset), out == null ? null : slice(out, outOffset), moments, from, n);
            }
        }

        private MemorySegment slice(float[] array, int offset) {
            return MemorySegment.ofArray(array).asSlice((long) offset * Float.BYTES, (long) length * Float.BYTES);
        }

        @Override
        public double chunkL1Norm(StepKernels kernels, StepScalars s, int from, int to) {
            return kernels.chunkL1Norm(s, params, paramsOffset, grads, gradsOffset, from, to);
        }

        @Override
        public double gradL1Norm(StepKernels kernels, StepScalars s) {
            return kernels.gradL1Norm(s, params, paramsOffset, grads, gradsOffset, length);
        }

        @Override
        public boolean gradInRange(StepKernels kernels, StepScalars s, int from, int to) {
            return kernels.gradInRange(s, params, paramsOffset + from, grads, gradsOffset + from, to - from);
        }
    }

    /** Segments of {@code length} floats each. */
    final class InSegments implements Tensor {
        private MemorySegment params;
        private MemorySegment grads;
        private MemorySegment out;
        private int length;

        InSegments bind(MemorySegment params, MemorySegment grads, int length) {
            return bind(params, grads, null, length);
        }

        /** {@code out} null: in place. */
        InSegments bind(MemorySegment params, MemorySegment grads, MemorySegment out, int length) {
            this.params = params;
            this.grads = grads;
            this.out = out;
            this.length = length;
            return this;
        }

        MemorySegment out() {
            return out;
        }

        @Override
        public boolean updatesOut() {
            return out != null;
        }

        MemorySegment params() {
            return params;
        }

        MemorySegment grads() {
            return grads;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void unbind() {
            params = null;
            grads = null;
            out = null;
        }

        @Override
        public void checkAccessible(int index) {
            Checks.accessible(params, "params of tensor " + index);
            Checks.accessible(grads, "grads of tensor " + index);
            if (out != null) {
                Checks.accessible(out, "out of tensor " + index);
            }
        }

        @Override
        public boolean shareable() {
            return Checks.shareable(params) && Checks.shareable(grads) && (out == null || Checks.shareable(out));
        }

        @Override
        public void step(StepKernels kernels, Family family, StepScalars s, Moments moments, int from, int n) {
            stepSegments(kernels, family, s, params, grads, out, moments, from, n);
        }

        @Override
        public double chunkL1Norm(StepKernels kernels, StepScalars s, int from, int to) {
            return kernels.chunkL1Norm(s, params, grads, from, to);
        }

        @Override
        public double gradL1Norm(StepKernels kernels, StepScalars s) {
            return kernels.gradL1Norm(s, params, grads, length);
        }

        @Override
        public boolean gradInRange(StepKernels kernels, StepScalars s, int from, int to) {
            return kernels.gradInRange(s, params, grads, from, to - from);
        }
    }
}
