package io.github.fusedopt.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The study's CSV files and Markdown tables. */
final class StudyTables {

    private StudyTables() {
    }

    /** Iterations at which the curves are sampled: every one up to 100, then about 100 per decade. */
    static List<Integer> sampleIterations(int budget) {
        List<Integer> at = new ArrayList<>();
        for (int t = 0; t <= budget; t = t < 100 ? t + 1 : (int) Math.ceil(t * 1.023)) {
            at.add(t);
        }
        if (at.getLast() != budget) {
            at.add(budget);
        }
        return at;
    }

    static String functionCurvesCsv(List<FunctionRun> runs) {
        StringBuilder out = new StringBuilder("problem,optimizer,learning_rate,iteration,gap\n");
        for (FunctionRun run : runs) {
            for (int t : sampleIterations(run.iterations())) {
                out.append(run.problem()).append(',').append(run.contender().label).append(',')
                        .append(run.learningRate()).append(',').append(t).append(',').append(number(run.gaps()[t]))
                        .append('\n');
            }
        }
        return out.toString();
    }

    static String functionSummaryCsv(List<FunctionRun> runs) {
        StringBuilder out = new StringBuilder(
                "problem,optimizer,learning_rate,minimum,final_objective,best_objective,final_gap,best_gap,"
                        + "iterations_to_1e-6,diverged\n");
        for (FunctionRun run : runs) {
            int reached = run.iterationsTo(FunctionStudy.TARGET);
            out.append(run.problem()).append(',').append(run.contender().label).append(',').append(run.learningRate())
                    .append(',').append(number(run.minimum())).append(',').append(number(run.minimum() + run.finalGap()))
                    .append(',').append(number(run.minimum() + run.bestGap())).append(',')
                    .append(number(run.finalGap())).append(',').append(number(run.bestGap())).append(',')
                    .append(reached < 0 ? "" : reached).append(',').append(run.diverged()).append('\n');
        }
        return out.toString();
    }

    static String mlpCurvesCsv(List<MlpRun> runs) {
        StringBuilder out = new StringBuilder("optimizer,learning_rate,schedule,epoch,train_loss,test_accuracy\n");
        for (MlpRun run : runs) {
            for (int e = 0; e <= run.epochs(); e++) {
                out.append(run.contender().label).append(',').append(run.learningRate()).append(',')
                        .append(run.schedule().name().toLowerCase(Locale.ROOT)).append(',').append(e).append(',')
                        .append(number(run.trainLoss()[e])).append(',').append(number(run.testAccuracy()[e])).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Per problem and optimizer: iterations to a gap of 1e-6 at each learning rate ("–" if not
     * reached), and the final gap at the best of the three.
     */
    static String functionMarkdown(List<FunctionRun> runs) {
        StringBuilder out = new StringBuilder();
        out.append("| problem | optimizer | iterations to 1e-6 at α = 1e-3 / 1e-2 / 1e-1 | final gap at 1e-3 / 1e-2 / 1e-1 | best gap (any α) |\n");
        out.append("|---|---|---|---|---:|\n");
        for (Map.Entry<String, List<FunctionRun>> entry : byProblemAndContender(runs).entrySet()) {
            List<FunctionRun> three = entry.getValue();
            StringBuilder reached = new StringBuilder();
            StringBuilder finals = new StringBuilder();
            double best = Double.NaN;
            for (FunctionRun run : three) {
                int t = run.iterationsTo(FunctionStudy.TARGET);
                reached.append(reached.isEmpty() ? "" : " / ").append(t < 0 ? "–" : String.valueOf(t));
                finals.append(finals.isEmpty() ? "" : " / ").append(run.diverged() ? "diverged" : gap(run.finalGap()));
                if (!Double.isNaN(run.bestGap()) && !(run.bestGap() >= best)) {
                    best = run.bestGap();
                }
            }
            FunctionRun first = three.getFirst();
            out.append("| ").append(first.problem()).append(" | ").append(first.contender().label).append(" | ")
                    .append(reached).append(" | ").append(finals).append(" | ").append(gap(best)).append(" |\n");
        }
        return out.toString();
    }

    /** Per problem, the contender that reached 1e-6 in the fewest iterations at any learning rate. */
    static String winnersMarkdown(List<FunctionRun> runs) {
        Map<String, List<FunctionRun>> byProblem = new LinkedHashMap<>();
        for (FunctionRun run : runs) {
            byProblem.computeIfAbsent(run.problem(), p -> new ArrayList<>()).add(run);
        }
        StringBuilder out = new StringBuilder("| problem |");
        for (Contender c : Contender.values()) {
            out.append(' ').append(c.label).append(" |");
        }
        out.append("\n|---|").append("---:|".repeat(Contender.values().length)).append('\n');
        for (Map.Entry<String, List<FunctionRun>> entry : byProblem.entrySet()) {
            out.append("| ").append(entry.getKey()).append(" |");
            int fastest = Integer.MAX_VALUE;
            int[] best = new int[Contender.values().length];
            for (Contender c : Contender.values()) {
                best[c.ordinal()] = -1;
                for (FunctionRun run : entry.getValue()) {
                    int t = run.contender() == c ? run.iterationsTo(FunctionStudy.TARGET) : -1;
                    if (t >= 0 && (best[c.ordinal()] < 0 || t < best[c.ordinal()])) {
                        best[c.ordinal()] = t;
                    }
                }
                if (best[c.ordinal()] >= 0) {
                    fastest = Math.min(fastest, best[c.ordinal()]);
                }
            }
            for (int t : best) {
                String cell = t < 0 ? "–" : String.valueOf(t);
                out.append(' ').append(t >= 0 && t == fastest ? "**" + cell + "**" : cell).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String mlpMarkdown(List<MlpRun> runs) {
        StringBuilder out = new StringBuilder("| schedule | α | optimizer | final training loss | final test accuracy | best test accuracy |\n");
        out.append("|---|---|---|---:|---:|---:|\n");
        for (MlpRun run : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f | %.1f%% | %.1f%% |%n",
                    run.schedule().name().toLowerCase(Locale.ROOT), run.learningRate(), run.contender().label,
                    run.finalLoss(), 100 * run.finalAccuracy(), 100 * run.bestAccuracy()));
        }
        return out.toString();
    }

    private static Map<String, List<FunctionRun>> byProblemAndContender(List<FunctionRun> runs) {
        // Runs come problem by problem, learning rates in order: groups keep that order.
        Map<String, List<FunctionRun>> groups = new LinkedHashMap<>();
        for (FunctionRun run : runs) {
            groups.computeIfAbsent(run.problem() + "/" + run.contender(), k -> new ArrayList<>()).add(run);
        }
        return groups;
    }

    private static String gap(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1e", value);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6g", value);
    }
}
