package io.github.fusedopt;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not a readable checkpoint: truncated, corrupted (its CRC32C does not match),
 * of an unsupported version, or not a checkpoint at all. The state it was to be loaded into is
 * unchanged.
 */
public final class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
