package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A checkpoint's moments as read, little-endian, in private memory: per tensor in order, its slots
 * one after another, each {@code n_i} values of its slot's format. Checked, then copied into a
 * state, only when the whole file has passed its checks.
 */
final class StagedMoments {

    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LITTLE_ENDIAN_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment bytes;
    private final int[] sizes;
    private final StateFormat[] formats;

    StagedMoments(MemorySegment bytes, int[] sizes, StateFormat[] formats) {
        this.bytes = bytes;
        this.sizes = sizes;
        this.formats = formats;
    }

    /** The bytes every element takes over all slots. */
    static long bytesPerElement(StateFormat[] formats) {
        long bytes = 0;
        for (StateFormat format : formats) {
            bytes += format.bytes();
        }
        return bytes;
    }

    /**
     * A problem with the values, or null: {@code v} (and AMSGrad's {@code v_max}) are sums of
     * squares, so +0, positive, +∞ or NaN; a set sign bit on a number was never saved.
     */
    String squaresProblem() {
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            for (int k = 0; k < formats.length; k++) {
                int width = formats[k].bytes();
                for (long j = 0; k > 0 && j < sizes[i]; j++) {
                    float v = value(at + j * width, formats[k]);
                    if (Float.floatToRawIntBits(v) < 0 && !Float.isNaN(v)) {
                        return "tensor " + i + " has " + (k == 1 ? "a second moment" : "a v_max") + " of " + v
                                + " at element " + j + ", which no step writes; the file is corrupted";
                    }
                }
                at += (long) sizes[i] * width;
            }
        }
        return null;
    }

    private float value(long at, StateFormat format) {
        return format == StateFormat.BF16 ? Float.intBitsToFloat(bytes.get(LITTLE_ENDIAN_SHORT, at) << 16)
                : bytes.get(LITTLE_ENDIAN_FLOAT, at);
    }

    /** Copies the slots into the state's, which have the same formats and sizes. */
    void copyInto(OptimizerState state) {
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            long n = sizes[i];
            for (int k = 0; k < formats.length; k++) {
                MemorySegment slot = state.moments[i].segment(k);
                if (formats[k] == StateFormat.BF16) {
                    MemorySegment.copy(bytes, LITTLE_ENDIAN_SHORT, at, slot, ValueLayout.JAVA_SHORT_UNALIGNED, 0, n);
                } else {
                    MemorySegment.copy(bytes, LITTLE_ENDIAN_FLOAT, at, slot, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
                }
                at += n * formats[k].bytes();
            }
        }
    }
}
