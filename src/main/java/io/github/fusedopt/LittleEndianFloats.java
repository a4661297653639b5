package io.github.fusedopt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** Writes bytes and little-endian floats to a channel, optionally adding them to a checksum. */
final class LittleEndianFloats {

    private static final int BUFFER_BYTES = 1 << 20;

    private final FileChannel out;
    private final CRC32C crc;
    private ByteBuffer buffer;

    /** @param crc the checksum every written byte is added to, or null for none */
    LittleEndianFloats(FileChannel out, CRC32C crc) {
        this.out = out;
        this.crc = crc;
    }

    /** The buffer's remaining floats, through a direct buffer of 1 MiB; its position does not move. */
    void floats(FloatBuffer values) throws IOException {
        values = values.duplicate();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        while (values.hasRemaining()) {
            int count = Math.min(values.remaining(), BUFFER_BYTES / Float.BYTES);
            buffer.clear();
            buffer.asFloatBuffer().put(values.slice(values.position(), count));
            values.position(values.position() + count);
            bytes(buffer.limit(count * Float.BYTES));
        }
    }

    /** The buffer's remaining bytes. */
    void bytes(ByteBuffer bytes) throws IOException {
        if (crc != null) {
            crc.update(bytes.duplicate());
        }
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }
}
