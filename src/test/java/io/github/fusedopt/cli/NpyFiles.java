package io.github.fusedopt.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds .npy bytes by hand for tests, well-formed or not. */
final class NpyFiles {

    private NpyFiles() {
    }

    /** A version 1.0 file with the given header dict and raw data. */
    static byte[] npy(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    static String dict(String dtype, String shape) {
        return "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    static void writeVector(Path file, float... values) throws IOException {
        Files.write(file, npy(dict("<f4", "(" + values.length + ",)"), floats(values)));
    }

    static void writeMatrix(Path file, float[][] rows) throws IOException {
        int n = rows.length == 0 ? 0 : rows[0].length;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (float[] row : rows) {
            data.write(floats(row));
        }
        Files.write(file, npy(dict("<f4", "(" + rows.length + ", " + n + ")"), data.toByteArray()));
    }

    static void writeDoubles(Path file, double... values) throws IOException {
        Files.write(file, npy(dict("<f8", "(" + values.length + ",)"), doubles(values)));
    }
}
