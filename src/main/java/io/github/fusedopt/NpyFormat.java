package io.github.fusedopt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** NumPy's {@code .npy} format 1.0 for one-dimensional little-endian {@code float32} arrays. */
final class NpyFormat {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGNMENT = 64;

    private NpyFormat() {
    }

    static void write(FileChannel out, FloatBuffer values) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + values.remaining() + ",), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        String header = dict + " ".repeat((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT) + "\n";
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 2 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).flip();
        LittleEndianFloats writer = new LittleEndianFloats(out, null);
        writer.bytes(head);
        writer.floats(values);
    }
}
