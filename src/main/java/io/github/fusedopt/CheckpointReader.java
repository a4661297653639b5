package io.github.fusedopt;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Loads a checkpoint into a state: the whole file is read once, front to back, through its
 * checksum, into private memory, and checked there before anything is written into the state.
 *
 * <p>The file is read, never mapped: a mapped file that another process truncates or rewrites
 * while it is read faults the JVM (SIGBUS), whereas a read simply sees the bytes the file had at
 * that moment. A file that shrinks, grows or changes while it is read therefore fails its length
 * or checksum check like any damaged file, and the state stays as it was. The price is a staged
 * copy of the moments: {@code 8·n} bytes of native memory for {@code n} elements, held during the
 * call, and one more pass over them in memory.
 */
final class CheckpointReader {

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

    private CheckpointReader(Path name, FileChannel channel) throws IOException {
        this.name = name;
        this.channel = channel;
        this.size = channel.size();
    }

    static Optimizer load(Path file, OptimizerState state) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString(), null, "no checkpoint at this path");
            }
            throw new CheckpointException(file, Files.isDirectory(file) ? "is a directory, not a checkpoint"
                    : "is not a regular file, so not a checkpoint");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena staging = Arena.ofConfined()) {
            return new CheckpointReader(file, channel).load(state, staging);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no checkpoint at this path");
        }
    }

    private Optimizer load(OptimizerState state, Arena staging) throws IOException {
        ByteBuffer prefix = next((int) Math.min(size, CheckpointFormat.PREFIX));
        for (int i = 0; i < Math.min(size, CheckpointFormat.MAGIC.length); i++) {
            if (prefix.get(i) != CheckpointFormat.MAGIC[i]) {
                throw damaged("not a fusedopt checkpoint (wrong magic number)");
            }
        }
        requireLength(CheckpointFormat.PREFIX + CheckpointFormat.COUNTERS + CheckpointFormat.CHECKSUM);
        int version = prefix.getInt(8);
        if (version != CheckpointFormat.VERSION && version != CheckpointFormat.FLOAT_ONLY_VERSION) {
            throw damaged("checkpoint version " + Integer.toUnsignedString(version) + " is not supported; this "
                    + "library reads versions " + CheckpointFormat.FLOAT_ONLY_VERSION + " and " + CheckpointFormat.VERSION);
        }
        long textLength = Integer.toUnsignedLong(prefix.getInt(12));
        if (textLength > CheckpointFormat.MAX_TEXT) {
            throw damaged("hyperparameter text of " + textLength + " bytes, more than a checkpoint holds ("
                    + CheckpointFormat.MAX_TEXT + "); the file is corrupted");
        }
        long countersAt = CheckpointFormat.PREFIX + textLength;
        requireLength(countersAt + CheckpointFormat.COUNTERS + CheckpointFormat.CHECKSUM);
        byte[] text = new byte[(int) textLength];
        next((int) textLength).get(text);
        ByteBuffer counters = next(CheckpointFormat.COUNTERS);
        long step = counters.getLong(0);
        double referenceLoss = counters.getDouble(8);
        long tensors = Integer.toUnsignedLong(counters.getInt(16));
        long seed = state.roundingSeed;   // version 1 saved none, and holds float slots only
        StateFormat[] formats = null;
        long sizesAt = countersAt + CheckpointFormat.COUNTERS;
        if (version == CheckpointFormat.VERSION) {
            requireLength(sizesAt + CheckpointFormat.SLOT_BLOCK + CheckpointFormat.CHECKSUM);
            ByteBuffer block = next(CheckpointFormat.SLOT_BLOCK);
            seed = block.getLong(0);
            formats = slotFormats(block.getInt(8), sizesAt + CheckpointFormat.SLOT_BLOCK);
            sizesAt += CheckpointFormat.SLOT_BLOCK + formats.length;
        }
        requireLength(sizesAt + 4 * tensors + CheckpointFormat.CHECKSUM);

        boolean sameCount = tensors == state.tensorCount();
        boolean fits = sameCount;
        long elements = 0;
        int[] sizes = new int[sameCount ? (int) tensors : 0];
        for (long i = 0; i < tensors; i++) {
            int n = next(4).getInt(0);
            if (n < 0) {
                throw damaged("tensor " + i + " has a negative size " + n + "; the file is corrupted");
            }
            if (sameCount) {
                sizes[(int) i] = n;
                fits &= n == state.size((int) i);
            }
            elements += n;
        }
        long fixed = sizesAt + 4 * tensors + CheckpointFormat.CHECKSUM;
        if (formats == null) {
            formats = new StateFormat[slotCount(fixed, elements)];
            Arrays.fill(formats, StateFormat.F32);
        }
        int slots = formats.length;
        long momentBytes = StagedMoments.bytesPerElement(formats) * elements;
        long expected = fixed + momentBytes;
        requireLength(expected);
        if (size > expected) {
            throw damaged((size - expected) + " bytes after the end of the checkpoint (" + expected
                    + " bytes expected, " + size + " present); the file is corrupted");
        }
        MemorySegment moments = fits ? stage(staging, momentBytes) : null;
        if (moments == null) {
            skip(momentBytes);   // through the checksum: a damaged file must say so, whatever its shape
        }
        int computed = (int) crc.getValue();
        int stored = next(CheckpointFormat.CHECKSUM).getInt(0);   // the checksum's own bytes: not summed
        requireEnd();
        if (stored != computed) {
            throw damaged("checksum mismatch (stored CRC32C " + hex(stored) + ", computed " + hex(computed)
                    + "); the file is corrupted or changed while it was read");
        }

        Optimizer optimizer = HyperparameterText.decode(new String(text, StandardCharsets.UTF_8), name);
        String problem = CheckpointFormat.stateProblem(optimizer, step, referenceLoss);
        if (problem != null) {
            throw damaged(problem);
        }
        if ((elements > 0 || version == CheckpointFormat.VERSION) && optimizer.stateSlots() != slots) {
            throw damaged("its length holds " + slots + " slots per element, but " + optimizer.kind().displayName()
                    + (optimizer.stateSlots() == 3 ? " with AMSGrad" : "") + " keeps " + optimizer.stateSlots()
                    + "; the file is corrupted");
        }
        if (optimizer.kind().stateKind() != state.kind || optimizer.family() != state.family) {
            throw Checks.invalid("state", state, "was created by " + state.ruleName() + ", but " + name
                    + " holds the state of " + optimizer.kind().displayName()
                    + (optimizer.stateSlots() == 3 ? " with AMSGrad" : ""));
        }
        if (formats[0] != state.format) {
            throw Checks.invalid("state", state, "stores its slots as " + state.format + ", but " + name + " holds "
                    + formats[0] + " slots; restore it into a state of an optimizer built with stateFormat("
                    + formats[0] + ")");
        }
        if (moments == null) {
            throw shapeMismatch(state, tensors, sizes);
        }
        StagedMoments staged = new StagedMoments(moments, sizes, formats);
        String valuesProblem = staged.squaresProblem();
        if (valuesProblem != null) {
            throw damaged(valuesProblem);
        }
        staged.copyInto(state);
        state.step = step;
        state.referenceLoss = referenceLoss;
        state.roundingSeed = seed;
        return optimizer;
    }

    /**
     * Version 2's slot formats: the slot count (2, or 3 with AMSGrad), then one code per slot. Every
     * slot of a state has the same format, so a file whose slots differ was not written by a save.
     */
    private StateFormat[] slotFormats(int count, long codesAt) throws IOException {
        if (count != 2 && count != 3) {
            throw damaged("it holds " + Integer.toUnsignedString(count) + " slots per element; a state holds 2, or 3 "
                    + "with AMSGrad; the file is corrupted");
        }
        requireLength(codesAt + count + CheckpointFormat.CHECKSUM);
        ByteBuffer codes = next(count);
        StateFormat[] formats = new StateFormat[count];
        for (int k = 0; k < count; k++) {
            formats[k] = CheckpointFormat.format(codes.get(k));
            if (formats[k] == null) {
                throw damaged("slot " + k + " has format code " + (codes.get(k) & 0xFF) + ", which no version of "
                        + "this library writes; the file is corrupted");
            }
            if (formats[k] != formats[0]) {
                throw damaged("slot " + k + " is " + formats[k] + " but slot 0 is " + formats[0] + "; a save writes "
                        + "one format for all slots; the file is corrupted");
            }
        }
        return formats;
    }

    /** The staged moments, read in chunks straight into native memory through the checksum. */
    private MemorySegment stage(Arena arena, long bytes) throws IOException {
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

    /**
     * The slots per element that the file's length leaves room for: 2, or 3 with AMSGrad. The text,
     * which says which, is decoded only after the checksum; the two must then agree.
     */
    private int slotCount(long fixed, long elements) throws CheckpointException {
        if (elements == 0) {
            return 2;
        }
        long perElement = (size - fixed) / (4 * elements);
        return perElement >= 3 ? 3 : 2;   // a length that fits neither fails requireLength or the tail check
    }

    private IllegalArgumentException shapeMismatch(OptimizerState state, long tensors, int[] sizes) {
        if (tensors != state.tensorCount()) {
            return Checks.invalid("state", state, "holds " + state.tensorCount() + " tensors, but " + name
                    + " holds " + tensors);
        }
        int i = 0;
        while (sizes[i] == state.size(i)) {
            i++;
        }
        return Checks.invalid("state.size(" + i + ")", state.size(i), "differs from tensor " + i + " of " + name
                + ", which has " + sizes[i] + " elements");
    }

    /** The next {@code count} bytes (at most the read-ahead's size), through the checksum. */
    private ByteBuffer next(int count) throws IOException {
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
    private void skip(long count) throws IOException {
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
    private void requireEnd() throws IOException {
        if (buffer.hasRemaining() || channel.read(ByteBuffer.allocate(1)) > 0 || channel.size() != size) {
            throw damaged("the file grew while it was read (" + size + " bytes when opened, " + channel.size()
                    + " now); it changed while it was read");
        }
    }

    private void requireLength(long needed) throws CheckpointException {
        if (size < needed) {
            throw damaged("truncated: " + size + " bytes, but the header needs at least " + needed);
        }
    }

    private CheckpointException damaged(String problem) {
        return new CheckpointException(name, problem);
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
