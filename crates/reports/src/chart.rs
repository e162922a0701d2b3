//! Charts as SVG, drawn on the server so that they show without JavaScript, print, and can go
//! into documents. A chart is for the eye; the exact figures go beside it in a table.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Drawn this wide; the page scales it to the screen.
const WIDTH: u32 = 480;
const ROW_HEIGHT: u32 = 28;
const LEGEND_HEIGHT: u32 = 26;
const AXIS_HEIGHT: u32 = 30;
const LABEL_WIDTH: u32 = 150;
/// Longer labels are cut, with an ellipsis; the table beside the chart has them whole.
const LABEL_CHARS: usize = 20;
/// Sizes below are plotters' points, which it writes as pixels ÷ 1.24.
const FONT: &str = "sans-serif";

/// Colours told apart by readers with any common colour vision (Okabe and Ito's palette).
const PALETTE: [RGBColor; 4] =
    [RGBColor(0x00, 0x72, 0xB2), RGBColor(0xD5, 0x5E, 0x00), RGBColor(0x99, 0x99, 0x99), RGBColor(0xE6, 0x9F, 0x00)];

#[derive(Debug, thiserror::Error)]
#[error("the chart could not be drawn: {0}")]
pub struct ChartError(String);

/// How a row's values share its line: end to end (parts of one whole), or side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Stacked,
    Grouped,
}

/// A horizontal bar chart: one line per row, one colour per series.
pub struct BarChart<'a> {
    /// Read by screen readers; the page shows its own heading.
    pub title: &'a str,
    pub series: &'a [&'a str],
    /// Each row's label and one value per series.
    pub rows: &'a [(String, Vec<f64>)],
    pub layout: Layout,
    /// How the axis writes a value (a count, or rupiah in short).
    pub axis: &'a dyn Fn(f64) -> String,
}

