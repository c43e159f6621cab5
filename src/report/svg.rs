//! Small inline-SVG charts for the HTML report: axes with units and readable ticks, titles,
//! legends, and colours (Okabe–Ito) that stay distinguishable in light and dark themes and for
//! colour-blind readers. Text and grid colours come from the page's CSS variables.

use std::fmt::Write as _;

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

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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

/// Stacked areas over time: `times` are seconds from `t0_label`'s instant, `series` per name.
pub fn stacked_area(
    id: &str,
    title: &str,
    times: &[f64],
    series: &[(String, Vec<f64>)],
    y_axis_label: &str,
    time_label: &dyn Fn(f64) -> String,
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
    // Time ticks.
    let ticks = 6;
    for i in 0..=ticks {
        let t = t0 + span * i as f64 / ticks as f64;
        let x = x_of(t);
        let anchor = match i {
            0 => "start",
            i if i == ticks => "end",
            _ => "middle",
        };
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{y2}"/><text class="tick" x="{x:.1}" y="{ty}" text-anchor="{anchor}">{l}</text>"#,
            y2 = TOP + plot_h,
            ty = TOP + plot_h + 16.0,
            l = esc(&time_label(t)),
        );
    }
    let names: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
    legend(&mut out, &names);
    x_label(&mut out, "time (UTC)", HEIGHT);
    close(&mut out);
    out
}

/// A line over time, for rates.
pub fn line(
    id: &str,
    title: &str,
    times: &[f64],
    values: &[f64],
    y_axis_label: &str,
    time_label: &dyn Fn(f64) -> String,
) -> String {
    stacked_area(
        id,
        title,
        times,
        &[(y_axis_label.to_string(), values.to_vec())],
        y_axis_label,
        time_label,
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
    fn charts_have_one_mark_per_item() {
        let svg = bars("b", "T", &[("a".into(), 1.0), ("b".into(), 2.0)], "x", "y");
        assert_eq!(svg.matches(r#"class="mark bar""#).count(), 2);
        assert!(svg.contains("<title>T</title>"));
    }
}
