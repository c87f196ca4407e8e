//! Charts drawn as images, SVG and PNG, with plotters: light background and large type for a
//! projector, Okabe–Ito colours, long labels wrapped. The window's presentation mode shows these
//! same images, so a slide looks as the room saw it.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::{ExportError, write_file};
use crate::analysis::charts::{
    Bars, Chart, ChartBody, Diverging, Grouped, Heatmap, SENTIMENT_COLOURS, Side, Stacked,
    StackedRow,
};
use crate::codebook::PALETTE;
use crate::counts::as_f64;

/// The width every chart is laid out at, in points; SVG keeps it, PNG doubles it.
pub const CHART_WIDTH: f64 = 1000.0;
/// How many pixels a point is in a saved PNG: 2000 px wide, sharp on a slide.
pub const PNG_SCALE: f64 = 2.0;

const FONT: &str = "sans-serif";
const TITLE_SIZE: f64 = 26.0;
const LABEL_SIZE: f64 = 18.0;
const SMALL_SIZE: f64 = 15.0;
const MARGIN: f64 = 28.0;
const INK: RGBColor = RGBColor(30, 30, 30);
const MUTED: RGBColor = RGBColor(95, 95, 95);
const GRID: RGBColor = RGBColor(215, 215, 215);
/// Grey for answers kept apart from a scale ("don't know").
const APART: RGBColor = RGBColor(200, 200, 200);
/// Text sizes are measured with the bundled font; a viewer's sans-serif may run wider.
const WIDTH_SLACK: f64 = 1.12;

/// Registers the bundled font with plotters once, so that text is measured and drawn without
/// depending on the fonts a machine has.
fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // The bundled font is a valid TrueType font; should it fail, text is left out.
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

/// The chart as an SVG document, [`CHART_WIDTH`] wide.
pub fn chart_svg(chart: &Chart) -> Result<String, ExportError> {
    register_font();
    let height = layout_height(chart);
    let mut svg = String::new();
    {
        let area =
            SVGBackend::with_string(&mut svg, (px(CHART_WIDTH), px(height))).into_drawing_area();
        draw_chart(chart, &area, 1.0).map_err(drawing_failed)?;
        area.present().map_err(drawing_failed)?;
    }
    Ok(svg)
}

/// The chart's pixels as RGB, `width` pixels wide, with its height.
pub fn chart_pixels(chart: &Chart, width: u32) -> Result<(u32, u32, Vec<u8>), ExportError> {
    register_font();
    let scale = f64::from(width.max(200)) / CHART_WIDTH;
    let (width, height) = (px(CHART_WIDTH * scale), px(layout_height(chart) * scale));
    let mut pixels = vec![255_u8; width as usize * height as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw_chart(chart, &area, scale).map_err(drawing_failed)?;
        area.present().map_err(drawing_failed)?;
    }
    Ok((width, height, pixels))
}

/// The chart as a PNG file's bytes, [`CHART_WIDTH`] × [`PNG_SCALE`] pixels wide.
pub fn chart_png(chart: &Chart) -> Result<Vec<u8>, ExportError> {
    let (width, height, pixels) = chart_pixels(chart, px(CHART_WIDTH * PNG_SCALE))?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(drawing_failed)?;
    writer.write_image_data(&pixels).map_err(drawing_failed)?;
    writer.finish().map_err(drawing_failed)?;
    Ok(bytes)
}

