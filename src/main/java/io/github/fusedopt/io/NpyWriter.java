package io.github.fusedopt.io;

import io.github.fusedopt.StateFormat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * NumPy's {@code .npy} format 1.0 for one-dimensional little-endian {@code float32} arrays, the
 * data starting at a multiple of 64 bytes, byte for byte as {@code numpy.save} writes them.
 */
public final class NpyWriter {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGNMENT = 64;

    private NpyWriter() {
    }

    /**
     * Writes a segment of native-order floats as one {@code .npy} file.
     *
     * @param out the channel
     * @param values the floats, any size
     * @throws IOException if the channel fails
     */
    public static void write(FileChannel out, MemorySegment values) throws IOException {
        header(out, values.byteSize() / Float.BYTES).floats(values);
    }

    /**
     * Writes a state slot as one {@code float32} {@code .npy} file: float values as they are, bf16
     * values widened exactly. What checkpoint export and replay both write.
     *
     * @param out the channel
     * @param slot the slot's values in native byte order, any count
     * @param format the slot's format
     * @throws IOException if the channel fails
     */
    public static void writeSlot(FileChannel out, MemorySegment slot, StateFormat format) throws IOException {
        if (format == StateFormat.BF16) {
            header(out, slot.byteSize() / Short.BYTES).widenedBf16(slot);
        } else {
            write(out, slot);
        }
    }

    /**
     * Writes a buffer's remaining floats as one {@code .npy} file; its position does not move.
     *
     * @param out the channel
     * @param values the floats, in the buffer's byte order
     * @throws IOException if the channel fails
     */
    public static void write(FileChannel out, FloatBuffer values) throws IOException {
        header(out, values.remaining()).floats(values);
    }

    private static LittleEndianFloats header(FileChannel out, long count) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + count + ",), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        String header = dict + " ".repeat((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT) + "\n";
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 2 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).flip();
        LittleEndianFloats writer = new LittleEndianFloats(out, null);
        writer.bytes(head);
        return writer;
    }
}
