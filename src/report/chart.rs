//! Grouped bar charts with interval error bars, as SVG and PNG (plotters).
//!
//! Text is drawn with a font that covers Hangul, read at run time from
//! `RSBENCH_FONT` or the Debian package fonts-nanum (NanumGothic), which
//! scripts/setup.sh installs. The chart's data is kept apart from its pixels
//! (`ChartData`, written as JSON) so tests can pin it down.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::ImageEncoder;
use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::Serialize;

use super::ReportError;
use crate::eval::{Comparison, Metric, SummaryRow};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSeries {
    pub name: String,
    /// Percent, one per category; `None` where undefined.
    pub values: Vec<Option<f64>>,
    pub lo: Vec<Option<f64>>,
    pub hi: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartData {
    pub title: String,
    pub y_label: String,
    pub categories: Vec<String>,
    pub series: Vec<ChartSeries>,
}

fn pct(v: Option<f64>) -> Option<f64> {
    v.map(|x| (1000.0 * x).round() / 10.0)
}

/// A run's pairwise accuracy per type, clean against adversarial.
pub fn run_chart(title: &str, rows: &[SummaryRow]) -> ChartData {
    let mut categories: Vec<String> = Vec::new();
    for r in rows {
        if !categories.contains(&r.case_type) {
            categories.push(r.case_type.clone());
        }
    }
    let mut series = Vec::new();
    for split in ["clean", "adversarial"] {
        let pick = |t: &str| {
            rows.iter()
                .find(|r| r.split == split && r.case_type == t)
                .map(|r| r.get(Metric::PairAcc))
        };
        if !rows.iter().any(|r| r.split == split) {
            continue;
        }
        series.push(ChartSeries {
            name: split.to_owned(),
            values: categories.iter().map(|t| pct(pick(t).and_then(|e| e.value))).collect(),
            lo: categories.iter().map(|t| pct(pick(t).and_then(|e| e.lo))).collect(),
            hi: categories.iter().map(|t| pct(pick(t).and_then(|e| e.hi))).collect(),
        });
    }
    ChartData {
        title: format!("{title} — 유형별 pairwise accuracy (clean vs adversarial)"),
        y_label: "pairwise accuracy (%)".into(),
        categories,
        series,
    }
}

/// One chart per split of a comparison: each run's metric per type.
pub fn compare_charts(cmp: &Comparison) -> Vec<(String, ChartData)> {
    let mut splits: Vec<&str> = Vec::new();
    for r in &cmp.rows {
        if !splits.contains(&r.split.as_str()) {
            splits.push(&r.split);
        }
    }
    splits
        .into_iter()
        .map(|split| {
            let rows: Vec<_> = cmp.rows.iter().filter(|r| r.split == split).collect();
            let mut categories: Vec<String> = Vec::new();
            let mut runs: Vec<String> = Vec::new();
            for r in &rows {
                if !categories.contains(&r.case_type) {
                    categories.push(r.case_type.clone());
                }
                if !runs.contains(&r.run) {
                    runs.push(r.run.clone());
                }
            }
            let metric = rows.first().map(|r| r.metric).unwrap_or(Metric::PairAcc);
            let series = runs
                .iter()
                .map(|run| {
                    let pick = |t: &str| {
                        rows.iter()
                            .find(|r| &r.run == run && r.case_type == t)
                            .map(|r| r.estimate)
                    };
                    ChartSeries {
                        name: run.clone(),
                        values: categories.iter().map(|t| pct(pick(t).and_then(|e| e.value))).collect(),
                        lo: categories.iter().map(|t| pct(pick(t).and_then(|e| e.lo))).collect(),
                        hi: categories.iter().map(|t| pct(pick(t).and_then(|e| e.hi))).collect(),
                    }
                })
                .collect();
            let data = ChartData {
                title: format!("{split}: {} by type (유형별 비교)", metric.label()),
                y_label: format!("{} (%)", metric.label()),
                categories,
                series,
            };
            (split.to_owned(), data)
        })
        .collect()
}

const FONT_CANDIDATES: [&str; 3] = [
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];

/// Registers a Hangul-capable font as plotters' "sans-serif" (once).
fn ensure_font() -> Result<(), String> {
    static FONT: OnceLock<Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut candidates: Vec<PathBuf> = std::env::var_os("RSBENCH_FONT").map(PathBuf::from).into_iter().collect();
        candidates.extend(FONT_CANDIDATES.iter().map(PathBuf::from));
        let path = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
            "no font with Hangul found: install the Debian package fonts-nanum (scripts/setup.sh does) or set RSBENCH_FONT to a TTF"
                .to_owned()
        })?;
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // plotters keeps fonts for the life of the process.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .map_err(|_| format!("{}: not a usable TrueType font", path.display()))
    })
    .clone()
}

