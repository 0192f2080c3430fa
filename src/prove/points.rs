//! Representative values of the ordered and finite condition-value domains: numbers,
//! dates, IP addresses, booleans and binary values.
//!
//! A numeric, date or IP test compares a value with constants, so the constants cut the
//! value line into finitely many pieces (each constant, the open gaps between and beyond
//! them; for IP ranges, the stretches between range boundaries) on which every test
//! answers alike. One value per piece covers the domain exactly.

use crate::policy::values::Cidr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One number per piece of the number line cut at `constants`, rendered as decimal text.
pub fn numbers(constants: &[f64]) -> Vec<String> {
    let mut c: Vec<f64> = constants
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    c.sort_by(f64::total_cmp);
    c.dedup();
    let (Some(&lo), Some(&hi)) = (c.first(), c.last()) else {
        return vec!["1".into()];
    };
    let mut out = vec![lo - 1.0];
    for (i, x) in c.iter().enumerate() {
        out.push(*x);
        if let Some(next) = c.get(i + 1) {
            let mid = x + (next - x) / 2.0;
            if mid > *x && mid < *next {
                out.push(mid);
            }
        }
    }
    out.push(hi + 1.0);
    out.into_iter().map(render_number).collect()
}

/// Decimal text without an exponent, which `policy::values::number` reads back exactly.
pub fn render_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// One instant (nanoseconds since the epoch) per piece of the time line cut at
/// `constants`, rendered as ISO 8601 (UTC, fractional seconds when needed).
pub fn dates(constants: &[i128]) -> Vec<String> {
    const DAY: i128 = 86_400 * 1_000_000_000;
    let mut c: Vec<i128> = constants.to_vec();
    c.sort_unstable();
    c.dedup();
    let (Some(&lo), Some(&hi)) = (c.first(), c.last()) else {
        // A realistic "now" when nothing constrains the time.
        return vec![render_date(1_796_040_000 * 1_000_000_000)];
    };
    let mut out = vec![lo - DAY];
    for (i, x) in c.iter().enumerate() {
        out.push(*x);
        if let Some(next) = c.get(i + 1) {
            if next - x >= 2 {
                // Prefer a whole second inside the gap, for readable counterexamples.
                let mid = x + (next - x) / 2;
                let second = (mid / 1_000_000_000) * 1_000_000_000;
                out.push(if second > *x && second < *next {
                    second
                } else {
                    mid
                });
            }
        }
    }
    out.push(hi + DAY);
    out.into_iter().map(render_date).collect()
}

/// `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z`.
pub fn render_date(nanos: i128) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    let days = i64::try_from(secs.div_euclid(86_400)).unwrap_or(0);
    let rem = i64::try_from(secs.rem_euclid(86_400)).unwrap_or(0);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, (rem / 60) % 60, rem % 60);
    if frac == 0 {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{frac:09}Z")
    }
}

/// Howard Hinnant's days -> civil date.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Addresses that read well in a counterexample, tried first in each piece.
const NICE_V4: [Ipv4Addr; 4] = [
    Ipv4Addr::new(203, 0, 113, 10),
    Ipv4Addr::new(198, 51, 100, 10),
    Ipv4Addr::new(192, 0, 2, 10),
    Ipv4Addr::new(10, 0, 0, 10),
];

