package io.github.fusedopt;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Saving and restoring optimizer state, so that training survives a restart.
 *
 * <p>A checkpoint holds the optimizer's hyperparameters, the step counter, AdamL's reference loss
 * and every tensor's moments, bit for bit, in a small binary format with a magic number, a version
 * and a CRC32C checksum (the layout is documented in the README). {@link #save} replaces the file
 * atomically; {@link #load} checks the whole file before it writes anything into the state, so
 * restoring and then stepping gives exactly the bits of a run that never stopped:
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
     * @throws IllegalArgumentException if {@code state} was not created by {@code optimizer}'s
     *         update rule
     * @throws IllegalStateException if the state's moments live in a closed arena or one confined
     *         to another thread
     * @throws IOException if the file cannot be written; {@code file} is then unchanged
     */
    public static void save(Path file, Optimizer optimizer, OptimizerState state) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(optimizer, "optimizer");
        Checks.notNull(state, "state");
        if (optimizer.algorithm() != state.algorithm) {
            throw Checks.invalid("state", state, "was created by " + state.algorithm
                    + " and cannot be saved as the state of " + optimizer.getClass().getSimpleName());
        }
        state.checkAccessible();
        AtomicFile.write(file, out -> CheckpointFormat.write(out, optimizer, state));
    }

    /**
     * Restores a checkpoint into {@code state}: its moments, step counter and reference loss
     * become the saved ones, bit for bit. The whole file is checked first (magic number, version,
     * lengths, checksum, hyperparameters, and that it fits {@code state}); if anything is wrong,
     * nothing is written.
     *
     * @param file the checkpoint
     * @param state a state of the same tensor count and sizes, made by an optimizer of the saved
     *        optimizer's update rule (its moments on or off the heap)
     * @return the saved optimizer, rebuilt from its hyperparameters
     * @throws NullPointerException if an argument is null
     * @throws CheckpointException if the file is truncated, corrupted, of another version or not a
     *         checkpoint
     * @throws IllegalArgumentException if the checkpoint does not fit {@code state}: another update
     *         rule, tensor count or tensor size
     * @throws IllegalStateException if the state's moments live in a closed arena or one confined
     *         to another thread
     * @throws IOException if the file cannot be read
     */
    public static Optimizer load(Path file, OptimizerState state) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(state, "state");
        state.checkAccessible();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            CheckpointFormat.Header header = CheckpointFormat.check(bytes, file);
            if (header.optimizer().algorithm() != state.algorithm) {
                throw Checks.invalid("state", state, "was created by " + state.algorithm + ", but " + file
                        + " holds the state of " + header.optimizer().getClass().getSimpleName());
            }
            requireSameSizes(header.sizes(), state, file);
            CheckpointFormat.copyMoments(bytes, header, state);
            state.step = header.step();
            state.referenceLoss = header.referenceLoss();
            return header.optimizer();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no checkpoint at this path");
        }
    }

    /**
     * Writes one array of floats as a one-dimensional little-endian {@code float32} NumPy
     * {@code .npy} file (format 1.0), replacing {@code file} atomically as {@link #save} does. The
     * buffer's remaining elements are written; its position does not move.
     *
     * @param file where to write; its directory must exist
     * @param values the floats, for instance {@link OptimizerState#firstMoment(int)}
     * @throws NullPointerException if an argument is null
     * @throws IOException if the file cannot be written; {@code file} is then unchanged
     */
    public static void writeNpy(Path file, FloatBuffer values) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(values, "values");
        AtomicFile.write(file, out -> NpyFormat.write(out, values));
    }

    /**
     * Writes every tensor's moments as {@code .npy} files into {@code directory}:
     * {@code m_<i>.npy} and {@code v_<i>.npy} for tensor {@code i} (AdaBelief's {@code s} in
     * {@code v}). {@code numpy.load} reads them as one-dimensional {@code float32} arrays.
     *
     * @param directory an existing directory
     * @param state the state to export; it is only read
     * @return the files written, {@code m_0, v_0, m_1, v_1, ...}
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the state's moments live in a closed arena or one confined
     *         to another thread
     * @throws IOException if a file cannot be written
     */
    public static List<Path> exportMoments(Path directory, OptimizerState state) throws IOException {
        Checks.notNull(directory, "directory");
        Checks.notNull(state, "state");
        state.checkAccessible();
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < state.tensorCount(); i++) {
            Path m = directory.resolve("m_" + i + ".npy");
            writeNpy(m, state.firstMoment(i));
            written.add(m);
            Path v = directory.resolve("v_" + i + ".npy");
            writeNpy(v, state.secondMoment(i));
            written.add(v);
        }
        return List.copyOf(written);
    }

    private static void requireSameSizes(int[] sizes, OptimizerState state, Path file) {
        if (sizes.length != state.tensorCount()) {
            throw Checks.invalid("state", state, "holds " + state.tensorCount() + " tensors, but " + file
                    + " holds " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] != state.size(i)) {
                throw Checks.invalid("state.size(" + i + ")", state.size(i), "differs from tensor " + i
                        + " of " + file + ", which has " + sizes[i] + " elements");
            }
        }
    }
}
