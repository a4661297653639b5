package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.MemorySegment;

/**
 * One validated binding of parameters and gradients, on the heap or in segments. Steps pick the
 * array kernels when the tensor and its moments are all arrays, the segment kernels otherwise
 * (arrays then take part as heap segments).
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

    /** Slices of two heap arrays. */
    final class OnHeap implements Tensor {
        private float[] params;
        private int paramsOffset;
        private float[] grads;
        private int gradsOffset;
        private int length;

        OnHeap bind(float[] params, int paramsOffset, float[] grads, int gradsOffset, int length) {
            this.params = params;
            this.paramsOffset = paramsOffset;
            this.grads = grads;
            this.gradsOffset = gradsOffset;
            this.length = length;
            return this;
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
            if (moments instanceof Moments.OnHeap(float[] m, float[] v, int at, int _)) {
                kernels.step(family, s, params, paramsOffset + from, grads, gradsOffset + from, m, v, at + from, n);
            } else {
                kernels.step(family, s, slice(params, paramsOffset), slice(grads, gradsOffset),
                        moments.firstSegment(), moments.secondSegment(), from, n);
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

    /** Two segments of {@code length} floats each. */
    final class InSegments implements Tensor {
        private MemorySegment params;
        private MemorySegment grads;
        private int length;

        InSegments bind(MemorySegment params, MemorySegment grads, int length) {
            this.params = params;
            this.grads = grads;
            this.length = length;
            return this;
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
        }

        @Override
        public void checkAccessible(int index) {
            Checks.accessible(params, "params of tensor " + index);
            Checks.accessible(grads, "grads of tensor " + index);
        }

        @Override
        public boolean shareable() {
            return Checks.shareable(params) && Checks.shareable(grads);
        }

        @Override
        public void step(StepKernels kernels, Family family, StepScalars s, Moments moments, int from, int n) {
            kernels.step(family, s, params, grads, moments.firstSegment(), moments.secondSegment(), from, n);
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