/// Writes each chart as `KEY.png` and `KEY.svg` in `directory` (made if missing), each file
/// atomically; returns the files written.
pub fn write_chart_images(directory: &Path, charts: &[Chart]) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(directory).map_err(|source| ExportError::File {
        path: directory.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for chart in charts {
        let png = directory.join(format!("{}.png", chart.key));
        write_file(&png, &chart_png(chart)?)?;
        written.push(png);
        let svg = directory.join(format!("{}.svg", chart.key));
        write_file(&svg, chart_svg(chart)?.as_bytes())?;
        written.push(svg);
    }
    Ok(written)
}

fn drawing_failed(error: impl ToString) -> ExportError {
    ExportError::Chart(error.to_string())
}

/// Whole pixels from a length in pixels (never negative, at least 1).
fn px(length: f64) -> u32 {
    // Lengths here are small positive numbers; rounding is what is wanted.
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let pixels = length.round().max(1.0) as u32;
    pixels
}

fn coordinate(value: f64) -> i32 {
    #[expect(clippy::cast_possible_truncation)]
    let rounded = value.round() as i32;
    rounded
}

/// The width of `text` at `size` points, in points.
fn text_width(text: &str, size: f64) -> f64 {
    let font = (FONT, size).into_font();
    font.box_size(text)
        .map_or(as_f64(text.chars().count()) * size * 0.55, |(width, _)| {
            f64::from(width)
        })
        * WIDTH_SLACK
}

/// `text` in lines no wider than `width` at `size`, at most `max_lines` (the last shortened with
/// "…" when the text runs on).
fn wrap(text: &str, size: f64, width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, size) <= width {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    for line in &mut lines {
        while text_width(line, size) > width && line.chars().count() > 2 {
            line.pop();
            line.pop();
            line.push('…');
        }
    }
    lines
}

/// Draws in points onto an area in pixels; without an area it only measures, so that the height
/// of a chart is worked out by the same code that draws it.
struct Canvas<'a, DB: DrawingBackend> {
    area: Option<&'a DrawingArea<DB, Shift>>,
    scale: f64,
    /// Where each row of the chart's body lies, top and bottom, in points.
    rows: std::cell::RefCell<Vec<(f64, f64)>>,
}

type Drawn = Result<(), String>;

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    fn new(area: Option<&'a DrawingArea<DB, Shift>>, scale: f64) -> Self {
        Canvas {
            area,
            scale,
            rows: std::cell::RefCell::default(),
        }
    }

    /// Notes that the next row of the body lies from `top` to `bottom`.
    fn row(&self, top: f64, bottom: f64) {
        self.rows.borrow_mut().push((top, bottom));
    }

    fn point(&self, x: f64, y: f64) -> (i32, i32) {
        (coordinate(x * self.scale), coordinate(y * self.scale))
    }

    fn rect(&self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), colour: RGBColor) -> Drawn {
        let Some(area) = self.area else {
            return Ok(());
        };
        area.draw(&Rectangle::new(
            [self.point(x0, y0), self.point(x1, y1)],
            colour.filled(),
        ))
        .map_err(|error| error.to_string())
    }

    fn line(&self, from: (f64, f64), to: (f64, f64), colour: RGBColor, width: f64) -> Drawn {
        let Some(area) = self.area else {
            return Ok(());
        };
        area.draw(&PathElement::new(
            vec![self.point(from.0, from.1), self.point(to.0, to.1)],
            colour.stroke_width(px(width * self.scale)),
        ))
        .map_err(|error| error.to_string())
    }

    fn text(&self, text: &str, at: (f64, f64), size: f64, colour: RGBColor, anchor: Pos) -> Drawn {
        let Some(area) = self.area else {
            return Ok(());
        };
        let style = (FONT, size * self.scale)
            .into_font()
            .color(&colour)
            .pos(anchor);
        area.draw(&Text::new(text.to_owned(), self.point(at.0, at.1), style))
            .map_err(|error| error.to_string())
    }

    /// Lines of text from `top`, each `size` × 1.25 apart; returns the height used.
    fn lines(
        &self,
        lines: &[String],
        x: f64,
        top: f64,
        size: f64,
        colour: RGBColor,
        h: HPos,
    ) -> Result<f64, String> {
        let step = size * 1.25;
        for (index, line) in lines.iter().enumerate() {
            let y = top + step * (as_f64(index) + 0.5);
            self.text(line, (x, y), size, colour, Pos::new(h, VPos::Center))?;
        }
        Ok(step * as_f64(lines.len()))
    }
}

/// The chart's height over its width, as drawn at any size.
pub fn chart_aspect(chart: &Chart) -> f64 {
    layout_height(chart) / CHART_WIDTH
}

/// The chart's height in points at [`CHART_WIDTH`].
fn layout_height(chart: &Chart) -> f64 {
    let canvas: Canvas<SVGBackend> = Canvas::new(None, 1.0);
    draw_on(chart, &canvas).unwrap_or(600.0)
}

/// Where each row of the chart's body (bar, group of bars, question, theme) lies, as the top
/// and bottom over the chart's height, in the body's order: what a click on the picture means.
pub fn chart_rows(chart: &Chart) -> Vec<(f64, f64)> {
    let canvas: Canvas<SVGBackend> = Canvas::new(None, 1.0);
    let height = draw_on(chart, &canvas).unwrap_or(600.0);
    canvas
        .rows
        .into_inner()
        .into_iter()
        .map(|(top, bottom)| (top / height, bottom / height))
        .collect()
}

