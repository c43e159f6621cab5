//! RFC 3339 timestamps without a calendar dependency.

use super::digits::push_digits;

/// Formats nanoseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC).
pub fn rfc3339_ns(ts_ns: i64) -> String {
    let mut out = Vec::with_capacity(30);
    push_rfc3339_ns(&mut out, ts_ns);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends [`rfc3339_ns`]'s text to `out`, without formatting machinery: the flows table has a
/// timestamp per row.
pub fn push_rfc3339_ns(out: &mut Vec<u8>, ts_ns: i64) {
    let secs = ts_ns.div_euclid(1_000_000_000);
    let nanos = ts_ns.rem_euclid(1_000_000_000) as u64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u64;
    let (y, m, d) = civil_from_days(days);
    if (0..=9999).contains(&y) {
        push_digits::<4>(out, y as u64);
    } else {
        use std::io::Write as _;
        let _ = write!(out, "{y:04}");
    }
    out.push(b'-');
    push_digits::<2>(out, u64::from(m));
    out.push(b'-');
    push_digits::<2>(out, u64::from(d));
    out.push(b'T');
    push_digits::<2>(out, rem / 3600);
    out.push(b':');
    push_digits::<2>(out, rem % 3600 / 60);
    out.push(b':');
    push_digits::<2>(out, rem % 60);
    out.push(b'.');
    push_digits::<9>(out, nanos);
    out.push(b'Z');
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339_ns(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            rfc3339_ns(1_700_000_000_123_456_789),
            "2023-11-14T22:13:20.123456789Z"
        );
        assert_eq!(
            rfc3339_ns(951_782_400_000_000_000),
            "2000-02-29T00:00:00.000000000Z"
        );
        assert_eq!(rfc3339_ns(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(rfc3339_ns(i64::MAX), "2262-04-11T23:47:16.854775807Z");
        assert_eq!(rfc3339_ns(i64::MIN), "1677-09-21T00:12:43.145224192Z");
    }
}
