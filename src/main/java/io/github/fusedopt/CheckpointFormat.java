package io.github.fusedopt;

import io.github.fusedopt.io.LittleEndianFloats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The checkpoint format, version 2 (version 1 lacks the slot block and holds float slots only):
 * the writer, the layout's constants, and the rule of what a checkpoint may hold. The layout is documented, field by field, in {@code docs/checkpoints.md};
 * {@link CheckpointReader} reads it.
 */
final class CheckpointFormat {

    static final byte[] MAGIC = {(byte) 0x89, 'F', 'O', 'P', 'T', '\r', '\n', 0x1A};
    static final int VERSION = 2;
    /** The version before slot formats: float slots, no rounding seed. */
    static final int FLOAT_ONLY_VERSION = 1;
    static final int PREFIX = 16;
    static final int COUNTERS = 20;
    /** Version 2's slot block after the counters: the rounding seed and the slot count, then a code per slot. */
    static final int SLOT_BLOCK = 12;
    static final int CHECKSUM = 4;
    /** The longest hyperparameter text a reader accepts; the text a save writes is a few hundred bytes. */
    static final int MAX_TEXT = 1 << 16;

    private CheckpointFormat() {
    }

    static void write(FileChannel out, Optimizer optimizer, OptimizerState state) throws IOException {
        byte[] text = HyperparameterText.encode(optimizer).getBytes(StandardCharsets.UTF_8);
        int tensors = state.tensorCount();
        int slots = state.slotCount();
        ByteBuffer head = ByteBuffer.allocate(PREFIX + text.length + COUNTERS + SLOT_BLOCK + slots + 4 * tensors)
                .order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(VERSION).putInt(text.length).put(text)
                .putLong(state.step).putDouble(state.referenceLoss).putInt(tensors)
                .putLong(state.roundingSeed).putInt(slots);
        for (int k = 0; k < slots; k++) {
            head.put(code(state.format));
        }
        for (int i = 0; i < tensors; i++) {
            head.putInt(state.size(i));
        }
        CRC32C crc = new CRC32C();
        LittleEndianFloats writer = new LittleEndianFloats(out, crc);
        writer.bytes(head.flip());
        for (int i = 0; i < tensors; i++) {
            for (int k = 0; k < slots; k++) {
                if (state.format == StateFormat.BF16) {
                    writer.shorts(state.moments[i].segment(k));
                } else {
                    writer.floats(state.moments[i].segment(k));
                }
            }
        }
        ByteBuffer tail = ByteBuffer.allocate(CHECKSUM).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        new LittleEndianFloats(out, null).bytes(tail.flip());
    }

    /** A slot format's code in the file: 0 for float32, 1 for bf16 (fixed here, not the enum's order). */
    static byte code(StateFormat format) {
        return switch (format) {
            case F32 -> 0;
            case BF16 -> 1;
        };
    }

    /** The format of a code, or null if no format has it. */
    static StateFormat format(byte code) {
        return switch (code) {
            case 0 -> StateFormat.F32;
            case 1 -> StateFormat.BF16;
            default -> null;
        };
    }

    /**
     * What is wrong with a step counter and reference loss for {@code optimizer}, or null: the rule
     * {@code save} refuses to break and {@code load} checks, so that a load accepts exactly what a
     * save can write. The counter is at most {@link OptimizerState#MAX_STEP}; AdamL's reference loss
     * is unset (NaN) only before the first step and otherwise finite and {@code ≥ ℓ_min}; every other
     * optimizer has none (NaN).
     */
    static String stateProblem(Optimizer optimizer, long step, double referenceLoss) {
        if (step < 0 || step > OptimizerState.MAX_STEP) {
            return "step counter " + step + " is outside [0, " + OptimizerState.MAX_STEP + "]";
        }
        if (!(optimizer instanceof AdamL adamL)) {
            return Double.isNaN(referenceLoss) ? null : "reference loss " + referenceLoss + " is invalid for "
                    + optimizer.kind().displayName() + ", which keeps none";
        }
        if (Double.isNaN(referenceLoss)) {
            return step == 0 ? null : "AdamL's reference loss is unset after " + step + " steps; the first step sets it";
        }
        if (Double.isInfinite(referenceLoss) || referenceLoss < adamL.lossMin()) {
            return "AdamL's reference loss " + referenceLoss + " is not a finite loss >= lossMin = " + adamL.lossMin();
        }
        return null;
    }
}
