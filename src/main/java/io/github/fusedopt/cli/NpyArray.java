package io.github.fusedopt.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A little-endian {@code .npy} array in memory: its dtype ({@code "<f4"} or {@code "<f8"}), its
 * shape, and its data in C order.
 */
record NpyArray(String dtype, long[] shape, ByteBuffer data) {

    NpyArray {
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of dimensions. */
    int rank() {
        return shape.length;
    }

    /** The {@code row}-th row of a 2-D {@code <f4} array, copied into {@code into}. */
    void row(int row, float[] into) {
        data.slice(row * Float.BYTES * into.length, Float.BYTES * into.length)
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into);
    }

    /** A 1-D {@code <f4} array's elements. */
    float[] floats() {
        float[] values = new float[Math.toIntExact(shape[0])];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** A 1-D {@code <f4} or {@code <f8} array's elements, widened to double. */
    double[] doubles() {
        double[] values = new double[Math.toIntExact(shape[0])];
        ByteBuffer buffer = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            values[i] = dtype.equals("<f8") ? buffer.getDouble() : buffer.getFloat();
        }
        return values;
    }
}
