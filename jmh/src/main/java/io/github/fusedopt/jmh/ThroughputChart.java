package io.github.fusedopt.jmh;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Throughput per size, one line per optimizer (vector kernels), with C2's compile of the scalar
 * Adam kernel and the bandwidth ceiling: the in-place bandwidth divided by Adam's 28 bytes per
 * element. Each measured size is one labelled point on the x axis, evenly spaced.
 */
final class ThroughputChart {

    private ThroughputChart() {
    }

    static void write(Summary summary, Path png) throws IOException {
        String title = "Fused optimizer step, one core" + (summary.suite().measures() ? ""
                : " (quick mode: not a measurement)");
        CategoryChart chart = new CategoryChartBuilder().width(960).height(600).title(title)
                .xAxisTitle("elements per tensor").yAxisTitle("G elements/s").build();
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true);   // every line's point for a size at that size's label
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartTitleVisible(true);
        chart.getStyler().setYAxisMin(0.0);

        List<Integer> sizes = summary.sizes();
        List<String> x = sizes.stream().map(ThroughputChart::label).toList();
        for (String optimizer : summary.optimizers()) {
            chart.addSeries(optimizer, x, gigaPerSecond(summary, sizes, optimizer, "vector"));
        }
        if (summary.optimizers().contains("adam")) {
            CategorySeries series = chart.addSeries("adam, C2 scalar", x, gigaPerSecond(summary, sizes, "adam", "scalar"));
            series.setLineStyle(SeriesLines.DOT_DOT);
            series.setMarker(SeriesMarkers.NONE);
        }
        List<Double> ceiling = sizes.stream().map(size -> orGap(summary.bandwidthBytesPerSecond(size) / 28 / 1e9)).toList();
        CategorySeries bandwidth = chart.addSeries("bandwidth ÷ 28 B", x, ceiling);
        bandwidth.setLineStyle(SeriesLines.DASH_DASH);
        bandwidth.setMarker(SeriesMarkers.NONE);

        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.substring(0, file.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
    }

    /** 1024 → "1K", 4097 → "4097", 16777216 → "16M": exact sizes, short where they are powers of two. */
    static String label(int size) {
        if (size >= 1 << 20 && size % (1 << 20) == 0) {
            return size / (1 << 20) + "M";
        }
        if (size >= 1 << 10 && size % (1 << 10) == 0) {
            return size / (1 << 10) + "K";
        }
        return String.valueOf(size);
    }

    private static List<Double> gigaPerSecond(Summary summary, List<Integer> sizes, String optimizer, String impl) {
        return sizes.stream().map(size -> orGap(summary.elementsPerSecond(optimizer, size, impl) / 1e9)).toList();
    }

    /** A missing run is a gap in its line, not a NaN the chart cannot scale. */
    private static Double orGap(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
