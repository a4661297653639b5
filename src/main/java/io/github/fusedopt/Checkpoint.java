package io.github.fusedopt;

import io.github.fusedopt.io.AtomicFiles;
import io.github.fusedopt.io.NpyWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saving and restoring optimizer state, so that training survives a restart.
 *
 * <p>A checkpoint holds the optimizer's hyperparameters, the step counter, AdamL's reference loss
 * and every tensor's moments, bit for bit, in a small binary format with a magic number, a version
 * and a CRC32C checksum. {@link #save} replaces the file atomically; {@link #load} checks the
 * whole file before it writes anything into the state, so restoring and then stepping gives exactly
 * the bits of a run that never stopped:
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("adam.ckpt"), adam, state);
 * // ... after a restart:
 * OptimizerState state = adam.newState(size);
 * Optimizer saved = Checkpoint.load(Path.of("adam.ckpt"), state);
 * }</pre>
 *
 * <p>For other tools, {@link #exportMoments} writes the moments as NumPy {@code .npy} files.
 * A checkpoint must not be saved or loaded while another thread steps the same state.
 */
public final class Checkpoint {

    private Checkpoint() {
    }

    /**
     * Writes {@code optimizer}'s hyperparameters and {@code state} to {@code file}, replacing it
     * atomically: the bytes go to a temporary file in the same directory, which is forced to disk
     * and renamed over {@code file}. A crash leaves the old file or the new one, never a mix.
     *
     * @param file where to write; its directory must exist
     * @param optimizer the optimizer stepping {@code state}
     * @param state the state to save; it is only read
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code file} names no file (a root directory), if
     *         {@code state} was not created by {@code optimizer}'s update rule, or if it holds what
     *         {@code optimizer} could not have produced and {@link #load} would refuse (an AdamL
     *         reference loss below {@code optimizer}'s {@code lossMin})
     * @throws IllegalStateException if the state's moments live in a closed arena or one confined
     *         to another thread
     * @throws IOException if the file cannot be written (the message names {@code file}, also for a
     *         failure on the temporary file); {@code file} is then unchanged
     */
    public static void save(Path file, Optimizer optimizer, OptimizerState state) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(optimizer, "optimizer");
        Checks.notNull(state, "state");
        requireFileName(file);
        StepEntry.checkRule(optimizer, state);
        String problem = CheckpointFormat.stateProblem(optimizer, state.step, state.referenceLoss);
        if (problem != null) {
            throw Checks.invalid("state", state, "cannot be saved with " + optimizer + ": " + problem);
        }
        StateChecks.checkAccessible(state);
        AtomicFiles.write(file, out -> CheckpointFormat.write(out, optimizer, state));
    }

    /**
     * Restores a checkpoint into {@code state}: its moments, step counter and reference loss
     * become the saved ones, bit for bit. The whole file is read once into private memory and
     * checked there (magic number, version, lengths, checksum, hyperparameters, counters, moments,
     * and that it fits {@code state}); if anything is wrong, nothing is written. A file that another
     * process truncates, extends or rewrites while it is read is a damaged file. Loading stages the
     * moments in native memory: their size in the file (8 bytes per element for Adam's float
     * slots, 4 for bf16 ones), freed before it returns.
     *
     * @param file the checkpoint
     * @param state a state of the same tensor count and sizes, made by an optimizer of the saved
     *        optimizer's update rule (its moments on or off the heap)
     * @return the saved optimizer, rebuilt from its hyperparameters
     * @throws NullPointerException if an argument is null
     * @throws CheckpointException if the file is truncated, corrupted, of another version, not a
     *         checkpoint (a directory, say), holds values no save writes, or changed while it was read
     * @throws IllegalArgumentException if the checkpoint does not fit {@code state}: another update
     *         rule, tensor count or tensor size
     * @throws IllegalStateException if the state's moments live in a closed arena or one confined
     *         to another thread
     * @throws java.nio.file.NoSuchFileException if there is no file at {@code file}
     * @throws IOException if the file cannot be read, or its moments cannot be staged in memory
     */
    public static Optimizer load(Path file, OptimizerState state) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(state, "state");
        StateChecks.checkAccessible(state);
        return CheckpointReader.load(file, state);
    }

    /**
     * Writes one array of floats as a one-dimensional little-endian {@code float32} NumPy
     * {@code .npy} file (format 1.0), replacing {@code file} atomically as {@link #save} does. The
     * buffer's remaining elements are written; its position does not move.
     *
     * @param file where to write; its directory must exist
     * @param values the floats, for instance {@link OptimizerState#firstMoment(int)}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code file} names no file (a root directory)
     * @throws IOException if the file cannot be written; {@code file} is then unchanged
     */
    public static void writeNpy(Path file, FloatBuffer values) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(values, "values");
        requireFileName(file);
        AtomicFiles.write(file, out -> NpyWriter.write(out, values));
    }

    /**
     * Writes every tensor's slots as {@code .npy} files into {@code directory}:
     * {@code m_<i>.npy} and {@code v_<i>.npy} for tensor {@code i} (AdaBelief's {@code s} in
     * {@code v}), and {@code vmax_<i>.npy} with AMSGrad. {@code numpy.load} reads them as one-dimensional {@code float32}
     * arrays (bf16 slots widened exactly). The set
     * is written all or nothing: if a file cannot be written, every file keeps its old content.
     *
     * @param directory an existing directory
     * @param state the state to export, of any size; it is only read
     * @return the files written, {@code m_0, v_0, [vmax_0,] m_1, v_1, ...}
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the state's moments live in a closed arena or one confined
     *         to another thread
     * @throws IOException if a file cannot be written
     */
    public static List<Path> exportMoments(Path directory, OptimizerState state) throws IOException {
        Checks.notNull(directory, "directory");
        Checks.notNull(state, "state");
        StateChecks.checkAccessible(state);
        Map<String, AtomicFiles.Content> files = new LinkedHashMap<>();
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < state.tensorCount(); i++) {
            Moments moments = state.moments[i];
            for (int k = 0; k < state.slotCount(); k++) {
                MemorySegment slot = moments.segment(k);
                files.put(SLOT_FILES[k] + "_" + i + ".npy", out -> NpyWriter.writeSlot(out, slot, moments.format()));
            }
        }
        files.keySet().forEach(name -> written.add(directory.resolve(name)));
        AtomicFiles.writeAll(directory, files);
        return List.copyOf(written);
    }

    /** The export's file name of each slot, before {@code _<tensor>.npy}. */
    private static final String[] SLOT_FILES = {"m", "v", "vmax"};

    private static void requireFileName(Path file) {
        if (file.toAbsolutePath().getFileName() == null) {
            throw Checks.invalid("file", file, "names no file (a root directory)");
        }
    }
}
