package io.github.fusedopt.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a failure leaves the old ones. Each file's content goes to a temporary file
 * in the target's directory, which is forced to disk and then renamed over the target; the
 * directory is forced so that the rename survives a crash. A set of files in one directory is
 * written all or nothing: every temporary file is complete before the first rename, and if a rename
 * fails the targets already replaced get their old files back.
 *
 * <p>Temporary names are {@code .fusedopt-<16 hex digits>.tmp}, whatever the target's name, so that
 * every legal file name can be written. Errors name the target, never a temporary file.
 */
public final class AtomicFiles {

    /** Writes a file's whole content to a channel. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param channel the temporary file, open for writing
         * @throws IOException if writing fails
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Replaces one file atomically: readers see the old file or the new one, never a part.
     *
     * @param target the file; its directory must exist
     * @param content what to write
     * @throws IllegalArgumentException if {@code target} names no file (a root)
     * @throws IOException if writing fails, naming {@code target}; {@code target} is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = absolute(target);
        Path temp = writeTemporary(absolute, content);
        try {
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw naming(absolute, e);
        }
        forceDirectory(absolute.getParent());
    }

    /**
     * Writes a set of files into one directory, all or nothing: after a failure every target holds
     * what it held before (or is still absent), and no temporary file remains.
     *
     * @param directory an existing directory
     * @param files file names in {@code directory} and their contents, written in this order
     * @throws IOException if a file cannot be written, naming it
     */
    public static void writeAll(Path directory, Map<String, Content> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Content> file : files.entrySet()) {
                Path target = absolute(directory.resolve(file.getKey()));
                temps.put(target, writeTemporary(target, file.getValue()));
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temps.values());
            throw e;
        }
        List<Path[]> replaced = new ArrayList<>();   // {target, its old file or null}
        try {
            for (Map.Entry<Path, Path> entry : temps.entrySet()) {
                Path target = entry.getKey();
                Path old = null;
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    old = temporaryName(target, ".old");
                    move(target, old, target);
                }
                replaced.add(new Path[] {target, old});
                move(entry.getValue(), target, target);
            }
        } catch (IOException | RuntimeException | Error e) {
            restore(replaced, e);
            deleteQuietly(temps.values());
            throw e;
        }
        for (Path[] r : replaced) {
            if (r[1] != null) {
                Files.deleteIfExists(r[1]);
            }
        }
        forceDirectory(absolute(directory));
    }

    /** Puts the old files back, in reverse order; what cannot be restored is added to {@code failure}. */
    private static void restore(List<Path[]> replaced, Throwable failure) {
        for (int i = replaced.size() - 1; i >= 0; i--) {
            Path target = replaced.get(i)[0];
            Path old = replaced.get(i)[1];
            try {
                if (old == null) {
                    Files.deleteIfExists(target);
                } else {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void move(Path from, Path to, Path target) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw naming(target, e);
        }
    }

    private static Path absolute(Path target) {
        Path absolute = target.toAbsolutePath();
        if (absolute.getFileName() == null) {
            throw new IllegalArgumentException("file = " + target + ": names no file (a root directory)");
        }
        return absolute;
    }

    /** The complete content in a new temporary file beside {@code target}, forced to disk. */
    private static Path writeTemporary(Path target, Content content) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        Path temp = null;
        FileChannel channel = null;
        try {
            while (channel == null) {
                temp = temporaryName(target, ".tmp");
                try {
                    channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    channel = null;
                }
            }
            try (FileChannel out = channel) {
                content.writeTo(out);
                out.force(true);
            }
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp == null ? List.of() : List.of(temp));
            throw naming(target, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp == null ? List.of() : List.of(temp));
            throw e;
        }
    }

    private static Path temporaryName(Path target, String suffix) {
        return target.resolveSibling(".fusedopt-" + String.format("%016x", ThreadLocalRandom.current().nextLong())
                + suffix);
    }

    /** The same failure, naming the target instead of a temporary file. */
    private static IOException naming(Path target, IOException e) {
        String file = target.toString();
        IOException named = switch (e) {
            case NoSuchFileException x -> new NoSuchFileException(file, null, "its directory does not exist");
            case AccessDeniedException x -> new AccessDeniedException(file, null, x.getReason());
            case FileSystemException x -> new FileSystemException(file, null, x.getReason());
            default -> new IOException("cannot write " + file + ": " + e.getMessage());
        };
        named.initCause(e);
        return named;
    }

    private static void deleteQuietly(Iterable<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // Best effort: the failure being reported matters more.
            }
        }
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the rename itself is still atomic there.
        }
    }
}
