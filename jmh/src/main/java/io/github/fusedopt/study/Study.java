package io.github.fusedopt.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The convergence study: every optimizer on the test functions and on a small network, written as
 * CSV, Markdown and PNG charts into one folder.
 *
 * <pre>
 * Study [--out=DIR] [--quick]
 * </pre>
 * {@code --quick} cuts the budgets (100 iterations, 5 epochs) to check the pipeline; its figures
 * mean nothing.
 */
public final class Study {

    static final String QUICK_NOTE = "Quick mode: budgets cut to check that the study runs; these figures are "
            + "not results.";

    private Study() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("results/study");
        boolean quick = false;
        for (String arg : String.join(" ", args).trim().split("\\s+")) {
            if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring("--out=".length()));
            } else if (arg.equals("--quick")) {
                quick = true;
            } else if (!arg.isEmpty()) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: --out=DIR, --quick");
            }
        }
        Files.createDirectories(out);
        long start = System.nanoTime();
        List<FunctionRun> functions = FunctionStudy.run(FunctionStudy.problems(), quick ? 100 : FunctionStudy.BUDGET);
        List<MlpRun> mlp = MlpStudy.run(quick ? 5 : MlpStudy.EPOCHS);

        // A quick run's files say so at their top; CSV readers skip it as a comment ('#').
        String csvNote = quick ? "# " + QUICK_NOTE + "\n" : "";
        Files.writeString(out.resolve("functions.csv"), csvNote + StudyTables.functionSummaryCsv(functions));
        Files.writeString(out.resolve("function-curves.csv"), csvNote + StudyTables.functionCurvesCsv(functions));
        Files.writeString(out.resolve("mlp-curves.csv"), csvNote + StudyTables.mlpCurvesCsv(mlp));
        for (Objective problem : FunctionStudy.problems()) {
            StudyCharts.function(functions, problem.name(), 1e-2, quick, out.resolve(problem.name() + ".png"));
        }
        for (MlpStudy.Schedule schedule : MlpStudy.Schedule.values()) {
            String name = "mlp-" + schedule.name().toLowerCase(Locale.ROOT);
            StudyCharts.mlp(mlp, 1e-2, schedule, false, quick, out.resolve(name + "-loss.png"));
            StudyCharts.mlp(mlp, 1e-2, schedule, true, quick, out.resolve(name + "-accuracy.png"));
        }
        String markdown = "# Convergence study\n\n" + (quick ? "> **" + QUICK_NOTE + "**\n\n" : "")
                + "Settings: every optimizer's defaults except the learning rate α (AdamW keeps λ = 0.01, "
                + "decoupled); AdamL's loss is the objective (the mini-batch loss for the network).\n\n"
                + "## Test functions\n\nFull-gradient iterations from each function's start point, budget "
                + functions.getFirst().iterations() + ". Gap: f(x) − f*.\n\n"
                + "Fewest iterations to a gap of 1e-6 at the best of α = 1e-3, 1e-2, 1e-1 (bold: fastest; – : not reached):\n\n"
                + StudyTables.winnersMarkdown(functions) + "\nEvery run:\n\n" + StudyTables.functionMarkdown(functions)
                + "\n## Two spirals\n\nA 2-" + MlpStudy.HIDDEN + "-" + MlpStudy.HIDDEN + "-1 tanh network, "
                + MlpStudy.TRAIN_POINTS + " training and " + MlpStudy.TEST_POINTS + " held-out points (noise "
                + MlpStudy.NOISE + "), mini-batches of " + MlpStudy.BATCH + ", " + mlp.getFirst().epochs()
                + " epochs, cross-entropy. Schedule `step`: α × 0.1 from half-way, × 0.01 from three quarters.\n\n"
                + StudyTables.mlpMarkdown(mlp)
                + String.format(Locale.ROOT, "%nGenerated in %.0f s.%n", (System.nanoTime() - start) / 1e9);
        Files.writeString(out.resolve("study.md"), markdown);
        System.out.println(markdown);
        System.out.println("Written to " + out.toAbsolutePath());
    }
}