const COLORS: [RGBColor; 6] = [
    RGBColor(0x4c, 0x72, 0xb0),
    RGBColor(0xdd, 0x84, 0x52),
    RGBColor(0x55, 0xa8, 0x68),
    RGBColor(0xc4, 0x4e, 0x52),
    RGBColor(0x81, 0x72, 0xb3),
    RGBColor(0x93, 0x78, 0x60),
];

const SIZE: (u32, u32) = (1200, 640);

/// Why a chart was not written: only a missing font is a reason to go on
/// without it (the tables are the run's content; the chart is a view of them).
#[derive(Debug)]
pub enum ChartError {
    NoFont(String),
    Failed(ReportError),
}

/// Writes `data` as an SVG and a PNG, both drawn in memory first so that a
/// failed write is an I/O error naming the file.
pub fn draw(data: &ChartData, svg: &Path, png: &Path) -> Result<(), ChartError> {
    ensure_font().map_err(ChartError::NoFont)?;
    let drawing = |path: &Path| {
        let path = path.to_path_buf();
        move |message: String| {
            ChartError::Failed(ReportError::Table {
                path,
                message: format!("chart not drawn: {message}"),
            })
        }
    };
    let mut svg_text = String::new();
    draw_on(SVGBackend::with_string(&mut svg_text, SIZE).into_drawing_area(), data).map_err(drawing(svg))?;
    let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    draw_on(BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area(), data).map_err(drawing(png))?;
    let mut png_bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png_bytes)
        .write_image(&pixels, SIZE.0, SIZE.1, image::ColorType::Rgb8)
        .map_err(|e| drawing(png)(e.to_string()))?;
    for (path, bytes) in [(svg, svg_text.as_bytes()), (png, png_bytes.as_slice())] {
        std::fs::write(path, bytes).map_err(|e| ChartError::Failed(super::io(path)(e)))?;
    }
    Ok(())
}

fn draw_on<DB: DrawingBackend>(root: DrawingArea<DB, plotters::coord::Shift>, data: &ChartData) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let n = data.categories.len().max(1);
    let groups = data.series.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(&data.title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..100f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(0)
        .y_desc(data.y_label.as_str())
        .label_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    let width = 0.8 / groups as f64;
    for (s, series) in data.series.iter().enumerate() {
        let color = COLORS[s % COLORS.len()];
        let x0 = |i: usize| i as f64 - 0.4 + s as f64 * width;
        chart
            .draw_series(series.values.iter().enumerate().filter_map(|(i, v)| {
                v.map(|v| Rectangle::new([(x0(i) + 0.01, 0.0), (x0(i) + width - 0.01, v)], color.filled()))
            }))
            .map_err(err)?
            .label(series.name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
        // Interval: a vertical line with caps.
        for (i, (lo, hi)) in series.lo.iter().zip(&series.hi).enumerate() {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                let mid = x0(i) + width / 2.0;
                let cap = width / 4.0;
                for points in [
                    vec![(mid, *lo), (mid, *hi)],
                    vec![(mid - cap, *lo), (mid + cap, *lo)],
                    vec![(mid - cap, *hi), (mid + cap, *hi)],
                ] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(points, BLACK.stroke_width(1))))
                        .map_err(err)?;
                }
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    // Category names under the axis, split at '_' so long type names fit.
    for (i, name) in data.categories.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, 0.0));
        for (line, part) in name.split('_').enumerate() {
            let style = TextStyle::from(("sans-serif", 15).into_font()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            ));
            root.draw(&Text::new(part.to_owned(), (px, py + 8 + 17 * line as i32), style))
                .map_err(err)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}