fn draw_chart<DB: DrawingBackend>(
    chart: &Chart,
    area: &DrawingArea<DB, Shift>,
    scale: f64,
) -> Result<f64, String> {
    area.fill(&WHITE).map_err(|error| error.to_string())?;
    draw_on(chart, &Canvas::new(Some(area), scale))
}

/// Draws the title and body; returns the height used.
fn draw_on<DB: DrawingBackend>(chart: &Chart, canvas: &Canvas<DB>) -> Result<f64, String> {
    let title = wrap(&chart.title, TITLE_SIZE, CHART_WIDTH - 2.0 * MARGIN, 3);
    let mut y = MARGIN;
    y += canvas.lines(&title, MARGIN, y, TITLE_SIZE, INK, HPos::Left)?;
    y += 14.0;
    y = match &chart.body {
        ChartBody::Bars(bars) => draw_bars(canvas, bars, y)?,
        ChartBody::Timeline(bars) => draw_timeline(canvas, bars, y)?,
        ChartBody::Grouped(grouped) => draw_grouped(canvas, grouped, y)?,
        ChartBody::Diverging(diverging) => draw_diverging(canvas, diverging, y)?,
        ChartBody::Stacked(stacked) => draw_stacked(canvas, stacked, y)?,
        ChartBody::Heatmap(heatmap) => draw_heatmap(canvas, heatmap, y)?,
    };
    Ok(y + MARGIN)
}

fn rgb([red, green, blue]: [u8; 3]) -> RGBColor {
    RGBColor(red, green, blue)
}

/// Black or white, whichever reads better on `background`.
fn ink_on(background: RGBColor) -> RGBColor {
    let RGBColor(red, green, blue) = background;
    if crate::codebook::dark_text_on([red, green, blue]) {
        INK
    } else {
        WHITE
    }
}

/// A round number just above `max`, and the step between gridlines to it.
fn nice_axis(max: f64) -> (f64, f64) {
    let max = max.max(1.0);
    let rough = max / 5.0;
    let magnitude = 10_f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

/// A gridline's number, without its sign (the diverging axis counts both ways from the
/// centre), whole numbers with thousands separated.
fn tick_label(tick: f64) -> String {
    let size = tick.abs();
    if size.fract() == 0.0 && size < 1e15 {
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = size as usize;
        crate::wording::grouped(whole)
    } else {
        size.to_string()
    }
}

/// Where the labels of a row chart end and its bars begin.
const LABEL_COLUMN: f64 = 330.0;
/// Room kept right of the longest bar for its value label.
const VALUE_ROOM: f64 = 110.0;

/// The left label of a row, wrapped to two lines; returns the lines.
fn row_label(text: &str, size: f64) -> Vec<String> {
    wrap(text, size, LABEL_COLUMN - MARGIN - 12.0, 2)
}

/// Each row's label lines and height (at least `least`, else the label's with `padding`), worked
/// out before drawing so that gridlines can go behind the bars.
fn row_layout<'a>(
    labels: impl Iterator<Item = &'a str>,
    least: f64,
    padding: f64,
) -> Vec<(Vec<String>, f64)> {
    labels
        .map(|label| {
            let lines = row_label(label, LABEL_SIZE);
            let height = (as_f64(lines.len()) * LABEL_SIZE * 1.25 + padding).max(least);
            (lines, height)
        })
        .collect()
}

/// Draws a row's label lines right-aligned before the bars, centred in the row.
fn draw_row_label<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    lines: &[String],
    top: f64,
    height: f64,
) -> Drawn {
    let label_height = as_f64(lines.len()) * LABEL_SIZE * 1.25;
    canvas.lines(
        lines,
        LABEL_COLUMN - 12.0,
        top + (height - label_height) / 2.0,
        LABEL_SIZE,
        INK,
        HPos::Right,
    )?;
    Ok(())
}

