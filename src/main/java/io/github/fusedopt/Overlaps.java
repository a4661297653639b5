package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rejects a group in which a step would write memory that another tensor also uses: parameter
 * ranges must not overlap each other or any gradient range. Gradient ranges may overlap each
 * other; they are only read. One sort and one sweep, so large groups stay cheap to build.
 */
final class Overlaps {

    /** The storage a range lives in: a heap array, or native memory. */
    private static final Object NATIVE = new Object();

    private record Range(Object storage, int storageId, long start, long end, boolean params, int tensor) {
        String describe() {
            return (params ? "params" : "grads") + " of tensor " + tensor;
        }
    }

    private Overlaps() {
    }

    static void check(Tensor[] tensors) {
        Map<Object, Integer> ids = new IdentityHashMap<>();
        List<Range> ranges = new ArrayList<>(2 * tensors.length);
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i].length() == 0) {
                continue;
            }
            switch (tensors[i]) {
                case Tensor.OnHeap h -> {
                    ranges.add(range(ids, h.params(), h.paramsOffset() * (long) Float.BYTES, h.length(), true, i));
                    ranges.add(range(ids, h.grads(), h.gradsOffset() * (long) Float.BYTES, h.length(), false, i));
                }
                case Tensor.InSegments s -> {
                    ranges.add(range(ids, s.params(), true, i));
                    ranges.add(range(ids, s.grads(), false, i));
                }
            }
        }
        ranges.sort(Comparator.comparingInt(Range::storageId).thenComparingLong(Range::start));
        Range widestParams = null;
        Range widestAny = null;
        for (Range r : ranges) {
            if (widestAny != null && widestAny.storageId != r.storageId) {
                widestParams = null;
                widestAny = null;
            }
            Range clash = r.params ? widestAny : widestParams;
            if (clash != null && r.start < clash.end) {
                throw Checks.invalid(r.describe(), "bytes [" + r.start + ", " + r.end + ")",
                        "overlaps " + clash.describe() + ", bytes [" + clash.start + ", " + clash.end + ")");
            }
            if (r.params && (widestParams == null || r.end > widestParams.end)) {
                widestParams = r;
            }
            if (widestAny == null || r.end > widestAny.end) {
                widestAny = r;
            }
        }
    }

    private static Range range(Map<Object, Integer> ids, Object storage, long start, int length,
                               boolean params, int tensor) {
        int id = ids.computeIfAbsent(storage, k -> ids.size());
        return new Range(storage, id, start, start + (long) length * Float.BYTES, params, tensor);
    }

    private static Range range(Map<Object, Integer> ids, MemorySegment segment, boolean params, int tensor) {
        // A read-only heap segment hides its array; it can only be compared with itself.
        Object storage = segment.isNative() ? NATIVE : segment.heapBase().orElseGet(Object::new);
        return range(ids, storage, segment.address(), (int) (segment.byteSize() / Float.BYTES), params, tensor);
    }
}
