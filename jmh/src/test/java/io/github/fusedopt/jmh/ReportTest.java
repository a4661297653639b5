package io.github.fusedopt.jmh;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @Test
    void optionsMayArriveAsOneArgumentFromMaven() {
        Map<String, String> options = Report.parse(new String[] {"--out=/tmp/x", "--quick --sizes=1024,4097  --optimizers=adam"});
        assertEquals("/tmp/x", options.get("out"));
        assertEquals("", options.get("quick"));
        assertEquals("1024,4097", options.get("sizes"));
        assertEquals("adam", options.get("optimizers"));
    }

    @Test
    void aLaterOptionOverridesAnEarlierOne() {
        assertEquals("b", Report.parse(new String[] {"--out=a", "--out=b"}).get("out"));
    }

    @Test
    void blankArgumentsAreIgnored() {
        assertTrue(Report.parse(new String[] {"", "  "}).isEmpty());
    }

    @Test
    void unknownOptionsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Report.parse(new String[] {"--fork=3"}));
        assertTrue(e.getMessage().contains("--fork=3"), e.getMessage());
    }

    @Test
    void medianOfOddEvenAndEmpty() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }
}