/// The gridlines and numbers of a horizontal axis from `from` at `left` to `to` at `right`,
/// behind `top..bottom`, and its name under them; returns the height used below `bottom`.
fn horizontal_axis<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    name: &str,
    (left, right): (f64, f64),
    (top, bottom): (f64, f64),
    (from, to, step): (f64, f64, f64),
    suffix: &str,
) -> Result<f64, String> {
    let span = right - left;
    let mut tick = from;
    while tick <= to + step * 0.01 {
        let x = left + span * (tick - from) / (to - from);
        canvas.line((x, top), (x, bottom), GRID, 1.0)?;
        canvas.text(
            &format!("{}{suffix}", tick_label(tick)),
            (x, bottom + 6.0),
            SMALL_SIZE,
            MUTED,
            Pos::new(HPos::Center, VPos::Top),
        )?;
        tick += step;
    }
    canvas.text(
        name,
        ((left + right) / 2.0, bottom + 30.0),
        SMALL_SIZE,
        MUTED,
        Pos::new(HPos::Center, VPos::Top),
    )?;
    Ok(56.0)
}

fn draw_bars<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    bars: &Bars,
    top: f64,
) -> Result<f64, String> {
    let (left, right) = (LABEL_COLUMN, CHART_WIDTH - MARGIN - VALUE_ROOM);
    let percent = bars.axis.starts_with('%');
    let largest = bars.bars.iter().map(|bar| bar.value).fold(0.0, f64::max);
    let (max, step) = if percent {
        nice_axis(largest.min(100.0))
    } else {
        nice_axis(largest)
    };
    let rows = row_layout(bars.bars.iter().map(|bar| bar.label.as_str()), 46.0, 10.0);
    let bottom = top + rows.iter().map(|(_, height)| height).sum::<f64>();
    let suffix = if percent { "%" } else { "" };
    let below = horizontal_axis(
        canvas,
        &bars.axis,
        (left, right),
        (top, bottom),
        (0.0, max, step),
        suffix,
    )?;
    let mut y = top;
    for (bar, (label, height)) in bars.bars.iter().zip(&rows) {
        canvas.row(y, y + height);
        draw_row_label(canvas, label, y, *height)?;
        let end = left + (right - left) * (bar.value / max).clamp(0.0, 1.0);
        canvas.rect(
            (left, y + 8.0),
            (end.max(left + 1.0), y + height - 8.0),
            rgb(PALETTE[0]),
        )?;
        canvas.text(
            &bar.value_label,
            (end + 8.0, y + height / 2.0),
            LABEL_SIZE,
            INK,
            Pos::new(HPos::Left, VPos::Center),
        )?;
        y += height;
    }
    canvas.line((left, top), (left, bottom), INK, 1.5)?;
    Ok(bottom + below)
}

fn draw_timeline<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    bars: &Bars,
    top: f64,
) -> Result<f64, String> {
    let (left, right) = (MARGIN + 60.0, CHART_WIDTH - MARGIN);
    canvas.text(
        &bars.axis,
        (MARGIN, top),
        SMALL_SIZE,
        MUTED,
        Pos::new(HPos::Left, VPos::Top),
    )?;
    let height = 420.0;
    let bottom = top + 36.0 + height;
    let largest = bars.bars.iter().map(|bar| bar.value).fold(0.0, f64::max);
    let (max, step) = nice_axis(largest);
    let mut tick = 0.0;
    while tick <= max + step * 0.01 {
        let y = bottom - height * tick / max;
        canvas.line((left, y), (right, y), GRID, 1.0)?;
        canvas.text(
            &tick_label(tick),
            (left - 8.0, y),
            SMALL_SIZE,
            MUTED,
            Pos::new(HPos::Right, VPos::Center),
        )?;
        tick += step;
    }
    let slot = (right - left) / as_f64(bars.bars.len().max(1));
    // Dates every so often, so that they never overlap.
    let every = (70.0 / slot).ceil().max(1.0);
    for (index, bar) in bars.bars.iter().enumerate() {
        let x = left + slot * as_f64(index);
        let y = bottom - height * (bar.value / max).clamp(0.0, 1.0);
        canvas.rect(
            (x + slot * 0.12, y),
            (x + slot * 0.88, bottom),
            rgb(PALETTE[0]),
        )?;
        if (as_f64(index) % every) == 0.0 {
            canvas.text(
                &bar.label,
                (x + slot / 2.0, bottom + 6.0),
                SMALL_SIZE,
                MUTED,
                Pos::new(HPos::Center, VPos::Top),
            )?;
        }
    }
    canvas.line((left, bottom), (right, bottom), INK, 1.5)?;
    Ok(bottom + 34.0)
}

