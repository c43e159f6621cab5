//! Small inline-SVG charts for the HTML report: axes with units and readable ticks, titles,
//! legends, and colours (Okabe–Ito) that stay distinguishable in light and dark themes and for
//! colour-blind readers. Text and grid colours come from the page's CSS variables.

use std::fmt::Write as _;

pub use crate::text::escape::esc;

/// The Okabe–Ito palette.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
];

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 54.0;

/// A "nice" step (1, 2 or 5 times a power of ten) for about `target` ticks up to `max`.
fn nice_step(max: f64, target: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / target;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// 1234567 -> "1.2M".
pub fn si(v: f64) -> String {
    let a = v.abs();
    let (div, suffix) = if a >= 1e12 {
        (1e12, "T")
    } else if a >= 1e9 {
        (1e9, "G")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let x = v / div;
    if suffix.is_empty() && x.fract() == 0.0 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.0}{suffix}")
    } else {
        format!("{x:.1}{suffix}")
    }
}

fn open(out: &mut String, id: &str, title: &str, height: f64) {
    let _ = write!(
        out,
        r#"<figure class="chart" id="{id}"><svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><text class="title" x="{x}" y="20">{t}</text>"#,
        t = esc(title),
        x = WIDTH / 2.0,
    );
}

fn close(out: &mut String) {
    out.push_str("</svg></figure>\n");
}

/// Y axis with gridlines from 0 to `max`; returns the scale's top value.
fn y_axis(out: &mut String, max: f64, label: &str, height: f64) -> f64 {
    let plot_h = height - TOP - BOTTOM;
    let step = nice_step(max, 5.0);
    let top = (max / step).ceil().max(1.0) * step;
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let y = TOP + plot_h * (1.0 - v / top);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{tx}" y="{ty:.1}" text-anchor="end">{l}</text>"#,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6.0,
            ty = y + 4.0,
            l = si(v),
        );
        v += step;
    }
    let _ = write!(
        out,
        r#"<text class="axis" transform="translate(16 {cy:.1}) rotate(-90)" text-anchor="middle">{l}</text>"#,
        cy = TOP + plot_h / 2.0,
        l = esc(label),
    );
    top
}

fn x_label(out: &mut String, label: &str, height: f64) {
    let _ = write!(
        out,
        r#"<text class="axis" x="{x}" y="{y}" text-anchor="middle">{l}</text>"#,
        x = LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        y = height - 8.0,
        l = esc(label),
    );
}

fn legend(out: &mut String, names: &[String]) {
    let mut x = LEFT;
    for (i, name) in names.iter().enumerate() {
        let _ = write!(
            out,
            r#"<rect class="mark legend" x="{x:.1}" y="26" width="10" height="10" fill="{c}"/><text class="tick" x="{tx:.1}" y="35">{n}</text>"#,
            c = PALETTE[i % PALETTE.len()],
            tx = x + 14.0,
            n = esc(name),
        );
        x += 22.0 + 7.0 * name.len() as f64;
    }
}

/// Vertical bars: one per (label, value), labels under the bars.
pub fn bars(
    id: &str,
    title: &str,
    items: &[(String, f64)],
    x_axis: &str,
    y_axis_label: &str,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, HEIGHT);
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
    let top = y_axis(&mut out, max, y_axis_label, HEIGHT);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / items.len().max(1) as f64;
    for (i, (label, v)) in items.iter().enumerate() {
        let h = plot_h * v / top;
        let x = LEFT + slot * i as f64 + slot * 0.12;
        let _ = write!(
            out,
            r#"<rect class="mark bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{c}"><title>{l}: {v}</title></rect><text class="tick" x="{lx:.1}" y="{ly}" text-anchor="middle">{l}</text>"#,
            y = TOP + plot_h - h,
            w = slot * 0.76,
            c = PALETTE[0],
            l = esc(label),
            v = si(*v),
            lx = x + slot * 0.38,
            ly = HEIGHT - BOTTOM + 16.0,
        );
    }
    x_label(&mut out, x_axis, HEIGHT);
    close(&mut out);
    out
}

/// Horizontal bars, largest first, values printed at the bar's end.
pub fn hbars(id: &str, title: &str, items: &[(String, f64)], value_label: &str) -> String {
    let row = 24.0;
    let height = TOP + 10.0 + row * items.len().max(1) as f64 + 30.0;
    let mut out = String::new();
    open(&mut out, id, title, height);
    let label_w = 220.0;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1.0);
    let plot_w = WIDTH - label_w - RIGHT - 70.0;
    for (i, (label, v)) in items.iter().enumerate() {
        let y = TOP + 10.0 + row * i as f64;
        let w = plot_w * v / max;
        let _ = write!(
            out,
            r#"<text class="tick" x="{lx}" y="{ty:.1}" text-anchor="end">{l}</text><rect class="mark bar" x="{label_w}" y="{y:.1}" width="{w:.1}" height="{h}" fill="{c}"><title>{l}: {v}</title></rect><text class="tick" x="{vx:.1}" y="{ty:.1}">{v}</text>"#,
            lx = label_w - 8.0,
            ty = y + 14.0,
            l = esc(label),
            h = row - 6.0,
            c = PALETTE[i % PALETTE.len()],
            v = si(*v),
            vx = label_w + w + 6.0,
        );
    }
    let _ = write!(
        out,
        r#"<text class="axis" x="{x}" y="{y:.1}" text-anchor="middle">{l}</text>"#,
        x = label_w + plot_w / 2.0,
        y = height - 8.0,
        l = esc(value_label),
    );
    close(&mut out);
    out
}

