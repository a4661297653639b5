package io.github.fusedopt;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Version 1 of the checkpoint format, little-endian throughout:
 *
 * <pre>
 * offset       size   field
 * 0            8      magic: 0x89 'F' 'O' 'P' 'T' '\r' '\n' 0x1A
 * 8            4      version: 1
 * 12           4      H: byte length of the hyperparameter text
 * 16           H      hyperparameters, UTF-8, one "key=value\n" line each ({@link HyperparameterText})
 * 16+H         8      step counter t (int64)
 * 24+H         8      AdamL's reference loss (float64; NaN when unset and for other optimizers)
 * 32+H         4      T: number of tensors
 * 36+H         4·T    each tensor's size n_i (int32)
 * 36+H+4T      ...    per tensor in order: m_i (n_i float32), then v_i (n_i float32)
 * end − 4      4      CRC32C of every byte before it
 * </pre>
 */
final class CheckpointFormat {

    static final byte[] MAGIC = {(byte) 0x89, 'F', 'O', 'P', 'T', '\r', '\n', 0x1A};
    static final int VERSION = 1;
    private static final int PREFIX = 16;
    private static final int COUNTERS = 20;
    private static final int CHECKSUM = 4;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private CheckpointFormat() {
    }

    /** A checked file's header: the stored optimizer, counters and sizes, and where the moments start. */
    record Header(Optimizer optimizer, long step, double referenceLoss, int[] sizes, long momentsAt) {
    }

    static void write(FileChannel out, Optimizer optimizer, OptimizerState state) throws IOException {
        byte[] text = HyperparameterText.encode(optimizer).getBytes(StandardCharsets.UTF_8);
        int tensors = state.tensorCount();
        ByteBuffer head = ByteBuffer.allocate(PREFIX + text.length + COUNTERS + 4 * tensors)
                .order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(VERSION).putInt(text.length).put(text)
                .putLong(state.step).putDouble(state.referenceLoss).putInt(tensors);
        for (int i = 0; i < tensors; i++) {
            head.putInt(state.size(i));
        }
        CRC32C crc = new CRC32C();
        LittleEndianFloats writer = new LittleEndianFloats(out, crc);
        writer.bytes(head.flip());
        for (int i = 0; i < tensors; i++) {
            writer.floats(state.firstMoment(i));
            writer.floats(state.secondMoment(i));
        }
        ByteBuffer tail = ByteBuffer.allocate(CHECKSUM).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        new LittleEndianFloats(out, null).bytes(tail.flip());
    }

    /**
     * Checks everything about a mapped file that does not depend on the state it is for: magic,
     * version, lengths, checksum and hyperparameters.
     */
    static Header check(MemorySegment file, Path name) throws CheckpointException {
        long size = file.byteSize();
        for (int i = 0; i < Math.min(size, MAGIC.length); i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new CheckpointException(name, "not a fusedopt checkpoint (wrong magic number)");
            }
        }
        if (size < PREFIX) {
            throw truncated(name, size, PREFIX + COUNTERS + CHECKSUM);
        }
        int version = file.get(INT, 8);
        if (version != VERSION) {
            throw new CheckpointException(name, "checkpoint version " + Integer.toUnsignedString(version)
                    + " is not supported; this library reads version " + VERSION);
        }
        long textLength = Integer.toUnsignedLong(file.get(INT, 12));
        long countersAt = PREFIX + textLength;
        if (size < countersAt + COUNTERS + CHECKSUM) {
            throw truncated(name, size, countersAt + COUNTERS + CHECKSUM);
        }
        long tensors = Integer.toUnsignedLong(file.get(INT, countersAt + 16));
        long sizesAt = countersAt + COUNTERS;
        long momentsAt = sizesAt + 4 * tensors;
        if (size < momentsAt + CHECKSUM) {
            throw truncated(name, size, momentsAt + CHECKSUM);
        }
        int[] sizes = new int[(int) tensors];
        long expected = momentsAt + CHECKSUM;
        for (int i = 0; i < tensors; i++) {
            sizes[i] = file.get(INT, sizesAt + 4L * i);
            if (sizes[i] < 0) {
                throw new CheckpointException(name, "tensor " + i + " has a negative size " + sizes[i]
                        + "; the file is corrupted");
            }
            expected += 2L * Float.BYTES * sizes[i];
        }
        if (size < expected) {
            throw truncated(name, size, expected);
        }
        if (size > expected) {
            throw new CheckpointException(name, (size - expected) + " bytes after the end of the checkpoint ("
                    + expected + " bytes expected, " + size + " present); the file is corrupted");
        }
        int stored = file.get(INT, size - CHECKSUM);
        int computed = crc32c(file, size - CHECKSUM);
        if (stored != computed) {
            throw new CheckpointException(name, "checksum mismatch (stored CRC32C " + hex(stored) + ", computed "
                    + hex(computed) + "); the file is corrupted");
        }
        byte[] text = file.asSlice(PREFIX, textLength).toArray(ValueLayout.JAVA_BYTE);
        Optimizer optimizer = HyperparameterText.decode(new String(text, StandardCharsets.UTF_8), name);
        long step = file.get(LONG, countersAt);
        double referenceLoss = file.get(DOUBLE, countersAt + 8);
        if (step < 0) {
            throw new CheckpointException(name, "negative step counter " + step);
        }
        boolean hasReference = optimizer instanceof AdamL;
        if (hasReference ? Double.isInfinite(referenceLoss) : !Double.isNaN(referenceLoss)) {
            throw new CheckpointException(name, "reference loss " + referenceLoss + " is invalid for "
                    + optimizer.getClass().getSimpleName());
        }
        return new Header(optimizer, step, referenceLoss, sizes, momentsAt);
    }

    /** Copies the moments of a checked file into a state of the same sizes. */
    static void copyMoments(MemorySegment file, Header header, OptimizerState state) {
        long at = header.momentsAt();
        for (int i = 0; i < header.sizes().length; i++) {
            long n = header.sizes()[i];
            MemorySegment.copy(file, FLOAT, at, state.moments[i].firstSegment(), ValueLayout.JAVA_FLOAT, 0, n);
            at += n * Float.BYTES;
            MemorySegment.copy(file, FLOAT, at, state.moments[i].secondSegment(), ValueLayout.JAVA_FLOAT, 0, n);
            at += n * Float.BYTES;
        }
    }

    private static int crc32c(MemorySegment file, long length) {
        CRC32C crc = new CRC32C();
        for (long at = 0; at < length; at += 1 << 30) {
            crc.update(file.asSlice(at, Math.min(1 << 30, length - at)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    private static CheckpointException truncated(Path name, long size, long needed) {
        return new CheckpointException(name, "truncated: " + size + " bytes, but the header needs at least "
                + needed);
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
