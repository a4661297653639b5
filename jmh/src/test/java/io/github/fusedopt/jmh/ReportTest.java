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
        Map<String, String> options = ReportPlan.parse(new String[] {"--out=/tmp/x", "--quick --sizes=1024,4097  --optimizers=adam"});
        assertEquals("/tmp/x", options.get("out"));
        assertEquals("", options.get("quick"));
        assertEquals("1024,4097", options.get("sizes"));
        assertEquals("adam", options.get("optimizers"));
    }

    @Test
    void aLaterOptionOverridesAnEarlierOne() {
        assertEquals("b", ReportPlan.parse(new String[] {"--out=a", "--out=b"}).get("out"));
    }

    @Test
    void blankArgumentsAreIgnored() {
        assertTrue(ReportPlan.parse(new String[] {"", "  "}).isEmpty());
    }

    @Test
    void unknownOptionsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportPlan.parse(new String[] {"--fork=3"}));
        assertTrue(e.getMessage().contains("--fork=3"), e.getMessage());
    }

    @Test
    void theDefaultIsTheMainJobAndFullRunsEverything() {
        ReportPlan main = ReportPlan.of();
        assertEquals(List.of("adam", "adaml", "adal"), main.optimizers());
        assertEquals(List.of(4096, 1048576, 16777216), main.sizes());
        assertEquals(List.of("steps", "forms", "bf16"), main.sections());
        assertEquals(List.of(4096), main.scalarSizes());
        ReportPlan full = ReportPlan.of("--full");
        assertEquals(ReportPlan.ALL_OPTIMIZERS, full.optimizers());
        assertEquals(ReportPlan.ALL_SIZES, full.sizes());
        assertEquals(ReportPlan.ALL_SECTIONS, full.sections());
        assertThrows(IllegalArgumentException.class, () -> ReportPlan.of("--quick", "--full"));
    }

    /** The truly scalar run is compared at a size the vector run has: no NaN in its table. */
    @Test
    void theTrulyScalarSizeIsOneOfTheSizes() {
        assertEquals(List.of(1024), ReportPlan.of("--sizes=4097,1024").scalarSizes());
        assertEquals(List.of(1024, 4097), ReportPlan.of("--sizes=4097,1024").sizes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportPlan.of("--sizes=1024", "--scalar-sizes=4096"));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReportPlan.of("--optimizers=adamax"));
        assertThrows(IllegalArgumentException.class, () -> ReportPlan.of("--sections=speed"));
    }

    /** Maven's --out and the user's: the command line the report prints names the one used. */
    @Test
    void theCommandNamesEachOptionOnce() {
        String command = ReportPlan.of("--out=results", "--quick --out=target/ci --sizes=1024").command();
        assertEquals(1, command.split("--out=", -1).length - 1, command);
        assertTrue(command.endsWith("--out=target/ci"), command);
        assertTrue(command.startsWith("Report --quick --optimizers=adam,adaml,adal --sizes=1024"), command);
    }

    @Test
    void aQuickRunJudgesNoTarget() {
        List<Summary.Target> targets = List.of(new Summary.Target("adam at 4096", "≥ 2.8 G elem/s", "0.37", false));
        assertTrue(MarkdownReport.targets(targets, true).contains("**no**"));
        String quick = MarkdownReport.targets(targets, false);
        assertTrue(quick.contains("not judged") && !quick.contains("**no**"), quick);
    }

    @Test
    void chartLabelsNameEverySize() {
        assertEquals("1K", ThroughputChart.label(1024));
        assertEquals("4097", ThroughputChart.label(4097));
        assertEquals("64K", ThroughputChart.label(65536));
        assertEquals("16M", ThroughputChart.label(16777216));
    }

    @Test
    void theForksNoiseIsDroppedAndTheRestKept() {
        assertTrue(QuietOutput.isNoise("WARNING: Using incubator modules: jdk.incubator.vector\n"));
        assertTrue(QuietOutput.isNoise("WARNING: A terminally deprecated method in sun.misc.Unsafe has been called"));
        assertTrue(!QuietOutput.isNoise("  StepBenchmark impl=vector,scalar optimizer=adam size=4096\n"));
        assertTrue(!QuietOutput.isNoise("| adam | 4096 | 3.10 |\n"));
    }

    @Test
    void medianOfOddEvenAndEmpty() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }
}
