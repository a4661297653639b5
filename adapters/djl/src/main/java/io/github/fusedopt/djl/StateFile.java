package io.github.fusedopt.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerKind;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StateFormat;
import io.github.fusedopt.StateStorage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link FusedOptimizer}'s state in DJL's {@link NDList} encoding, named by the block's parameter
 * names (DJL's parameter ids change when a model is loaded again): for each parameter
 * {@code <name>/<k>}, slot {@code k} as float32, and {@code <name>/referenceLoss}, AdamL's
 * reference loss as float64 (NaN when unset); then {@code fusedopt/updates}, the update count.
 */
final class StateFile {

    static final String UPDATES = "fusedopt/updates";

    private StateFile() {
    }

    static void save(FusedOptimizer optimizer, Block block, OutputStream out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list = new NDList();
            for (Pair<String, Parameter> named : block.getParameters()) {
                String name = named.getKey();
                Parameter parameter = named.getValue();
                Map<Device, OptimizerState> byDevice = optimizer.states().get(parameter.getId());
                OptimizerState state = byDevice == null ? null : byDevice.get(parameter.getArray().getDevice());
                if (state == null) {
                    throw new IllegalStateException("parameter " + name + " has no state yet: save after the first step");
                }
                for (int k = 0; k < state.slotCount(); k++) {
                    float[] slot = new float[state.size(0)];
                    state.slot(0, k).get(slot);
                    list.add(named(manager.create(slot), name + "/" + k));
                }
                list.add(named(manager.create(new double[] {state.referenceLoss().orElse(Double.NaN)}),
                        name + "/referenceLoss"));
            }
            list.add(named(manager.create(new int[] {optimizer.updatesSoFar()}), UPDATES));
            list.encode(out);
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    static void load(FusedOptimizer optimizer, Block block, InputStream in) throws IOException {
        Optimizer rule = optimizer.optimizer();
        Map<String, Map<Device, OptimizerState>> restored = new HashMap<>();
        int updates;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list;
            try {
                list = NDList.decode(manager, in);
            } catch (RuntimeException e) {
                throw new IOException("not a state that FusedOptimizer.saveState wrote: " + e.getMessage(), e);
            }
            Map<String, NDArray> byName = new HashMap<>();
            for (NDArray array : list) {
                byName.put(array.getName(), array);
            }
            updates = require(byName, UPDATES, DataType.INT32, 1).toIntArray()[0];
            if (updates < 0) {
                throw new IOException(UPDATES + " = " + updates + ": must be >= 0");
            }
            for (Pair<String, Parameter> named : block.getParameters()) {
                String name = named.getKey();
                NDArray weight = named.getValue().getArray();
                int size = Math.toIntExact(weight.size());
                float[] storage = new float[Math.toIntExact(rule.stateFloats(size))];
                for (int k = 0; k < rule.stateSlots(); k++) {
                    float[] slot = require(byName, name + "/" + k, DataType.FLOAT32, size).toFloatArray();
                    if (rule.stateFormat() == StateFormat.BF16) {
                        packBf16(slot, storage, (long) k * size);
                    } else {
                        System.arraycopy(slot, 0, storage, k * size, size);
                    }
                }
                double referenceLoss = require(byName, name + "/referenceLoss", DataType.FLOAT64, 1).toDoubleArray()[0];
                OptimizerState state = rule.newState(size, StateStorage.of(storage, 0));
                state.setStep(updates);
                if (rule.kind() == OptimizerKind.ADAML && !Double.isNaN(referenceLoss)) {
                    state.setReferenceLoss(referenceLoss);
                }
                restored.computeIfAbsent(named.getValue().getId(), id -> new ConcurrentHashMap<>()).put(weight.getDevice(), state);
            }
        }
        optimizer.restore(restored, updates);
    }

    /**
     * A bf16 slot, saved widened to float32, back into the caller storage's layout: bf16 values
     * two to a float, from value {@code at} on. A value that is not a widened bf16 was not saved here.
     */
    private static void packBf16(float[] slot, float[] storage, long at) throws IOException {
        MemorySegment packed = MemorySegment.ofArray(storage);
        for (int i = 0; i < slot.length; i++) {
            int bits = Float.floatToRawIntBits(slot[i]);
            if ((bits & 0xFFFF) != 0) {
                throw new IOException("slot value " + slot[i] + " is not a bf16 value; the state was saved with "
                        + "float state, and this optimizer keeps bf16 state");
            }
            packed.setAtIndex(ValueLayout.JAVA_SHORT, at + i, (short) (bits >>> 16));
        }
    }

    private static NDArray require(Map<String, NDArray> byName, String name, DataType type, long size)
            throws IOException {
        NDArray array = byName.get(name);
        if (array == null) {
            throw new IOException("the state holds no " + name + " (saved for another model or optimizer?)");
        }
        if (array.getDataType() != type || array.size() != size) {
            throw new IOException(name + " is " + array.getDataType() + " " + array.getShape() + ", not " + type
                    + " of " + size);
        }
        return array;
    }
}
