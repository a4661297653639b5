package io.github.fusedopt.jmh;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The C ceiling's arithmetic and text: parsing the C program's line, the table's ratios, a missing compiler. */
class CCeilingTest {

    @Test
    void readsTheMedianTheCProgramPrints() {
        assertEquals(6.905e9, CCeiling.parse("adam n=4096 offset=0 floats: median 6.905 G elements/s (min 4.691, max 7.368)\n"),
                1);
        assertTrue(Double.isNaN(CCeiling.parse("usage: adam_ceiling SIZE ...")));
    }

    @Test
    void theTablePutsJavaOverC() {
        Measurement adam = new Measurement("StepBenchmark", Map.of("optimizer", "adam", "size", "4096", "impl", "vector"),
                6e9 / 4096, 0);
        Summary summary = new Summary(new Machine("test cpu", true, 2, "25", 16), Suite.quick(), List.of("adam"),
                List.of(4096), List.of(adam), List.of(), List.of(), List.of(), CCeiling.none("unused"));
        CCeiling ceiling = new CCeiling("cc (test) 1.0", List.of(new CCeiling.Point(4096, 0, 7.5e9),
                new CCeiling.Point(4096, 4, 5e9)), null);
        String table = ceiling.markdown(summary);
        assertTrue(table.contains("| 4096 | 6.00 | 7.50 | 0.80 | 5.00 | 1.20 |"), table);
    }

    @Test
    void saysWhyThereIsNoCeiling() {
        assertTrue(CCeiling.none("no C compiler (cc, gcc or clang) on the PATH").markdown(null)
                .contains("No C ceiling: no C compiler"));
        assertTrue(CCeiling.measure(Path.of("no-such-file.c"), Path.of("."), List.of(1024), 1)
                .unavailable().contains("no-such-file.c"));
    }
}
