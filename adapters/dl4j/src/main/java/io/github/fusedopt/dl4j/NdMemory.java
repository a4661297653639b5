package io.github.fusedopt.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;

/**
 * The memory of an ND4J array as a {@link MemorySegment}, without a copy: ND4J's CPU backend keeps
 * every buffer in native memory, and a contiguous float array (a whole array, or DL4J's row-vector
 * views of its flattened gradients and updater state) is one run of floats from its buffer's
 * address. Anything else is refused rather than copied behind the caller's back.
 */
final class NdMemory {

    private NdMemory() {
    }

    /** Restricted: the segment is exactly the array's floats, and the caller keeps the array alive while using it. */
    @SuppressWarnings("restricted")
    static MemorySegment segment(INDArray array, String what) {
        if (array == null) {
            throw new NullPointerException(what);
        }
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException(what + " holds " + array.dataType()
                    + "; fusedopt steps FLOAT networks (set dataType(DataType.FLOAT) on the configuration)");
        }
        long length = array.length();
        if (length > 1 && array.elementWiseStride() != 1) {
            throw new IllegalArgumentException(what + " is not one contiguous run of floats (element-wise stride "
                    + array.elementWiseStride() + ")");
        }
        // A view's buffer is a view too: its address already includes the view's offset.
        long address = array.data().addressPointer().address();
        if (address == 0) {
            throw new IllegalArgumentException(what + " has no native memory");
        }
        return MemorySegment.ofAddress(address).reinterpret(length * Float.BYTES);
    }
}
