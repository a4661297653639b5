package io.github.fusedopt;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Loads a checkpoint into a state: the whole file is read once, front to back, through its
 * checksum, into private memory, and checked there before anything is written into the state.
 *
 * <p>The file is read, never mapped: a mapped file that another process truncates or rewrites
 * while it is read faults the JVM (SIGBUS), whereas a read simply sees the bytes the file had at
 * that moment. A file that shrinks, grows or changes while it is read therefore fails its length
 * or checksum check like any damaged file, and the state stays as it was. The price is a staged
 * copy of the moments ({@link ChecksummedInput}): their bytes in the file (8 per element for Adam's
 * float slots, 4 for bf16 ones) of native memory, held during the call, and one more pass over them.
 */
final class CheckpointReader {

    private final Path name;
    private final ChecksummedInput in;
    private final long size;

    private CheckpointReader(Path name, FileChannel channel) throws IOException {
        this.name = name;
        this.in = new ChecksummedInput(name, channel);
        this.size = in.size();
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
        ByteBuffer prefix = in.next((int) Math.min(size, CheckpointFormat.PREFIX));
        for (int i = 0; i < Math.min(size, CheckpointFormat.MAGIC.length); i++) {
            if (prefix.get(i) != CheckpointFormat.MAGIC[i]) {
                throw in.damaged("not a fusedopt checkpoint (wrong magic number)");
            }
        }
        in.requireLength(CheckpointFormat.PREFIX + CheckpointFormat.COUNTERS + CheckpointFormat.CHECKSUM);
        int version = prefix.getInt(8);
        if (version != CheckpointFormat.VERSION && version != CheckpointFormat.FLOAT_ONLY_VERSION) {
            throw in.damaged("checkpoint version " + Integer.toUnsignedString(version) + " is not supported; this "
                    + "library reads versions " + CheckpointFormat.FLOAT_ONLY_VERSION + " and " + CheckpointFormat.VERSION);
        }
        long textLength = Integer.toUnsignedLong(prefix.getInt(12));
        if (textLength > CheckpointFormat.MAX_TEXT) {
            throw in.damaged("hyperparameter text of " + textLength + " bytes, more than a checkpoint holds ("
                    + CheckpointFormat.MAX_TEXT + "); the file is corrupted");
        }
        long countersAt = CheckpointFormat.PREFIX + textLength;
        in.requireLength(countersAt + CheckpointFormat.COUNTERS + CheckpointFormat.CHECKSUM);
        byte[] text = new byte[(int) textLength];
        in.next((int) textLength).get(text);
        ByteBuffer counters = in.next(CheckpointFormat.COUNTERS);
        long step = counters.getLong(0);
        double referenceLoss = counters.getDouble(8);
        long tensors = Integer.toUnsignedLong(counters.getInt(16));
        long seed = state.roundingSeed;   // version 1 saved none, and holds float slots only
        StateFormat[] formats = null;
        long sizesAt = countersAt + CheckpointFormat.COUNTERS;
        if (version == CheckpointFormat.VERSION) {
            in.requireLength(sizesAt + CheckpointFormat.SLOT_BLOCK + CheckpointFormat.CHECKSUM);
            ByteBuffer block = in.next(CheckpointFormat.SLOT_BLOCK);
            seed = block.getLong(0);
            formats = slotFormats(block.getInt(8), sizesAt + CheckpointFormat.SLOT_BLOCK);
            sizesAt += CheckpointFormat.SLOT_BLOCK + formats.length;
        }
        in.requireLength(sizesAt + 4 * tensors + CheckpointFormat.CHECKSUM);

        boolean sameCount = tensors == state.tensorCount();
        boolean fits = sameCount;
        long elements = 0;
        int[] sizes = new int[sameCount ? (int) tensors : 0];
        for (long i = 0; i < tensors; i++) {
            int n = in.next(4).getInt(0);
            if (n < 0) {
                throw in.damaged("tensor " + i + " has a negative size " + n + "; the file is corrupted");
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
        in.requireLength(expected);
        if (size > expected) {
            throw in.damaged((size - expected) + " bytes after the end of the checkpoint (" + expected
                    + " bytes expected, " + size + " present); the file is corrupted");
        }
        MemorySegment moments = fits ? in.stage(staging, momentBytes) : null;
        if (moments == null) {
            in.skip(momentBytes);   // through the checksum: a damaged file must say so, whatever its shape
        }
        int computed = in.checksum();
        int stored = in.next(CheckpointFormat.CHECKSUM).getInt(0);   // the checksum's own bytes: not summed
        in.requireEnd();
        if (stored != computed) {
            throw in.damaged("checksum mismatch (stored CRC32C " + hex(stored) + ", computed " + hex(computed)
                    + "); the file is corrupted or changed while it was read");
        }

        Optimizer optimizer = HyperparameterText.decode(new String(text, StandardCharsets.UTF_8), name);
        String problem = CheckpointFormat.stateProblem(optimizer, step, referenceLoss);
        if (problem != null) {
            throw in.damaged(problem);
        }
        if ((elements > 0 || version == CheckpointFormat.VERSION) && optimizer.stateSlots() != slots) {
            throw in.damaged("its length holds " + slots + " slots per element, but " + optimizer.kind().displayName()
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
            throw in.damaged(valuesProblem);
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
            throw in.damaged("it holds " + Integer.toUnsignedString(count) + " slots per element; a state holds 2, or 3 "
                    + "with AMSGrad; the file is corrupted");
        }
        in.requireLength(codesAt + count + CheckpointFormat.CHECKSUM);
        ByteBuffer codes = in.next(count);
        StateFormat[] formats = new StateFormat[count];
        for (int k = 0; k < count; k++) {
            formats[k] = CheckpointFormat.format(codes.get(k));
            if (formats[k] == null) {
                throw in.damaged("slot " + k + " has format code " + (codes.get(k) & 0xFF) + ", which no version of "
                        + "this library writes; the file is corrupted");
            }
            if (formats[k] != formats[0]) {
                throw in.damaged("slot " + k + " is " + formats[k] + " but slot 0 is " + formats[0] + "; a save writes "
                        + "one format for all slots; the file is corrupted");
            }
        }
        return formats;
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

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