/// One address per piece of the IPv4 and IPv6 lines cut at the ranges' boundaries (the
/// engine never puts an IPv6 address inside an IPv4 range, so the lines are separate).
pub fn addresses(ranges: &[Cidr]) -> Vec<String> {
    let mut v4: Vec<u128> = vec![0];
    let mut v6: Vec<u128> = vec![0];
    for r in ranges {
        match *r {
            Cidr::V4 { net, mask } => {
                v4.push(u128::from(net));
                v4.push(u128::from(net | !mask) + 1);
            }
            Cidr::V6 { net, mask } => {
                v6.push(net);
                if let Some(next) = (net | !mask).checked_add(1) {
                    v6.push(next);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (cuts, max, v6_line) in [(v4, u128::from(u32::MAX), false), (v6, u128::MAX, true)] {
        let mut cuts: Vec<u128> = cuts.into_iter().filter(|c| *c <= max).collect();
        cuts.sort_unstable();
        cuts.dedup();
        for (i, start) in cuts.iter().enumerate() {
            let end = cuts.get(i + 1).map_or(max, |n| n - 1);
            let nice = if v6_line {
                [0x2001_0db8_0000_0000_0000_0000_0000_0010u128]
                    .into_iter()
                    .find(|a| a >= start && *a <= end)
            } else {
                NICE_V4
                    .iter()
                    .map(|a| u128::from(u32::from(*a)))
                    .find(|a| a >= start && *a <= end)
            };
            let a = nice.unwrap_or(*start);
            out.push(if v6_line {
                IpAddr::V6(Ipv6Addr::from(a)).to_string()
            } else {
                IpAddr::V4(Ipv4Addr::from(u32::try_from(a).unwrap_or(0))).to_string()
            });
        }
    }
    out
}

/// Base64 (standard alphabet, padded), the form `BinaryEquals` values take.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |v: u32| char::from(ALPHABET.get((v & 63) as usize).copied().unwrap_or(b'A'));
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sextet(n >> 18));
        out.push(sextet(n >> 12));
        out.push(if chunk.len() > 1 { sextet(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(n) } else { '=' });
    }
    out
}

/// The binary values: each constant, and bytes equal to none of them.
pub fn binaries(constants: &[Vec<u8>]) -> Vec<String> {
    let mut out: Vec<String> = constants.iter().map(|c| base64(c)).collect();
    let mut fresh = b"iamc".to_vec();
    while constants.contains(&fresh) {
        fresh.push(b'!');
    }
    out.push(base64(&fresh));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::values;

    #[test]
    fn numbers_cover_every_piece_and_read_back() {
        let pts = numbers(&[10.0, 2.5, 10.0]);
        assert_eq!(pts, ["1.5", "2.5", "6.25", "10", "11"]);
        for p in &pts {
            assert!(values::number(p).is_some(), "{p}");
        }
        assert_eq!(numbers(&[]), ["1"]);
    }

    #[test]
    fn dates_read_back_exactly() {
        let a = values::date("2020-01-01T00:00:00Z").unwrap();
        let b = a + 1;
        let pts = dates(&[a, b, a + 10_000_000_000]);
        let back: Vec<i128> = pts.iter().map(|p| values::date(p).unwrap()).collect();
        assert!(back.windows(2).all(|w| w[0] < w[1]), "{pts:?}");
        assert!(back.contains(&a) && back.contains(&b));
        assert_eq!(render_date(a), "2020-01-01T00:00:00Z");
        assert_eq!(render_date(-1_000_000_000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn addresses_cover_the_ranges() {
        let r = [
            Cidr::parse("10.0.0.0/8").unwrap(),
            Cidr::parse("2001:db8::/32").unwrap(),
        ];
        let pts = addresses(&r);
        let inside = |p: &str| {
            let a = values::address(p).unwrap();
            (r[0].contains(&a), r[1].contains(&a))
        };
        let sigs: Vec<(bool, bool)> = pts.iter().map(|p| inside(p)).collect();
        assert!(sigs.contains(&(true, false)));
        assert!(sigs.contains(&(false, true)));
        assert!(sigs.contains(&(false, false)));
        let everything = addresses(&[Cidr::parse("0.0.0.0/0").unwrap()]);
        assert!(
            everything.iter().any(|p| p.contains(':')),
            "an IPv6 address is outside"
        );
    }

    #[test]
    fn base64_round_trips() {
        for b in [&b""[..], b"A", b"AB", b"ABC", b"iamc!"] {
            assert_eq!(values::base64(&base64(b)).as_deref(), Some(b));
        }
        assert_eq!(binaries(&[b"iamc".to_vec()]).len(), 2);
    }
}