/// A legend of coloured squares, wrapped across the width; returns the height used.
fn legend<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    entries: &[(String, RGBColor)],
    top: f64,
) -> Result<f64, String> {
    let (mut x, mut y) = (MARGIN, top);
    let line = LABEL_SIZE * 1.6;
    for (name, colour) in entries {
        let width = 26.0 + text_width(name, LABEL_SIZE) + 24.0;
        if x + width > CHART_WIDTH - MARGIN && x > MARGIN {
            x = MARGIN;
            y += line;
        }
        canvas.rect((x, y + 4.0), (x + 18.0, y + 22.0), *colour)?;
        canvas.text(
            name,
            (x + 26.0, y + 13.0),
            LABEL_SIZE,
            INK,
            Pos::new(HPos::Left, VPos::Center),
        )?;
        x += width;
    }
    Ok(y + line - top + 8.0)
}

/// Gives each name the next colour of `palette` (round again after the last) and draws them as
/// a legend; returns the colours and the legend's height.
fn coloured_legend<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    names: impl Iterator<Item = String>,
    palette: &[[u8; 3]],
    top: f64,
) -> Result<(Vec<RGBColor>, f64), String> {
    let entries: Vec<(String, RGBColor)> = names
        .zip(palette.iter().cycle())
        .map(|(name, colour)| (name, rgb(*colour)))
        .collect();
    let height = legend(canvas, &entries, top)?;
    Ok((
        entries.into_iter().map(|(_, colour)| colour).collect(),
        height,
    ))
}

fn draw_grouped<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    grouped: &Grouped,
    top: f64,
) -> Result<f64, String> {
    let names = grouped.series.iter().map(|series| {
        if series.small {
            format!("{} (small group)", series.name)
        } else {
            series.name.clone()
        }
    });
    let (colours, height) = coloured_legend(canvas, names, &PALETTE, top)?;
    let mut y = top + height;
    let (left, right) = (LABEL_COLUMN, CHART_WIDTH - MARGIN - 70.0);
    let largest = grouped
        .series
        .iter()
        .flat_map(|series| series.values.iter().copied())
        .fold(0.0, f64::max);
    let (max, step) = nice_axis(largest.min(100.0));
    let bar = 20.0;
    let least = bar * as_f64(grouped.series.len()) + 18.0;
    let rows = row_layout(grouped.categories.iter().map(String::as_str), least, 10.0);
    let chart_top = y;
    let bottom = chart_top + rows.iter().map(|(_, height)| height).sum::<f64>();
    let below = horizontal_axis(
        canvas,
        &grouped.axis,
        (left, right),
        (chart_top, bottom),
        (0.0, max, step),
        "%",
    )?;
    for (category, (label, height)) in rows.iter().enumerate() {
        canvas.row(y, y + height);
        draw_row_label(canvas, label, y, *height)?;
        let bars_top = y + (height - bar * as_f64(grouped.series.len())) / 2.0;
        for (index, (series, colour)) in grouped.series.iter().zip(&colours).enumerate() {
            let value = series.values.get(category).copied().unwrap_or_default();
            let bar_top = bars_top + bar * as_f64(index);
            let end = left + (right - left) * (value / max).clamp(0.0, 1.0);
            canvas.rect(
                (left, bar_top + 1.0),
                (end.max(left + 1.0), bar_top + bar - 1.0),
                *colour,
            )?;
            canvas.text(
                &format!("{value:.0}%"),
                (end + 6.0, bar_top + bar / 2.0),
                SMALL_SIZE,
                INK,
                Pos::new(HPos::Left, VPos::Center),
            )?;
        }
        y += height;
    }
    canvas.line((left, chart_top), (left, bottom), INK, 1.5)?;
    Ok(bottom + below)
}

/// The colour of each level of a diverging scale: vermillion and orange for disagreement, grey
/// in the middle, sky blue and blue for agreement, light grey apart.
fn level_colours(diverging: &Diverging) -> Vec<RGBColor> {
    let negative: Vec<usize> = positions(diverging, Side::Negative);
    let positive: Vec<usize> = positions(diverging, Side::Positive);
    diverging
        .levels
        .iter()
        .enumerate()
        .map(|(index, level)| match level.side {
            Side::Negative if negative.first() == Some(&index) && negative.len() > 1 => {
                rgb(PALETTE[5])
            }
            Side::Negative => rgb(PALETTE[1]),
            Side::Neutral => RGBColor(170, 170, 170),
            Side::Positive if positive.last() == Some(&index) && positive.len() > 1 => {
                rgb(PALETTE[0])
            }
            Side::Positive => rgb(PALETTE[4]),
            Side::Apart => APART,
        })
        .collect()
}