impl BarChart<'_> {
    /// The chart as an `<svg>` element, scalable, with its title for assistive technology.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let rows = u32::try_from(self.rows.len().max(1)).map_err(|_| ChartError("too many rows".into()))?;
        let height = LEGEND_HEIGHT + AXIS_HEIGHT + 8 + rows.saturating_mul(ROW_HEIGHT);
        let mut svg = String::new();
        self.draw(&mut svg, height).map_err(|e| ChartError(e.to_string()))?;
        // Scales with its box instead of keeping its drawn size, and is named as one image.
        let opening = format!(
            "<svg viewBox=\"0 0 {WIDTH} {height}\" preserveAspectRatio=\"xMinYMin meet\" \
             xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\"><title>{}</title>",
            escape(self.title)
        );
        let body_start = svg.find('>').map(|i| i + 1).ok_or_else(|| ChartError("no svg element".into()))?;
        Ok(format!("{opening}{}", &svg[body_start..]))
    }

    fn draw(&self, target: &mut String, height: u32) -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(target, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (legend, plot) = root.split_vertically(LEGEND_HEIGHT);
        let mut x = 4_i32;
        for (index, name) in self.series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            legend.draw(&Rectangle::new([(x, 7), (x + 12, 19)], colour.filled()))?;
            legend.draw(&Text::new(name.to_string(), (x + 17, 7), (FONT, 18).into_font().color(&BLACK)))?;
            x += 30 + 9 * i32::try_from(name.chars().count()).unwrap_or(20);
        }
        let widest = self
            .rows
            .iter()
            .map(|(_, values)| match self.layout {
                Layout::Stacked => values.iter().filter(|v| v.is_finite() && **v > 0.0).sum::<f64>(),
                Layout::Grouped => values.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max),
            })
            .fold(0.0, f64::max);
        let end = if widest > 0.0 { widest * 1.05 } else { 1.0 };
        let labels: Vec<String> = self.rows.iter().map(|(label, _)| shorten(label)).collect();
        // Row i is the band from n - i - 1 to n - i: the axis counts up from the bottom, and
        // rows are read from the top.
        let n = self.rows.len().max(1) as f64;
        let axis = |value: &f64| (self.axis)(*value);
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(16)
            .x_label_area_size(AXIS_HEIGHT)
            .y_label_area_size(LABEL_WIDTH)
            .build_cartesian_2d(0.0..end, 0.0..n)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(4)
            .x_label_formatter(&axis)
            .label_style((FONT, 18).into_font().color(&BLACK))
            .light_line_style(RGBColor(0xE0, 0xE0, 0xE0))
            .draw()?;
        let series = self.series.len().max(1);
        let label_style = (FONT, 18).into_font().color(&BLACK).pos(Pos::new(HPos::Right, VPos::Center));
        for (row, (_, values)) in self.rows.iter().enumerate() {
            let bottom_of_band = n - row as f64 - 1.0;
            let (_, y) = chart.backend_coord(&(0.0, bottom_of_band + 0.5));
            let (x, _) = chart.backend_coord(&(0.0, 0.0));
            let label = labels.get(row).cloned().unwrap_or_default();
            root.draw(&Text::new(label, (x - 6, y), label_style.clone()))?;
            let mut start = 0.0;
            for (index, value) in values.iter().enumerate().take(series) {
                let value = if value.is_finite() && *value > 0.0 { *value } else { 0.0 };
                let colour = PALETTE[index % PALETTE.len()];
                // A row's line is split in `series` bands when grouped; stacked bars share it.
                let (from, to, top, bottom) = match self.layout {
                    Layout::Stacked => (start, start + value, 4, 4),
                    Layout::Grouped => {
                        let band = (ROW_HEIGHT - 6) / u32::try_from(series).unwrap_or(1).max(1);
                        let top = 3 + band * u32::try_from(index).unwrap_or(0);
                        (0.0, value, top, ROW_HEIGHT - 3 - top - band)
                    }
                };
                if to > from {
                    let mut bar = Rectangle::new([(from, bottom_of_band), (to, bottom_of_band + 1.0)], colour.filled());
                    bar.set_margin(top, bottom, 0, 0);
                    chart.draw_series(std::iter::once(bar))?;
                }
                start += value;
            }
        }
        root.present()?;
        Ok(())
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(rows: &[(String, Vec<f64>)], layout: Layout) -> String {
        let axis = |v: f64| format!("{v:.0}");
        BarChart { title: "Usulan <per> kecamatan", series: &["Diterima", "Ditolak"], rows, layout, axis: &axis }
            .to_svg()
            .expect("drawn")
    }

    #[test]
    fn a_chart_is_one_scalable_titled_svg_with_its_labels_as_text() {
        let rows = vec![("Medan Kota".to_string(), vec![12.0, 3.0]), ("Medan Tuntungan".to_string(), vec![0.0, 5.0])];
        let svg = chart(&rows, Layout::Stacked);
        assert!(svg.starts_with("<svg viewBox=\"0 0 480 "), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.contains("<title>Usulan &lt;per&gt; kecamatan</title>"));
        assert!(svg.contains("Medan Tuntungan") && svg.contains("Diterima"));
        assert!(!svg.contains("style="), "a strict content security policy refuses inline styles");
        // The background, the legend's two swatches, two stacked bars in the first row and one
        // in the second (a zero draws nothing).
        assert_eq!(svg.matches("<rect").count(), 1 + 2 + 2 + 1, "{svg}");
    }

    #[test]
    fn long_labels_are_cut_and_empty_or_odd_figures_still_draw() {
        let rows = vec![("Dinas Pekerjaan Umum dan Penataan Ruang Kota".to_string(), vec![f64::NAN, -1.0])];
        let svg = chart(&rows, Layout::Grouped);
        assert!(svg.contains("Dinas Pekerjaan Umu…"));
        assert!(chart(&[], Layout::Grouped).contains("</svg>"));
    }
}
