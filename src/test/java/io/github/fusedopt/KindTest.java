package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tests' list of optimizers is the library's table, row for row. */
class KindTest {

    @Test
    void everyRowOfTheTableIsTested() {
        assertEquals(Arrays.asList(OptimizerKind.values()), Arrays.stream(Kind.values()).map(k -> k.row).toList());
        for (Kind kind : Kind.values()) {
            assertEquals(kind.row, kind.defaults().kind());
            assertEquals(kind.name(), kind.row.name());
        }
    }
}
