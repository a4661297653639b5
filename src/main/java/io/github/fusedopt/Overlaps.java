package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rejects a binding in which a step would write memory that something else of the same step also
 * uses: parameter ranges (and, for a state, its moments) must not overlap each other or any
 * gradient range, whatever view reaches the memory. Gradient ranges may overlap each other; they
 * are only read. One sort and one sweep, so large groups stay cheap to check.
 *
 * <p>Ranges are keyed by their storage: the array behind a heap range, or native memory. A
 * read-only heap segment hides its array, so it is matched against every heap storage that a
 * written range lives in; it can only clash with those.
 */
final class Overlaps {

    /** The storage of every native range: one address space. */
    private static final Object NATIVE = new Object();

    private record Range(Object storage, long start, long end, boolean written, String name) {
    }

    private final List<Range> ranges = new ArrayList<>();
    private final List<MemorySegment> hidden = new ArrayList<>();
    private final List<String> hiddenNames = new ArrayList<>();

    private Overlaps() {
    }

    /** A group: each tensor's parameters are written, its gradients read. */
    static void check(Tensor[] tensors) {
        Overlaps o = new Overlaps();
        o.addTensors(tensors);
        o.sweep();
    }

    /** A group and the state that steps it: the state's slots are written too. */
    static void check(Tensor[] tensors, Moments[] moments) {
        Overlaps o = new Overlaps();
        o.addTensors(tensors);
        for (int i = 0; i < moments.length; i++) {
            o.addMoments(moments[i], i);
        }
        o.sweep();
    }

    private void addTensors(Tensor[] tensors) {
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i].length() == 0) {
                continue;
            }
            long bytes = (long) tensors[i].length() * Float.BYTES;
            switch (tensors[i]) {
                case Tensor.OnHeap h -> {
                    boolean outIsGrads = h.out() == h.grads() && h.outOffset() == h.gradsOffset();
                    add(h.params(), h.paramsOffset() * (long) Float.BYTES, bytes, true, "params of tensor " + i);
                    add(h.grads(), h.gradsOffset() * (long) Float.BYTES, bytes, outIsGrads,
                            (outIsGrads ? "grads (and out) of tensor " : "grads of tensor ") + i);
                    if (h.out() != null && !outIsGrads) {
                        add(h.out(), h.outOffset() * (long) Float.BYTES, bytes, true, "out of tensor " + i);
                    }
                }
                case Tensor.InSegments s -> {
                    boolean outIsGrads = s.out() != null && sameMemory(s.out(), s.grads());
                    add(s.params(), true, "params of tensor " + i);
                    add(s.grads(), outIsGrads, (outIsGrads ? "grads (and out) of tensor " : "grads of tensor ") + i);
                    if (s.out() != null && !outIsGrads) {
                        add(s.out(), true, "out of tensor " + i);
                    }
                }
            }
        }
    }

    private void addMoments(Moments moments, int tensor) {
        long bytes = (long) moments.size() * Float.BYTES;
        if (bytes == 0) {
            return;
        }
        for (int k = 0; k < moments.slotCount(); k++) {
            String name = "the state's " + SLOT_NAMES[k] + " of tensor " + tensor;
            switch (moments) {
                case Moments.OnHeap(float[][] arrays, int[] offsets, int _) ->
                        add(arrays[k], offsets[k] * (long) Float.BYTES, bytes, true, name);
                case Moments.OnHeapBf16 bf16 -> add(bf16.segment(k), true, name);
                case Moments.InSegments(MemorySegment[] segments, StateFormat _) -> add(segments[k], true, name);
            }
        }
    }

    private static final String[] SLOT_NAMES = {"m", "v", "v_max"};

    /** Whether two segments are the same memory, through whatever views. */
    static boolean sameMemory(MemorySegment a, MemorySegment b) {
        return a.byteSize() == b.byteSize()
                && (a.byteSize() == 0 || a.asOverlappingSlice(b).map(s -> s.byteSize() == a.byteSize()).orElse(false)
                && b.asOverlappingSlice(a).map(s -> s.address() == b.address()).orElse(false));
    }

    private void add(Object storage, long start, long bytes, boolean written, String name) {
        ranges.add(new Range(storage, start, start + bytes, written, name));
    }

    private void add(MemorySegment segment, boolean written, String name) {
        if (segment.isNative()) {
            add(NATIVE, segment.address(), segment.byteSize(), written, name);
        } else if (segment.heapBase().isPresent()) {
            add(segment.heapBase().get(), segment.address(), segment.byteSize(), written, name);
        } else {
            hidden.add(segment);   // only gradients: written segments are never read-only
            hiddenNames.add(name);
        }
    }

    /** Finds the array behind each read-only heap segment among the storages that are written. */
    private void resolveHidden() {
        if (hidden.isEmpty()) {
            return;
        }
        Map<Object, MemorySegment> written = new IdentityHashMap<>();
        for (Range r : ranges) {
            if (r.written && r.storage != NATIVE) {
                written.computeIfAbsent(r.storage, Overlaps::whole);
            }
        }
        for (int i = 0; i < hidden.size(); i++) {
            MemorySegment segment = hidden.get(i);
            for (Map.Entry<Object, MemorySegment> e : written.entrySet()) {
                if (segment.asOverlappingSlice(e.getValue()).isPresent()) {
                    add(e.getKey(), segment.address(), segment.byteSize(), false, hiddenNames.get(i));
                    break;
                }
            }
            // No written storage holds it: it cannot clash with anything.
        }
    }

    /** The whole heap array as a segment. */
    private static MemorySegment whole(Object array) {
        return switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            case char[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalStateException("a heap segment over " + array.getClass());
        };
    }

    private void sweep() {
        resolveHidden();
        Map<Object, Integer> ids = new IdentityHashMap<>();
        for (Range r : ranges) {
            ids.putIfAbsent(r.storage, ids.size());
        }
        ranges.sort(Comparator.<Range>comparingInt(r -> ids.get(r.storage)).thenComparingLong(Range::start));
        Range widestWritten = null;
        Range widestAny = null;
        for (Range r : ranges) {
            if (widestAny != null && widestAny.storage != r.storage) {
                widestWritten = null;
                widestAny = null;
            }
            Range clash = r.written ? widestAny : widestWritten;
            if (clash != null && r.start < clash.end) {
                throw clash(r, clash);
            }
            if (r.written && (widestWritten == null || r.end > widestWritten.end)) {
                widestWritten = r;
            }
            if (widestAny == null || r.end > widestAny.end) {
                widestAny = r;
            }
        }
    }

    /** Names the overlap by offsets within each range, never by raw addresses. */
    private static IllegalArgumentException clash(Range r, Range other) {
        long from = Math.max(r.start, other.start);
        long to = Math.min(r.end, other.end);
        return Checks.invalid(r.name, "bytes [" + (from - r.start) + ", " + (to - r.start) + ")",
                "overlaps " + other.name + " (its bytes [" + (from - other.start) + ", " + (to - other.start)
                        + ")); memory a step writes must be reached through one binding only");
    }
}