/// Steps between time ticks, seconds: each a round number on a clock.
const TIME_STEPS: [f64; 22] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0,
    120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
];
const HOUR_STEPS: [f64; 6] = [2.0, 3.0, 6.0, 12.0, 24.0, 48.0];

/// Ticks of a time axis from `t0` to `t1` seconds after `base_ns` (ns since the epoch): at most
/// `max_ticks`, one step apart, each on a multiple of the step in UTC (09:00:00, 09:00:02, …).
/// Returns the tick positions (seconds after `base_ns`) and the step.
pub fn time_ticks(t0: f64, t1: f64, base_ns: i64, max_ticks: usize) -> (Vec<f64>, f64) {
    let span = (t1 - t0).max(1e-3);
    let steps = TIME_STEPS
        .iter()
        .copied()
        .chain(HOUR_STEPS.iter().map(|h| h * 3600.0))
        .chain(
            (1..)
                .map(|k| f64::from(1u32 << k.min(30)) * 86_400.0)
                .take(20),
        );
    let step = steps
        .into_iter()
        .find(|s| span / s <= max_ticks.max(1) as f64)
        .unwrap_or(span);
    // The tick grid is anchored on whole seconds of `base_ns`, so a step of 2 s falls on even
    // seconds; the nanoseconds beyond the second stay exact in integer arithmetic.
    let base_s = base_ns.div_euclid(1_000_000_000) as f64;
    let base_frac = base_ns.rem_euclid(1_000_000_000) as f64 / 1e9;
    let abs = |t: f64| base_s + base_frac + t;
    let first = (abs(t0) / step).ceil();
    let mut ticks = Vec::new();
    let mut k = first;
    while ticks.len() <= max_ticks {
        let t = k * step - base_s - base_frac;
        if t > t1 + step * 1e-9 {
            break;
        }
        ticks.push(t);
        k += 1.0;
    }
    (ticks, step)
}

/// A tick's label for a step: `09:00:02`, `09:00:02.5`, `11-02 09:00`, `2026-11-02`.
pub fn time_tick_label(ns: i64, step: f64, span: f64) -> String {
    let stamp = crate::text::time::rfc3339_ns(ns);
    if step >= 86_400.0 {
        stamp[..10].to_string()
    } else if span > 86_400.0 {
        stamp[5..16].replace('T', " ")
    } else if step >= 60.0 {
        stamp[11..16].to_string()
    } else if step >= 1.0 {
        stamp[11..19].to_string()
    } else {
        let digits = (-step.log10()).ceil().clamp(1.0, 9.0) as usize;
        stamp[11..20 + digits].to_string()
    }
}

/// Stacked areas over time: `times` are seconds after `base_ns` (ns since the epoch), `series`
/// per name.
pub fn stacked_area(
    id: &str,
    title: &str,
    times: &[f64],
    series: &[(String, Vec<f64>)],
    y_axis_label: &str,
    base_ns: i64,
) -> String {
    marked_area(id, title, times, series, y_axis_label, base_ns, &[])
}

/// A finding's window on a time chart: from and to (s after the chart's base), its severity
/// and its sentence.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Start, s after the base.
    pub from: f64,
    /// End, s after the base.
    pub to: f64,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    /// Shown when the pointer is over it.
    pub text: String,
}

