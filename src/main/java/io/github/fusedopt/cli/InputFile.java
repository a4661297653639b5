package io.github.fusedopt.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a whole input file into the heap, never mapping it: a mapped file that another process
 * truncates faults the JVM, whereas a read sees the bytes the file had. A file that shrinks, grows
 * or changes size while it is read is bad input; so is anything that is not a regular file.
 */
final class InputFile {

    /** The longest file that fits one heap array. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private InputFile() {
    }

    static ByteBuffer read(Path file, String name) throws BadInputException {
        if (Files.isDirectory(file)) {
            throw new BadInputException(name, "is a directory, not a file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new BadInputException(name, "is not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_BYTES) {
                throw new BadInputException(name, size + " bytes, larger than the 2 GiB replay reads");
            }
            ByteBuffer bytes;
            try {
                bytes = ByteBuffer.allocate((int) size);
            } catch (OutOfMemoryError e) {
                throw new BadInputException(name, size + " bytes do not fit in this JVM's heap; raise -Xmx");
            }
            while (bytes.hasRemaining()) {
                if (channel.read(bytes) < 0) {
                    throw new BadInputException(name, "shrank while it was read (" + size + " bytes when opened, "
                            + bytes.position() + " there)");
                }
            }
            if (channel.read(ByteBuffer.allocate(1)) > 0 || channel.size() != size) {
                throw new BadInputException(name, "grew while it was read (" + size + " bytes when opened, "
                        + channel.size() + " now)");
            }
            return bytes.flip();
        } catch (NoSuchFileException e) {
            throw new BadInputException(name, "not found");
        } catch (IOException e) {
            throw new BadInputException(name, "cannot be read: " + e.getMessage());
        }
    }
}
