"""Native Excel charts kpicli writes (ranking bars, annual trend lines), with explicit series colours.

A chart series without its own colour takes the theme's accent colour through the chart style. Workbooks saved
by LibreOffice carry no theme part, and the result workbook keeps its input's package, so such series were drawn
without any fill: the ranking charts lost their bars. Every series therefore gets an explicit solidFill srgbClr.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.worksheet import Worksheet

# Office's classic accent colours (those of chart style 2/10 under the default theme), then darker variants.
SERIES_COLOURS = ("4F81BD", "C0504D", "9BBB59", "8064A2", "4BACC6", "F79646",
                  "2C4D75", "772C2A", "5F7530", "4D3B62", "276A7C", "B65708")


def colour_series(chart: BarChart | LineChart) -> None:
    """Give every series of the chart an explicit colour (fill, line and marker), cycling SERIES_COLOURS."""
    for i, series in enumerate(chart.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        props = series.graphicalProperties
        if isinstance(chart, LineChart):
            props.line.solidFill = colour
            props.line.width = 28575  # 2.25 pt in EMU, Excel's default line series width
            marker = series.marker.graphicalProperties
            if marker is None:
                from openpyxl.chart.shapes import GraphicalProperties

                marker = series.marker.graphicalProperties = GraphicalProperties()
            marker.solidFill = colour
            marker.line.solidFill = colour
        else:
            props.solidFill = colour
            props.line.solidFill = colour


def ranking_chart(ws: Worksheet, *, label: str, top: int, count: int, name_col: int = 2,
                  value_col: int = 3) -> BarChart:
    """Horizontal bars of the `count` assessed units' scores (column C, names in column B unless told, header row
    `top`), rank 1 on top, each bar labelled with its score."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = f"{label}得分"
    chart.y_axis.title = "得分"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 on top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    data = Reference(ws, min_col=value_col, min_row=top, max_row=top + count)
    cats = Reference(ws, min_col=name_col, min_row=top + 1, max_row=top + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showSerName = chart.dataLabels.showCatName = chart.dataLabels.showLegendKey = False
    chart.y_axis.number_format = "0"
    chart.dataLabels.numFmt = "0.00"
    chart.height = max(6.0, 0.8 * count + 3)
    chart.width = 16
    colour_series(chart)
    return chart