fn marked_area(
    id: &str,
    title: &str,
    times: &[f64],
    series: &[(String, Vec<f64>)],
    y_axis_label: &str,
    base_ns: i64,
    marks: &[Mark],
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, HEIGHT);
    let n = times.len();
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            series
                .iter()
                .map(|s| s.1.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let top = y_axis(&mut out, max, y_axis_label, HEIGHT);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let (t0, t1) = (
        times.first().copied().unwrap_or(0.0),
        times.last().copied().unwrap_or(1.0),
    );
    let span = (t1 - t0).max(1e-9);
    let x_of = |t: f64| LEFT + plot_w * (t - t0) / span;
    let y_of = |v: f64| TOP + plot_h * (1.0 - v / top);
    // Gridlines first, under the areas; labels after.
    let (ticks, step) = time_ticks(t0, t1, base_ns, 7);
    for &t in &ticks {
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{y2}"/>"#,
            x = x_of(t),
            y2 = TOP + plot_h,
        );
    }
    let mut base = vec![0.0; n];
    for (k, (_, values)) in series.iter().enumerate() {
        let upper: Vec<f64> = (0..n)
            .map(|i| base[i] + values.get(i).copied().unwrap_or(0.0))
            .collect();
        let mut d = String::new();
        for i in 0..n {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if i == 0 { "M" } else { "L" },
                x_of(times[i]),
                y_of(upper[i])
            );
        }
        for i in (0..n).rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x_of(times[i]), y_of(base[i]));
        }
        d.push('Z');
        let _ = write!(
            out,
            r#"<path class="mark area" d="{d}" fill="{c}" fill-opacity="0.85"/>"#,
            c = PALETTE[k % PALETTE.len()],
        );
        base = upper;
    }
    for m in marks {
        let (a, b) = (x_of(m.from.max(t0)), x_of(m.to.min(t1)));
        if b < LEFT || a > WIDTH - RIGHT {
            continue;
        }
        let colour = match m.severity {
            "high" => "#d62728",
            "medium" => "#ff7f0e",
            _ => "#7f7f7f",
        };
        let _ = write!(
            out,
            r#"<rect class="mark finding {sev}" x="{a:.1}" y="{TOP}" width="{w:.1}" height="{plot_h:.1}" fill="{colour}" fill-opacity="0.25"><title>{t}</title></rect>"#,
            sev = m.severity,
            w = (b - a).max(2.0),
            t = esc(&m.text),
        );
    }
    for &t in &ticks {
        let x = x_of(t);
        // Labels at the plot's edges stay inside the chart.
        let anchor = if x - LEFT < 30.0 {
            "start"
        } else if WIDTH - RIGHT - x < 30.0 {
            "end"
        } else {
            "middle"
        };
        let ns = base_ns.saturating_add((t * 1e9).round() as i64);
        let _ = write!(
            out,
            r#"<text class="tick" x="{x:.1}" y="{ty}" text-anchor="{anchor}">{l}</text>"#,
            ty = TOP + plot_h + 16.0,
            l = esc(&time_tick_label(ns, step, span)),
        );
    }
    let names: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
    legend(&mut out, &names);
    x_label(&mut out, "time (UTC)", HEIGHT);
    close(&mut out);
    out
}

/// A line over time, for rates, with findings' windows shaded over it.
pub fn line(
    id: &str,
    title: &str,
    times: &[f64],
    values: &[f64],
    y_axis_label: &str,
    base_ns: i64,
    marks: &[Mark],
) -> String {
    marked_area(
        id,
        title,
        times,
        &[(y_axis_label.to_string(), values.to_vec())],
        y_axis_label,
        base_ns,
        marks,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_labels_short() {
        assert_eq!(nice_step(97.0, 5.0), 20.0);
        assert_eq!(nice_step(1.0e6, 5.0), 200_000.0);
        assert_eq!(si(1_234_567.0), "1.2M");
        assert_eq!(si(12.0), "12");
        assert_eq!(esc("<a&b>"), "&lt;a&amp;b&gt;");
    }

    #[test]
    fn time_ticks_fall_on_round_clock_times() {
        // The samples' span: 09:00:00.022 to 09:00:11.734.
        let base = 1_793_610_000_022_346_000;
        let (ticks, step) = time_ticks(0.0, 11.712, base, 7);
        assert_eq!(step, 2.0);
        let labels: Vec<String> = ticks
            .iter()
            .map(|t| time_tick_label(base + (t * 1e9).round() as i64, step, 11.712))
            .collect();
        assert_eq!(
            labels,
            ["09:00:02", "09:00:04", "09:00:06", "09:00:08", "09:00:10"]
        );
        let gaps: Vec<f64> = ticks.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|g| (g - 2.0).abs() < 1e-6), "{gaps:?}");
        // Sub-second, minutes, days.
        let (_, step) = time_ticks(0.0, 0.35, base, 7);
        assert_eq!(step, 0.05);
        assert_eq!(time_tick_label(base, 0.05, 0.35), "09:00:00.02");
        let (ticks, step) = time_ticks(0.0, 3.0 * 3600.0, base, 7);
        assert_eq!(step, 1800.0);
        assert_eq!(
            time_tick_label(base + (ticks[0] * 1e9) as i64, step, 3.0 * 3600.0),
            "09:30"
        );
        let (_, step) = time_ticks(0.0, 30.0 * 86_400.0, base, 7);
        assert_eq!(step, 8.0 * 86_400.0);
    }

    #[test]
    fn charts_have_one_mark_per_item() {
        let svg = bars("b", "T", &[("a".into(), 1.0), ("b".into(), 2.0)], "x", "y");
        assert_eq!(svg.matches(r#"class="mark bar""#).count(), 2);
        assert!(svg.contains("<title>T</title>"));
    }
}
