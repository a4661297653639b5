package io.github.fusedopt.jmh;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Throughput against size, one line per optimizer (vector kernels), with C2's compile of the
 * scalar Adam kernel and the bandwidth ceiling: the in-place bandwidth divided by Adam's 28 bytes
 * per element.
 */
final class ThroughputChart {

    private ThroughputChart() {
    }

    static void write(Summary summary, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(960).height(600)
                .title("Fused optimizer step, one core")
                .xAxisTitle("elements per tensor").yAxisTitle("G elements/s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartTitleVisible(true);
        chart.getStyler().setYAxisMin(0.0);

        List<Integer> sizes = summary.sizes();
        double[] x = sizes.stream().mapToDouble(Integer::doubleValue).toArray();
        for (String optimizer : summary.optimizers()) {
            chart.addSeries(optimizer, x, gigaPerSecond(summary, sizes, optimizer, "vector"));
        }
        if (summary.optimizers().contains("adam")) {
            XYSeries series = chart.addSeries("adam, C2 scalar", x, gigaPerSecond(summary, sizes, "adam", "scalar"));
            series.setLineStyle(SeriesLines.DOT_DOT);
            series.setMarker(SeriesMarkers.NONE);
        }
        double[] ceiling = sizes.stream().mapToDouble(size -> summary.bandwidthBytesPerSecond(size) / 28 / 1e9).toArray();
        XYSeries bandwidth = chart.addSeries("bandwidth ÷ 28 B", x, ceiling);
        bandwidth.setLineStyle(SeriesLines.DASH_DASH);
        bandwidth.setMarker(SeriesMarkers.NONE);

        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.substring(0, file.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double[] gigaPerSecond(Summary summary, List<Integer> sizes, String optimizer, String impl) {
        return sizes.stream().mapToDouble(size -> summary.elementsPerSecond(optimizer, size, impl) / 1e9).toArray();
    }
}
