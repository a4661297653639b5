package io.github.fusedopt.cli;

import io.github.fusedopt.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import static io.github.fusedopt.cli.NpyFiles.dict;
import static io.github.fusedopt.cli.NpyFiles.floats;
import static io.github.fusedopt.cli.NpyFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads files NumPy wrote (src/test/python/make_npy_fixtures.py), writes what NumPy writes, rejects the rest. */
class NpyTest {

    private static final Set<String> F4 = Set.of("<f4");

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void readsNumPysFloat32VectorsBitForBit() throws Exception {
        for (String name : new String[] {"f4_vector.npy", "f4_vector_v2.npy"}) {
            NpyArray array = Npy.read(fixture(name), F4, 1);
            assertArrayEquals(new long[] {5}, array.shape());
            float[] values = array.floats();
            assertArrayEquals(new float[] {1.5f, -0f, 1e-40f, Float.POSITIVE_INFINITY, -3.25f}, values, name);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(values[1]));
        }
    }

    @Test
    void readsMatricesRowByRowAndFloat64Vectors() throws Exception {
        NpyArray matrix = Npy.read(fixture("f4_matrix.npy"), F4, 2);
        assertArrayEquals(new long[] {2, 3}, matrix.shape());
        float[] row = new float[3];
        matrix.row(1, row);
        assertArrayEquals(new float[] {0.75f, 1f, 1.25f}, row);
        NpyArray doubles = Npy.read(fixture("f8_vector.npy"), Set.of("<f4", "<f8"), 1);
        assertArrayEquals(new double[] {0.1, 2.0, -7.5}, doubles.doubles());
        assertEquals(0, Npy.read(fixture("f4_empty.npy"), F4, 1).floats().length);
    }

    /** The library's writer ({@link Checkpoint#writeNpy}), which replay uses, against NumPy's own file. */
    @Test
    void writesTheSameBytesAsNumPy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.npy");
        Checkpoint.writeNpy(file, FloatBuffer.wrap(new float[] {1.5f, -0f, 1e-40f, Float.POSITIVE_INFINITY, -3.25f}));
        assertArrayEquals(Files.readAllBytes(fixture("f4_vector.npy")), Files.readAllBytes(file));
    }

    @Test
    void roundTripsEveryBitPattern(@TempDir Path dir) throws Exception {
        float[] values = {Float.NaN, Float.MIN_VALUE, -Float.MAX_VALUE, 0f, -0f, 1f / 3};
        Path file = dir.resolve("out.npy");
        FloatBuffer buffer = FloatBuffer.wrap(values);
        Checkpoint.writeNpy(file, buffer);
        assertEquals(0, buffer.position(), "the buffer's position does not move");
        float[] back = Npy.read(file, F4, 1).floats();
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]));
        }
        assertEquals(0, (Files.size(file) - values.length * 4) % 64);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "f4_big_endian.npy | 1 | big-endian",
        "i4_vector.npy     | 1 | dtype '<i4'",
        "f4_fortran.npy    | 2 | fortran_order is True",
        "f4_matrix.npy     | 1 | 2 dimension(s), expected 1",
    })
    void rejectsWhatNumPyWritesButReplayCannotUse(String name, int rank, String problem) throws Exception {
        BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(fixture(name), F4, rank));
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bad magic            | not a .npy file",
        "too short            | too short",
        "version 4            | unsupported .npy format version 4",
        "header cut           | truncated header",
        "data cut             | truncated: shape (3,) needs 12 bytes of data, the file holds 8",
        "data too long        | 4 unexpected bytes",
        "missing key          | header keys",
        "extra key            | header keys",
        "duplicate key        | appears twice",
        "shape not a tuple    | shape is not a tuple of integers",
        "negative dimension   | non-integer",
        "garbage header       | malformed header",
        "unterminated string  | unterminated string",
        "text after dict      | unexpected text after the header dict",
        "huge shape           | is too large",
    })
    void rejectsMalformedFiles(String kind, String problem) {
        byte[] good = npy(dict("<f4", "(3,)"), floats(1, 2, 3));
        byte[] bytes = switch (kind.trim()) {
            case "bad magic" -> replace(good, 1, (byte) 'X');
            case "too short" -> Arrays.copyOf(good, 7);
            case "version 4" -> replace(good, 6, (byte) 4);
            case "header cut" -> Arrays.copyOf(good, 40);
            case "data cut" -> Arrays.copyOf(good, good.length - 4);
            case "data too long" -> Arrays.copyOf(good, good.length + 4);
            case "missing key" -> npy("{'descr': '<f4', 'shape': (3,), }", floats(1, 2, 3));
            case "extra key" -> npy(dict("<f4", "(3,)").replace("}", "'x': True, }"), floats(1, 2, 3));
            case "duplicate key" -> npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", floats(1, 2, 3));
            case "shape not a tuple" -> npy(dict("<f4", "'3'"), floats(1, 2, 3));
            case "negative dimension" -> npy(dict("<f4", "(-3,)"), floats(1, 2, 3));
            case "garbage header" -> npy("{'descr' '<f4'}", floats(1, 2, 3));
            case "unterminated string" -> npy("{'descr: 3}", floats(1, 2, 3));
            case "text after dict" -> npy(dict("<f4", "(3,)") + " x", floats(1, 2, 3));
            case "huge shape" -> npy(dict("<f4", "(9223372036854775807, 4)"), floats(1, 2, 3));
            default -> throw new IllegalArgumentException(kind);
        };
        int rank = kind.trim().equals("huge shape") ? 2 : 1;
        BadInputException e = assertThrows(BadInputException.class,
                () -> Npy.parse("case.npy", ByteBuffer.wrap(bytes), F4, rank));
        assertTrue(e.getMessage().startsWith("case.npy: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem.trim()), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aMissingFileIsBadInput(@org.junit.jupiter.api.io.TempDir Path dir) {
        BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(dir.resolve("params.npy"), F4, 1));
        assertEquals("params.npy: not found", e.getMessage());
    }

    @Test
    void version3HeadersAreUtf8() throws IOException, BadInputException {
        byte[] v1 = npy(dict("<f4", "(1,)"), floats(2));
        ByteBuffer b = ByteBuffer.allocate(v1.length + 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        String header = new String(v1, 10, v1.length - 14, StandardCharsets.ISO_8859_1);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0}).putInt(header.length())
                .put(header.getBytes(StandardCharsets.UTF_8)).put(floats(2));
        assertArrayEquals(new float[] {2}, Npy.parse("v3.npy", b.flip(), F4, 1).floats());
    }

    private static byte[] replace(byte[] bytes, int index, byte value) {
        byte[] copy = bytes.clone();
        copy[index] = value;
        return copy;
    }
}