fn positions(diverging: &Diverging, side: Side) -> Vec<usize> {
    diverging
        .levels
        .iter()
        .enumerate()
        .filter(|(_, level)| level.side == side)
        .map(|(index, _)| index)
        .collect()
}

fn draw_diverging<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    diverging: &Diverging,
    top: f64,
) -> Result<f64, String> {
    let colours = level_colours(diverging);
    let apart_names: Vec<&str> = diverging
        .levels
        .iter()
        .filter(|level| level.side == Side::Apart)
        .map(|level| level.name.as_str())
        .collect();
    // The answers apart share one bar, so they share one legend entry.
    let mut entries: Vec<(String, RGBColor)> = diverging
        .levels
        .iter()
        .zip(&colours)
        .filter(|(level, _)| level.side != Side::Apart)
        .map(|(level, colour)| (level.name.clone(), *colour))
        .collect();
    if !apart_names.is_empty() {
        entries.push((format!("{} (apart)", apart_names.join(" or ")), APART));
    }
    let y = top + legend(canvas, &entries, top)?;
    let has_apart = !apart_names.is_empty();
    let apart_width = if has_apart { 120.0 } else { 0.0 };
    let (left, right) = (LABEL_COLUMN, CHART_WIDTH - MARGIN - apart_width - 10.0);
    let share = |row: &StackedRow, wanted: Side| -> f64 {
        row.percents
            .iter()
            .zip(&diverging.levels)
            .filter(|(_, level)| level.side == wanted)
            .map(|(percent, _)| percent)
            .sum()
    };
    // The longest side sets the scale, so that every bar fits and the centre stays put.
    let reach = diverging
        .rows
        .iter()
        .flat_map(|row| {
            let half_neutral = share(row, Side::Neutral) / 2.0;
            [
                share(row, Side::Negative) + half_neutral,
                share(row, Side::Positive) + half_neutral,
            ]
        })
        .fold(0.0, f64::max);
    let (max, step) = nice_axis(reach.min(100.0));
    let centre = (left + right) / 2.0;
    let unit = (right - left) / 2.0 / max;
    let labels: Vec<String> = diverging
        .rows
        .iter()
        .map(|row| format!("{} (n={})", row.label, row.base))
        .collect();
    let rows = row_layout(labels.iter().map(String::as_str), 48.0, 14.0);
    let chart_top = y;
    let bottom = chart_top + rows.iter().map(|(_, height)| height).sum::<f64>();
    let below = horizontal_axis(
        canvas,
        "Disagree to the left, agree to the right: % of those who answered",
        (left, right),
        (chart_top, bottom),
        (-max, max, step),
        "%",
    )?;
    canvas.line((centre, chart_top), (centre, bottom), INK, 1.5)?;
    let mut y = chart_top;
    for (row, (label, height)) in diverging.rows.iter().zip(&rows) {
        canvas.row(y, y + height);
        draw_row_label(canvas, label, y, *height)?;
        let (bar_top, bar_bottom) = (y + 8.0, y + height - 8.0);
        let neutral = share(row, Side::Neutral);
        // Disagreement grows leftwards from the neutral half, agreement rightwards.
        let mut leftmost = centre - neutral / 2.0 * unit;
        let mut rightmost = centre + neutral / 2.0 * unit;
        let segments = row.percents.iter().zip(&diverging.levels).zip(&colours);
        for ((percent, level), colour) in segments.clone().rev() {
            if level.side == Side::Negative {
                let start = leftmost - percent * unit;
                segment(
                    canvas,
                    (start, leftmost),
                    (bar_top, bar_bottom),
                    *percent,
                    *colour,
                )?;
                leftmost = start;
            }
        }
        for ((percent, level), colour) in segments {
            match level.side {
                Side::Neutral => {
                    let start = centre - neutral / 2.0 * unit;
                    segment(
                        canvas,
                        (start, start + percent * unit),
                        (bar_top, bar_bottom),
                        *percent,
                        *colour,
                    )?;
                }
                Side::Positive => {
                    let end = rightmost + percent * unit;
                    segment(
                        canvas,
                        (rightmost, end),
                        (bar_top, bar_bottom),
                        *percent,
                        *colour,
                    )?;
                    rightmost = end;
                }
                Side::Negative | Side::Apart => {}
            }
        }
        if has_apart {
            let apart = share(row, Side::Apart);
            let x = right + 20.0;
            let width = (apart_width - 50.0) * apart / 100.0;
            canvas.rect((x, bar_top), (x + width.max(1.0), bar_bottom), APART)?;
            canvas.text(
                &format!("{apart:.0}%"),
                (x + width + 4.0, (bar_top + bar_bottom) / 2.0),
                SMALL_SIZE,
                INK,
                Pos::new(HPos::Left, VPos::Center),
            )?;
        }
        y += height;
    }
    Ok(bottom + below)
}

