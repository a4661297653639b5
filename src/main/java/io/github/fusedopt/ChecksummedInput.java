package io.github.fusedopt;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A checkpoint file read once, front to back, through its CRC32C: a read-ahead for the header, the
 * moments staged in private native memory, and the checks that the file neither ended early nor
 * grew while it was read. Every problem is a {@link CheckpointException} naming the file.
 */
final class ChecksummedInput {

    private static final int CHUNK = 1 << 26;

    private final Path name;
    private final FileChannel channel;
    private final long size;
    private final CRC32C crc = new CRC32C();
    /** Read-ahead for the header; holds bytes read from the file but not yet consumed. */
    private final ByteBuffer buffer = ByteBuffer.allocate(2 * CheckpointFormat.MAX_TEXT).order(ByteOrder.LITTLE_ENDIAN)
            .limit(0);
    /** Bytes read from the file so far. */
    private long read;

    ChecksummedInput(Path name, FileChannel channel) throws IOException {
        this.name = name;
        this.channel = channel;
        this.size = channel.size();
    }

    /** {@return the file's length when it was opened} */
    long size() {
        return size;
    }

    /** {@return the checksum of every byte consumed so far} */
    int checksum() {
        return (int) crc.getValue();
    }

    /** The staged moments, read in chunks straight into native memory through the checksum. */
    MemorySegment stage(Arena arena, long bytes) throws IOException {
        MemorySegment moments;
        try {
            moments = arena.allocate(Math.max(1, bytes), 64);
        } catch (OutOfMemoryError e) {
            throw new IOException(name + ": cannot stage the " + bytes + " bytes of moments in memory, which "
                    + "loading needs to check them before writing the state", e);
        }
        for (long at = 0; at < bytes; at += CHUNK) {
            fill(moments.asSlice(at, Math.min(CHUNK, bytes - at)).asByteBuffer());
        }
        return moments;
    }

    /** The next {@code count} bytes (at most the read-ahead's size), through the checksum. */
    ByteBuffer next(int count) throws IOException {
        if (buffer.remaining() < count) {
            buffer.compact();
            while (buffer.position() < count) {
                readSome(buffer);
            }
            buffer.flip();
        }
        ByteBuffer bytes = buffer.slice(buffer.position(), count).order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(buffer.position() + count);
        crc.update(bytes.duplicate());
        return bytes;
    }

    /** Fills {@code into} completely: first from the read-ahead, then from the file; through the checksum. */
    private void fill(ByteBuffer into) throws IOException {
        int start = into.position();
        if (buffer.hasRemaining()) {
            int n = Math.min(buffer.remaining(), into.remaining());
            into.put(buffer.slice(buffer.position(), n));
            buffer.position(buffer.position() + n);
        }
        while (into.hasRemaining()) {
            readSome(into);
        }
        crc.update(into.duplicate().flip().position(start));
    }

    /** Reads past {@code count} bytes, through the checksum. */
    void skip(long count) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocateDirect((int) Math.min(Math.max(count, 1), 1 << 20));
        for (long done = 0; done < count; ) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), count - done));
            fill(scratch);
            done += scratch.limit();
        }
    }

    /** One read from the file; its end before the length it had when opened means it changed. */
    private void readSome(ByteBuffer into) throws IOException {
        int n;
        try {
            n = channel.read(into);
        } catch (IOException e) {
            throw new IOException(name + ": cannot read at byte " + read + ": " + e.getMessage(), e);
        }
        if (n < 0) {
            throw damaged("the file ended at byte " + read + " although it had " + size
                    + " bytes when opened: it changed while it was read");
        }
        read += n;
    }

    /** Nothing may follow the checksum, and the file must still have the length it was opened with. */
    void requireEnd() throws IOException {
        if (buffer.hasRemaining() || channel.read(ByteBuffer.allocate(1)) > 0 || channel.size() != size) {
            throw damaged("the file grew while it was read (" + size + " bytes when opened, " + channel.size()
                    + " now); it changed while it was read");
        }
    }

    void requireLength(long needed) throws CheckpointException {
        if (size < needed) {
            throw damaged("truncated: " + size + " bytes, but the header needs at least " + needed);
        }
    }

    CheckpointException damaged(String problem) {
        return new CheckpointException(name, problem);
    }
}
