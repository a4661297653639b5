package io.github.fusedopt.study;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyTablesTest {

    private static FunctionRun run(Contender contender, double learningRate, double... gaps) {
        return new FunctionRun("p", 0.5, contender, learningRate, gaps);
    }

    @Test
    void aRunKnowsItsFinalBestAndFirstIterationUnderTheTarget() {
        FunctionRun run = run(Contender.ADAM, 1e-2, 1, 1e-3, 1e-7, 1e-9, 1e-8);
        assertEquals(4, run.iterations());
        assertEquals(1e-8, run.finalGap());
        assertEquals(1e-9, run.bestGap());
        assertEquals(2, run.iterationsTo(1e-6));
        assertEquals(-1, run.iterationsTo(1e-10));
        assertFalse(run.diverged());
        FunctionRun diverged = run(Contender.ADAL, 1e-1, 1, 2, Double.NaN);
        assertTrue(diverged.diverged());
        assertEquals(1, diverged.bestGap());
    }

    @Test
    void winnersTakeTheBestLearningRateAndBoldTheFastest() {
        List<FunctionRun> runs = List.of(run(Contender.ADAM, 1e-3, 1, 1e-7), run(Contender.ADAM, 1e-2, 1, 1, 1e-7),
                run(Contender.ADAML, 1e-3, 1, 1, 1, 1e-7), run(Contender.ADAML, 1e-2, 1, 1));
        String table = StudyTables.winnersMarkdown(runs);
        assertTrue(table.contains("| p | **1** | – | – | – | 3 | – |"), table);
    }

    @Test
    void theSummaryCsvGivesObjectivesAndGaps() {
        String csv = StudyTables.functionSummaryCsv(List.of(run(Contender.ADAM, 1e-2, 1, 1e-7, 1e-3)));
        assertTrue(csv.contains("p,Adam,0.01,0.500000,0.501000,0.500000,0.00100000,1.00000e-07,1,false"), csv);
    }

    @Test
    void curvesAreSampledDenselyEarlyAndEndAtTheBudget() {
        List<Integer> at = StudyTables.sampleIterations(10_000);
        assertEquals(0, at.getFirst());
        assertEquals(10_000, at.getLast());
        assertTrue(at.containsAll(List.of(1, 2, 50, 100)));
        assertTrue(at.size() < 500, "about 100 points per decade: " + at.size());
        for (int i = 1; i < at.size(); i++) {
            assertTrue(at.get(i) > at.get(i - 1));
        }
    }

    @Test
    void theScheduleDecaysAtHalfAndThreeQuarters() {
        assertEquals(1, MlpStudy.Schedule.STEP.factor(99, 200));
        assertEquals(0.1, MlpStudy.Schedule.STEP.factor(100, 200));
        assertEquals(0.01, MlpStudy.Schedule.STEP.factor(150, 200));
        assertEquals(1, MlpStudy.Schedule.CONSTANT.factor(199, 200));
    }
}