/// One coloured piece of a stacked bar, with its percentage written inside when it fits.
fn segment<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    (start, end): (f64, f64),
    (top, bottom): (f64, f64),
    percent: f64,
    colour: RGBColor,
) -> Drawn {
    if end - start <= 0.0 {
        return Ok(());
    }
    canvas.rect((start, top), (end, bottom), colour)?;
    let label = format!("{percent:.0}%");
    if text_width(&label, SMALL_SIZE) + 6.0 < end - start {
        canvas.text(
            &label,
            ((start + end) / 2.0, (top + bottom) / 2.0),
            SMALL_SIZE,
            ink_on(colour),
            Pos::new(HPos::Center, VPos::Center),
        )?;
    }
    Ok(())
}

fn draw_stacked<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    stacked: &Stacked,
    top: f64,
) -> Result<f64, String> {
    let (colours, height) = coloured_legend(
        canvas,
        stacked.segments.iter().cloned(),
        &SENTIMENT_COLOURS,
        top,
    )?;
    let mut y = top + height;
    let (left, right) = (LABEL_COLUMN, CHART_WIDTH - MARGIN - 70.0);
    let rows = row_layout(
        stacked.rows.iter().map(|row| row.label.as_str()),
        44.0,
        10.0,
    );
    let chart_top = y;
    let bottom = chart_top + rows.iter().map(|(_, height)| height).sum::<f64>();
    let below = horizontal_axis(
        canvas,
        "% of the theme's comments",
        (left, right),
        (chart_top, bottom),
        (0.0, 100.0, 25.0),
        "%",
    )?;
    for (row, (label, height)) in stacked.rows.iter().zip(&rows) {
        canvas.row(y, y + height);
        draw_row_label(canvas, label, y, *height)?;
        let mut x = left;
        for (percent, colour) in row.percents.iter().zip(&colours) {
            let end = x + (right - left) * percent / 100.0;
            segment(
                canvas,
                (x, end),
                (y + 7.0, y + height - 7.0),
                *percent,
                *colour,
            )?;
            x = end;
        }
        canvas.text(
            &format!("n={}", row.base),
            (right + 8.0, y + height / 2.0),
            SMALL_SIZE,
            MUTED,
            Pos::new(HPos::Left, VPos::Center),
        )?;
        y += height;
    }
    Ok(bottom + below)
}

