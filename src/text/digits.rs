//! Decimal digits appended to a byte buffer without formatting machinery: the CSV tables and
//! timestamps write millions of numbers.

/// "00", "01", … "99": integers are printed two digits at a time.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// Appends the decimal digits of `v`.
#[inline]
pub fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        buf[at] = b'0' + v as u8;
    }
    out.extend_from_slice(&buf[at..]);
}

/// Appends the last `WIDTH` decimal digits of `v`, zero-padded.
#[inline]
pub fn push_digits<const WIDTH: usize>(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [b'0'; WIDTH];
    let mut at = WIDTH;
    while at >= 2 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if at == 1 {
        buf[0] = b'0' + (v % 10) as u8;
    }
    out.extend_from_slice(&buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_as_format_prints_them() {
        for v in [0u64, 7, 10, 99, 100, 12_345, u64::MAX] {
            let mut out = Vec::new();
            push_uint(&mut out, v);
            assert_eq!(out, v.to_string().into_bytes());
        }
        let mut padded = Vec::new();
        push_digits::<9>(&mut padded, 1_234);
        push_digits::<3>(&mut padded, 98_765);
        assert_eq!(padded, b"000001234765");
    }
}
