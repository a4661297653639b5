package io.github.fusedopt.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** Writes bytes, little-endian floats and shorts to a channel, optionally adding them to a checksum. */
public final class LittleEndianFloats {

    private static final int BUFFER_BYTES = 1 << 20;
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LITTLE_ENDIAN_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final FileChannel out;
    private final CRC32C crc;
    private ByteBuffer buffer;

    /**
     * A writer to {@code out}.
     *
     * @param out the channel
     * @param crc the checksum every written byte is added to, or null for none
     */
    public LittleEndianFloats(FileChannel out, CRC32C crc) {
        this.out = out;
        this.crc = crc;
    }

    /**
     * Writes every float of a segment of native-order floats, through a direct buffer of 1 MiB:
     * any size, on or off the heap.
     *
     * @param values the floats
     * @throws IOException if the channel fails
     */
    public void floats(MemorySegment values) throws IOException {
        MemorySegment staging = staging();
        long count = values.byteSize() / Float.BYTES;
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(count - done, BUFFER_BYTES / Float.BYTES);
            MemorySegment.copy(values, ValueLayout.JAVA_FLOAT_UNALIGNED, done * Float.BYTES, staging,
                    LITTLE_ENDIAN_FLOAT, 0, n);
            done += n;
            bytes(buffer.clear().limit(n * Float.BYTES));
        }
    }

    /**
     * Writes every 16-bit value of a segment of native-order shorts (bf16 values) as little-endian
     * shorts.
     *
     * @param values the values, any count
     * @throws IOException if the channel fails
     */
    public void shorts(MemorySegment values) throws IOException {
        MemorySegment staging = staging();
        long count = values.byteSize() / Short.BYTES;
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(count - done, BUFFER_BYTES / Short.BYTES);
            MemorySegment.copy(values, ValueLayout.JAVA_SHORT_UNALIGNED, done * Short.BYTES, staging,
                    LITTLE_ENDIAN_SHORT, 0, n);
            done += n;
            bytes(buffer.clear().limit(n * Short.BYTES));
        }
    }

    /**
     * Writes every bf16 value of a segment of native-order shorts widened to a little-endian float
     * (exactly: the bf16 bits are the float's upper half).
     *
     * @param values the bf16 values, any count
     * @throws IOException if the channel fails
     */
    public void widenedBf16(MemorySegment values) throws IOException {
        MemorySegment staging = staging();
        long count = values.byteSize() / Short.BYTES;
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(count - done, BUFFER_BYTES / Float.BYTES);
            for (int i = 0; i < n; i++) {
                int bits = values.get(ValueLayout.JAVA_SHORT_UNALIGNED, (done + i) * Short.BYTES) << 16;
                staging.set(LITTLE_ENDIAN_FLOAT, (long) i * Float.BYTES, Float.intBitsToFloat(bits));
            }
            done += n;
            bytes(buffer.clear().limit(n * Float.BYTES));
        }
    }

    private MemorySegment staging() {
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        return MemorySegment.ofBuffer(buffer.clear());
    }

    /**
     * Writes a buffer's remaining floats, in whatever byte order the buffer has; its position does
     * not move.
     *
     * @param values the floats
     * @throws IOException if the channel fails
     */
    public void floats(FloatBuffer values) throws IOException {
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

    /**
     * Writes the buffer's remaining bytes.
     *
     * @param bytes the bytes; its position moves to its limit
     * @throws IOException if the channel fails
     */
    public void bytes(ByteBuffer bytes) throws IOException {
        if (crc != null) {
            crc.update(bytes.duplicate());
        }
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }
}