fn draw_heatmap<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    heatmap: &Heatmap,
    top: f64,
) -> Result<f64, String> {
    let count = heatmap.labels.len();
    let left = LABEL_COLUMN + 40.0;
    let cell = ((CHART_WIDTH - MARGIN - left) / as_f64(count.max(1))).min(60.0);
    let largest = heatmap
        .counts
        .iter()
        .enumerate()
        .flat_map(|(row, cells)| {
            cells
                .iter()
                .enumerate()
                .filter(move |(column, _)| *column != row)
                .map(|(_, count)| *count)
        })
        .max()
        .unwrap_or_default()
        .max(1);
    canvas.text(
        &format!(
            "Columns are the themes numbered on the left; cells count {} raising both.",
            heatmap.unit
        ),
        (MARGIN, top + 10.0),
        SMALL_SIZE,
        MUTED,
        Pos::new(HPos::Left, VPos::Center),
    )?;
    let header = top + 30.0;
    for column in 0..count {
        canvas.text(
            &(column + 1).to_string(),
            (left + cell * (as_f64(column) + 0.5), header + 12.0),
            LABEL_SIZE,
            INK,
            Pos::new(HPos::Center, VPos::Center),
        )?;
    }
    let mut y = header + 28.0;
    for (row, label) in heatmap.labels.iter().enumerate() {
        canvas.row(y, y + cell);
        let lines = wrap(
            &format!("{}. {label}", row + 1),
            SMALL_SIZE,
            left - MARGIN - 10.0,
            2,
        );
        let lines_height = as_f64(lines.len()) * SMALL_SIZE * 1.25;
        canvas.lines(
            &lines,
            left - 10.0,
            y + (cell - lines_height) / 2.0,
            SMALL_SIZE,
            INK,
            HPos::Right,
        )?;
        for column in 0..count {
            let value = heatmap.counts[row][column];
            let x = left + cell * as_f64(column);
            let colour = if row == column {
                RGBColor(235, 235, 235)
            } else {
                // White to Okabe–Ito blue by the share of the largest pair.
                let share = as_f64(value) / as_f64(largest);
                let mix = |end: u8| {
                    let value = 255.0 - (255.0 - f64::from(end)) * share;
                    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let channel = value.round().clamp(0.0, 255.0) as u8;
                    channel
                };
                RGBColor(mix(PALETTE[0][0]), mix(PALETTE[0][1]), mix(PALETTE[0][2]))
            };
            canvas.rect((x + 1.0, y + 1.0), (x + cell - 1.0, y + cell - 1.0), colour)?;
            let text = if row == column {
                "—".to_owned()
            } else {
                value.to_string()
            };
            canvas.text(
                &text,
                (x + cell / 2.0, y + cell / 2.0),
                SMALL_SIZE,
                ink_on(colour),
                Pos::new(HPos::Center, VPos::Center),
            )?;
        }
        y += cell;
    }
    Ok(y + 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::charts::Bar;

    fn bars(count: usize) -> Chart {
        Chart {
            key: "theme-frequency".to_owned(),
            title: "Themes raised (n=10 respondents who commented)".to_owned(),
            description: "Bars.".to_owned(),
            body: ChartBody::Bars(Bars {
                axis: "% of respondents who commented".to_owned(),
                bars: (0..count)
                    .map(|index| Bar {
                        label: format!("A theme with a rather long name that must wrap {index}"),
                        value: as_f64(index) * 7.0,
                        value_label: format!("{}% ({index})", index * 7),
                        theme: None,
                    })
                    .collect(),
            }),
        }
    }

    /// Width and height from a PNG's header.
    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let number =
            |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("four bytes"));
        (number(16), number(20))
    }

    #[test]
    fn a_png_is_wide_enough_for_a_slide_and_grows_with_its_bars() {
        let (width, short) = png_size(&chart_png(&bars(3)).expect("draws"));
        assert!(width >= 1600, "{width}");
        let (_, tall) = png_size(&chart_png(&bars(12)).expect("draws"));
        assert!(tall > short + 500, "{short} → {tall}");
    }

    #[test]
    fn an_svg_carries_the_title_and_every_value_label() {
        let svg = chart_svg(&bars(4)).expect("draws");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("Themes raised (n=10 respondents who commented)"));
        for label in ["0% (0)", "7% (1)", "14% (2)", "21% (3)"] {
            assert!(svg.contains(label), "{label} missing");
        }
    }

    #[test]
    fn long_labels_wrap_within_their_column_and_never_run_on() {
        let lines = wrap(
            "Deliver in the right place at the right time for every child, young person and family in the county, whatever their needs",
            LABEL_SIZE,
            LABEL_COLUMN - MARGIN - 12.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        for line in &lines {
            assert!(
                text_width(line, LABEL_SIZE) <= LABEL_COLUMN - MARGIN - 12.0,
                "{line}"
            );
        }
    }

    #[test]
    fn images_are_written_as_png_and_svg_per_chart() {
        let directory = tempfile::tempdir().expect("a folder");
        let target = directory.path().join("charts");
        let written = write_chart_images(&target, &[bars(2)]).expect("writes");
        let names: Vec<String> = written
            .iter()
            .map(|path| crate::files::display_name(path))
            .collect();
        assert_eq!(names, ["theme-frequency.png", "theme-frequency.svg"]);
        assert!(
            written
                .iter()
                .all(|path| path.metadata().is_ok_and(|meta| meta.len() > 100))
        );
    }
}
