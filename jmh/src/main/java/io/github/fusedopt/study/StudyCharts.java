package io.github.fusedopt.study;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Line charts of the study's curves, one line per contender. */
final class StudyCharts {

    /** One fixed colour per contender, the same in every chart. */
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xd62728), new Color(0x17becf)};

    /** Gaps below this are drawn at it: a log axis has no zero. */
    private static final double FLOOR = 1e-16;

    private StudyCharts() {
    }

    /** What a quick run's chart titles end with. */
    static final String QUICK = " (quick mode: not a measurement)";

    /** The gap against iterations (both log scale) of every contender at one learning rate. */
    static void function(List<FunctionRun> runs, String problem, double learningRate, boolean quick, Path png)
            throws IOException {
        XYChart chart = chart(problem + ", α = " + learningRate + (quick ? QUICK : ""), "iteration + 1", "f − f*");
        logarithmic(chart, true, true);
        for (FunctionRun run : runs) {
            if (!run.problem().equals(problem) || run.learningRate() != learningRate) {
                continue;
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int t : StudyTables.sampleIterations(run.iterations())) {
                if (!Double.isNaN(run.gaps()[t])) {
                    x.add(t + 1.0);
                    y.add(Math.max(FLOOR, run.gaps()[t]));
                }
            }
            style(chart.addSeries(run.contender().label, x, y), run.contender());
        }
        save(chart, png);
    }

    /** Training loss (log scale) or test accuracy against epochs, one learning rate and schedule. */
    static void mlp(List<MlpRun> runs, double learningRate, MlpStudy.Schedule schedule, boolean accuracy,
                    boolean quick, Path png) throws IOException {
        String title = "two spirals, α = " + learningRate + ", " + (schedule == MlpStudy.Schedule.CONSTANT
                ? "no schedule" : "step decay ×0.1 at 50% and 75%") + (quick ? QUICK : "");
        XYChart chart = chart(title, "epoch", accuracy ? "held-out accuracy" : "training loss");
        logarithmic(chart, false, !accuracy);
        for (MlpRun run : runs) {
            if (run.learningRate() != learningRate || run.schedule() != schedule) {
                continue;
            }
            double[] epochs = new double[run.epochs() + 1];
            for (int e = 0; e <= run.epochs(); e++) {
                epochs[e] = e;
            }
            style(chart.addSeries(run.contender().label, epochs, accuracy ? run.testAccuracy() : run.trainLoss()),
                    run.contender());
        }
        save(chart, png);
    }

    /** Log axes as asked; their ticks are set once the data is in ({@link #tickLogAxes}). */
    private static void logarithmic(XYChart chart, boolean x, boolean y) {
        chart.getStyler().setXAxisLogarithmic(x);
        chart.getStyler().setYAxisLogarithmic(y);
    }

    /**
     * A log axis labels only decades; one that spans less than two decades would get one label or
     * none, so it labels the ticks between decades as well.
     */
    private static void tickLogAxes(XYChart chart) {
        double[] x = range(chart, true);
        double[] y = range(chart, false);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(!(x[1] / x[0] < 100));
        chart.getStyler().setYAxisLogarithmicDecadeOnly(!(y[1] / y[0] < 100));
    }

    /** The smallest positive and the largest value of the chart's x or y data. */
    private static double[] range(XYChart chart, boolean x) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (XYSeries series : chart.getSeriesMap().values()) {
            for (double value : x ? series.getXData() : series.getYData()) {
                if (value > 0 && Double.isFinite(value)) {
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                }
            }
        }
        return new double[] {min, max};
    }

    /** One colour per rule; a bf16-state run is dashed in its float-state sibling's colour. */
    private static void style(XYSeries series, Contender contender) {
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(COLORS[contender.floatSibling().ordinal()]);
        if (contender.floatSibling() != contender) {
            series.setLineStyle(SeriesLines.DASH_DASH);
        }
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return chart;
    }

    private static void save(XYChart chart, Path png) throws IOException {
        tickLogAxes(chart);
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.substring(0, file.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
    }
}
