package io.github.fusedopt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.fusedopt.cli.NpyFiles.dict;
import static io.github.fusedopt.cli.NpyFiles.floats;
import static io.github.fusedopt.cli.NpyFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay command against hostile cases: absurd shapes, shapes NumPy refuses, files that change
 * while they are read, an output directory that is the case, output that cannot be written
 * completely, bytes that are not UTF-8 and directories where files belong. Each is exit status 2
 * (or 1 for a failed write) with one line naming the file, and no mixed output.
 */
class ReplayHostileInputTest {

    @TempDir
    Path dir;

    private Path caseWith(String gradsShape, byte[] gradsData) throws IOException {
        Path c = Files.createDirectories(dir.resolve("case"));
        Files.writeString(c.resolve("case.properties"), "optimizer=adam\n");
        Files.write(c.resolve("params.npy"), npy(dict("<f4", "(0,)"), new byte[0]));
        Files.write(c.resolve("grads.npy"), npy(dict("<f4", gradsShape), gradsData));
        return c;
    }

    private static void assertOneLine(ReplayTest.Outcome outcome, int status, String... parts) {
        assertEquals(status, outcome.status(), outcome.err());
        assertEquals(1, outcome.err().lines().count(), outcome.err());
        for (String part : parts) {
            assertTrue(outcome.err().contains(part), outcome.err());
        }
    }

    @Test
    void moreStepsThanReplayRunsIsBadInputInOneLine() throws IOException {
        Path c = caseWith("(3000000000, 0)", new byte[0]);
        assertOneLine(ReplayTest.run("replay", c.toString(), dir.resolve("out").toString()), 2, "grads.npy",
                "3000000000 steps");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void shapesNumPyRefusesAreRefused() {
        for (String shape : new String[] {"(٥,)", "(5)", "(05,)", "(5_,)", "(-5,)", "(5,,)", "(\u20035,)"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> Npy.parse("x.npy",
                    ByteBuffer.wrap(npy3(dict("<f4", shape), floats(1, 2, 3, 4, 5))), Set.of("<f4"), 1), shape);
            assertTrue(e.getMessage().startsWith("x.npy: "), e.getMessage());
        }
        for (String shape : new String[] {"(5,)", "( 5 , )", "(5_0,)", "(00,)"}) {
            int n = shape.equals("(5_0,)") ? 50 : shape.equals("(00,)") ? 0 : 5;
            assertDoesNotThrow(() -> Npy.parse("x.npy", ByteBuffer.wrap(npy3(dict("<f4", shape), floats(new float[n]))),
                    Set.of("<f4"), 1), shape);
        }
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable call, String what) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(call, what);
    }

    /** A version 3.0 file: UTF-8 header, 4-byte header length. */
    private static byte[] npy3(String dict, byte[] data) {
        byte[] header = (dict + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0}).putInt(header.length).put(header).put(data);
        return b.array();
    }

    @Test
    void theCaseDirectoryIsNoOutputDirectory() throws Exception {
        Path c = copyOfExample();
        byte[] params = Files.readAllBytes(c.resolve("params.npy"));
        for (String out : new String[] {c.toString(), c.resolve(".").toString(), c.resolve("../case").toString()}) {
            assertOneLine(ReplayTest.run("replay", c.toString(), out), 2, "case directory");
            assertArrayEquals(params, Files.readAllBytes(c.resolve("params.npy")));
        }
        Files.writeString(dir.resolve("file"), "x");
        assertOneLine(ReplayTest.run("replay", c.toString(), dir.resolve("file").toString()), 2, "not a directory");
    }

    private Path copyOfExample() throws Exception {
        return copyOfExample("case");
    }

    private Path copyOfExample(String name) throws Exception {
        Path c = Files.createDirectories(dir.resolve(name));
        for (String f : new String[] {"case.properties", "params.npy", "grads.npy", "losses.npy"}) {
            Files.copy(ReplayTest.example().resolve(f), c.resolve(f));
        }
        return c;
    }

    /** {@code v.npy} cannot be written (a directory holds its name): the old result set stays whole. */
    @Test
    void aFailedWriteLeavesTheOldResultsAndNoNewFile() throws Exception {
        Path c = copyOfExample();
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("params.npy"), "old params");
        Files.writeString(out.resolve("step.txt"), "old step");
        Files.createDirectory(out.resolve("v.npy"));
        ReplayTest.Outcome outcome = ReplayTest.run("replay", c.toString(), out.toString());
        assertOneLine(outcome, 1, "v.npy");
        assertEquals("old params", Files.readString(out.resolve("params.npy")));
        assertEquals("old step", Files.readString(out.resolve("step.txt")));
        assertFalse(Files.exists(out.resolve("m.npy")), "no new file beside the old ones");
        try (var files = Files.list(out)) {
            assertEquals(3, files.count(), "no temporary file left");
        }
        Files.delete(out.resolve("v.npy"));
        assertEquals(0, ReplayTest.run("replay", c.toString(), out.toString()).status(), "then it writes all four");
        assertEquals("100\n", Files.readString(out.resolve("step.txt")));
    }

    @Test
    void textThatIsNotUtf8AndDirectoriesWhereFilesBelongAreNamed() throws Exception {
        Path c = copyOfExample();
        Files.write(c.resolve("case.properties"), new byte[] {'o', 'p', 't', '=', (byte) 0xC3, '(', '\n'});
        assertOneLine(ReplayTest.run("replay", c.toString(), dir.resolve("o1").toString()), 2, "case.properties",
                "not UTF-8", "byte 4");
        Path d = copyOfExample("case2");
        Files.delete(d.resolve("params.npy"));
        Files.createDirectory(d.resolve("params.npy"));
        assertOneLine(ReplayTest.run("replay", d.toString(), dir.resolve("o2").toString()), 2, "params.npy",
                "directory");
        assertOneLine(ReplayTest.run("replay", dir.resolve("nowhere").toString()), 2, "nowhere", "not found");
    }

    /** grads.npy rewritten in place while replays read it: exit 0 or 2, never a crash. */
    @Test
    void aFileRewrittenWhileReplayReadsItIsBadInputOrWhole() throws Exception {
        Path c = copyOfExample();
        byte[] grads = Files.readAllBytes(c.resolve("grads.npy"));
        byte[] big = new byte[grads.length * 40];
        AtomicBoolean stop = new AtomicBoolean();
        Path file = c.resolve("grads.npy");
        Thread writer = new Thread(() -> {
            for (int round = 0; !stop.get(); round++) {
                byte[] bytes = round % 2 == 0 ? grads : big;
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (int at = 0; at < bytes.length; at += 8192) {
                        ch.write(ByteBuffer.wrap(bytes, at, Math.min(8192, bytes.length - at)));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        });
        writer.start();
        int ok = 0;
        int bad = 0;
        try {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) {
                ReplayTest.Outcome outcome = ReplayTest.run("replay", c.toString(), dir.resolve("o").toString());
                assertTrue(outcome.status() == 0 || outcome.status() == 2, outcome.err());
                if (outcome.status() == 2) {
                    bad++;
                    assertEquals(1, outcome.err().lines().count(), outcome.err());
                } else {
                    ok++;
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(ok + bad > 5, ok + " replays whole, " + bad + " rejected");
    }
}
