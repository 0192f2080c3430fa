//! Typed condition values (IAM User Guide, "Condition operators"): numbers, dates
//! (ISO 8601 or epoch seconds), booleans, base64 and IPv4/IPv6 addresses and CIDR blocks.
//!
//! The one grammar of each: the checker accepts a `date"..."`, `cidr"..."` or `ip"..."`
//! literal (and a string where a `Date` or an IP is wanted) exactly when the evaluation
//! engine can read it, so nothing the compiler emits is a value the engine refuses.
//! `tests/it/values.rs` holds the shared table of cases both are tested against.

use std::net::IpAddr;

/// A decimal number (`NumericEquals` and friends compare integers and floats alike).
pub fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() || t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// `true`/`false`, in any case (the values `Bool` accepts).
pub fn boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A point in time as nanoseconds since the Unix epoch. Accepts epoch seconds (`1700000000`,
/// `1700000000.5`) and the W3C profile of ISO 8601 ("Condition operators", date condition
/// operators: "one of the W3C implementations of the ISO 8601 date formats" or epoch
/// time): `2020`, `2020-01`, `2020-01-02`, `2020-01-02T03:04`, `2020-01-02T03:04:05`, with
/// optional fractional seconds and a zone `Z`, `+hh:mm`, `+hhmm` or `+hh` (no zone: UTC).
/// A reduced form stands for its first instant (`2020-01` is `2020-01-01T00:00:00Z`).
///
/// Decision: exactly four digits are a year (W3C `YYYY`), not epoch seconds. Both readings
/// are allowed by the text; AWS documents neither; epoch seconds 1000–9999 name a moment
/// in the first three hours of 1970, which no policy or request means, while `"2020"` is
/// the W3C year form. Applies to policy values and request-context values alike (a JSON
/// number `2020` too, since values are compared as their text).
pub fn date(text: &str) -> Option<i128> {
    let t = text.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        let year: i64 = t.parse().ok()?;
        return Some(i128::from(days_from_civil(year, 1, 1) * 86_400) * 1_000_000_000);
    }
    if !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && !t.get(1..).unwrap_or("").contains('-')
    {
        // epoch seconds (a leading minus allowed)
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        let secs: i128 = int.parse().ok()?;
        let nanos = fraction_nanos(frac)?;
        return Some(secs * 1_000_000_000 + if secs < 0 { -nanos } else { nanos });
    }
    let b = t.as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    // `YYYY-MM` (W3C "year and month"): the first day of the month
    let ymd: [u8; 10];
    let b = if b.len() == 7 && b.get(4) == Some(&b'-') {
        let mut full = [b'0'; 10];
        full[..7].copy_from_slice(b);
        full[7] = b'-';
        full[9] = b'1';
        ymd = full;
        &ymd[..]
    } else {
        b
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = num(b.get(0..4)?)?;
    let month = num(b.get(5..7)?)?;
    let day = num(b.get(8..10)?)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut nanos: i128 = 0;
    let mut rest = b.get(10..)?;
    if let Some((&sep, time)) = rest.split_first() {
        if sep != b'T' && sep != b't' && sep != b' ' {
            return None;
        }
        let hh = num(time.get(0..2)?)?;
        if time.get(2) != Some(&b':') {
            return None;
        }
        let mm = num(time.get(3..5)?)?;
        let mut i = 5;
        let mut ss = 0;
        if time.get(5) == Some(&b':') {
            ss = num(time.get(6..8)?)?;
            i = 8;
            if time.get(8) == Some(&b'.') {
                let digits = time
                    .get(9..)?
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                nanos = fraction_nanos(std::str::from_utf8(time.get(9..9 + digits)?).ok()?)?;
                i = 9 + digits;
            }
        }
        if hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        secs += hh * 3600 + mm * 60 + ss;
        rest = time.get(i..)?;
        match rest {
            [] | [b'Z'] | [b'z'] => {}
            [sign @ (b'+' | b'-'), zone @ ..] => {
                let (zh, zm) = match zone {
                    [a, b] => (num(&[*a, *b])?, 0),
                    [a, b, b':', c, d] | [a, b, c, d] => (num(&[*a, *b])?, num(&[*c, *d])?),
                    _ => return None,
                };
                if zh > 23 || zm > 59 {
                    return None;
                }
                let offset = zh * 3600 + zm * 60;
                secs -= if *sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    }
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

/// Whether [`date`] reads `text`: the checker's test for `date"..."` literals and for
/// strings where a `Date` is wanted.
pub fn is_date(text: &str) -> bool {
    date(text).is_some()
}

/// Decodes base64 (RFC 4648 standard alphabet, `=` padding optional) into bytes.
///
/// Decision ("Condition operators", binary: "BinaryEquals ... the key value must be base64
/// encoded"): `BinaryEquals` compares the decoded bytes, so `QQ==` and `QQ` are the same
/// value. Strict otherwise: the URL-safe alphabet, whitespace, misplaced padding and
/// non-zero unused bits (non-canonical text) are not base64 here — a policy value that
/// does not decode makes the document unusable, a request value that does not decode
/// matches nothing.
pub fn base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let pad = text.len() - body.len();
    if pad > 2 || (pad > 0 && (body.len() + pad) % 4 != 0) || body.len() % 4 == 1 {
        return None;
    }
    let sextet = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.as_bytes().chunks(4) {
        let mut acc: u32 = 0;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        let bytes = acc.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => {
                if acc & 0b11 != 0 {
                    return None;
                }
                let v = acc >> 2;
                out.extend_from_slice(&v.to_be_bytes()[2..4]);
            }
            2 => {
                if acc & 0b1111 != 0 {
                    return None;
                }
                out.push((acc >> 4) as u8);
            }
            _ => return None,
        }
    }
    Some(out)
}

fn fraction_nanos(frac: &str) -> Option<i128> {
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: i128 = 0;
    for (i, c) in frac.bytes().take(9).enumerate() {
        n += i128::from(c - b'0') * 10i128.pow(8 - i as u32);
    }
    Some(n)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's civil-from-days inverse).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IPv4 or IPv6 network; a bare address is a /32 or /128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cidr {
    V4 { net: u32, mask: u32 },
    V6 { net: u128, mask: u128 },
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let t = text.trim();
        let (addr, prefix) = match t.split_once('/') {
            Some((a, p)) => (a, Some(prefix_length(p)?)),
            None => (t, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => {
                let p = prefix.unwrap_or(32);
                if p > 32 {
                    return None;
                }
                let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
                Some(Cidr::V4 {
                    net: u32::from(a) & mask,
                    mask,
                })
            }
            IpAddr::V6(a) => {
                let p = prefix.unwrap_or(128);
                if p > 128 {
                    return None;
                }
                let mask = if p == 0 { 0 } else { u128::MAX << (128 - p) };
                Some(Cidr::V6 {
                    net: u128::from(a) & mask,
                    mask,
                })
            }
        }
    }

    pub fn contains(&self, addr: &IpAddr) -> bool {
        match (self, addr) {
            (Cidr::V4 { net, mask }, IpAddr::V4(a)) => u32::from(*a) & mask == *net,
            (Cidr::V6 { net, mask }, IpAddr::V6(a)) => u128::from(*a) & mask == *net,
            _ => false,
        }
    }
}

/// A prefix length: one to three decimal digits (Rust's integer parser would also take a
/// sign, `10.0.0.0/+8`, which is no CIDR notation).
fn prefix_length(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whether `text` is an address or a CIDR block ([`Cidr::parse`]): the checker's test for
/// `cidr"..."` literals and for strings compared with an IP key.
pub fn is_cidr(text: &str) -> bool {
    Cidr::parse(text).is_some()
}

/// Whether `text` is a single address ([`address`]): the checker's test for `ip"..."`.
pub fn is_ip(text: &str) -> bool {
    address(text).is_some()
}

/// A request address (`aws:SourceIp` carries a bare address).
pub fn address(text: &str) -> Option<IpAddr> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_strictly() {
        assert_eq!(base64("QmluYXJ5").as_deref(), Some(&b"Binary"[..]));
        assert_eq!(base64("QQ==").as_deref(), Some(&b"A"[..]));
        assert_eq!(base64("QQ").as_deref(), Some(&b"A"[..]));
        assert_eq!(base64("QUI=").as_deref(), Some(&b"AB"[..]));
        assert_eq!(base64("QUI").as_deref(), Some(&b"AB"[..]));
        assert_eq!(base64("").as_deref(), Some(&b""[..]));
        assert_eq!(base64("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64("QR=="), None); // non-zero unused bits
        assert_eq!(base64("QUJ="), None);
        assert_eq!(base64("Q"), None);
        assert_eq!(base64("QQ="), None);
        assert_eq!(base64("QQ==="), None);
        assert_eq!(base64("Q=Q="), None);
        assert_eq!(base64("-_8"), None); // URL-safe alphabet
        assert_eq!(base64("QU I="), None);
    }

    #[test]
    fn dates_iso_and_epoch() {
        const S: i128 = 1_000_000_000;
        assert_eq!(date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(date("1970-01-01"), Some(0));
        assert_eq!(date("2020-01-01T00:00:00Z"), Some(1_577_836_800 * S));
        assert_eq!(date("1577836800"), Some(1_577_836_800 * S));
        assert_eq!(date("2020-01-01T01:00:00+01:00"), Some(1_577_836_800 * S));
        assert_eq!(date("2019-12-31T23:00:00-0100"), Some(1_577_836_800 * S));
        assert_eq!(
            date("2020-01-01T00:00:00.5Z"),
            Some(1_577_836_800 * S + S / 2)
        );
        assert_eq!(date("2020-01-01T00:00Z"), Some(1_577_836_800 * S));
        assert_eq!(date("2020-02-30"), None);
        assert_eq!(date("yesterday"), None);
        assert_eq!(date("2020-01-01X"), None);
        assert!(date("2024-02-29T12:00:00Z").is_some());
        // W3C reduced forms: a year, a year and month (their first instant)
        assert_eq!(date("2020"), Some(1_577_836_800 * S));
        assert_eq!(date(" 2020 "), Some(1_577_836_800 * S));
        assert_eq!(date("1970"), Some(0));
        assert_eq!(date("2020-01"), Some(1_577_836_800 * S));
        assert_eq!(date("2020-03"), date("2020-03-01T00:00:00Z"));
        assert_eq!(date("2020-13"), None);
        assert_eq!(date("2020-1"), None);
        assert_eq!(date("2020-01-"), None);
        assert_eq!(date("2020-01T00:00Z"), None);
        // other digit counts stay epoch seconds
        assert_eq!(date("202"), Some(202 * S));
        assert_eq!(date("20200"), Some(20_200 * S));
        assert_eq!(date("2020.5"), Some(2020 * S + S / 2));
        // every W3C form, seconds and fractions
        assert_eq!(date("2020-01-01T00:00+00:00"), Some(1_577_836_800 * S));
        assert_eq!(date("2020-01-01T00:00:00+00:00"), Some(1_577_836_800 * S));
        assert_eq!(
            date("2020-01-01T00:00:00.25+00:00"),
            Some(1_577_836_800 * S + S / 4)
        );
    }

    #[test]
    fn dates_exist_in_the_calendar() {
        assert!(is_date("2024-02-29T00:00:00Z"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("2026-02-29T00:00:00Z"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("2026-04-31"));
        assert!(!is_date("2026-02-30T00:00:00Z"));
        assert!(is_date("2026-12-31T23:59:59Z"));
        assert!(!is_date("2026-13-01"));
        assert!(is_date("2026-01-01T10:00:00.5+09:00"));
        assert!(!is_date("yesterday"));
    }

    #[test]
    fn cidr_shapes() {
        assert!(is_cidr("10.0.0.0/8"));
        assert!(is_cidr("2001:db8::/32"));
        assert!(!is_cidr("10.0.0.0/33"));
        assert!(!is_cidr("10.0.0/8"));
        assert!(!is_cidr("10.0.0.0/+8"));
        assert!(!is_cidr("10.0.0.0/"));
        assert!(is_ip("10.1.2.3"));
        assert!(!is_ip("10.1.2.3/32"));
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains(&address("203.0.113.9").unwrap()));
        assert!(!c.contains(&address("203.0.114.9").unwrap()));
        let one = Cidr::parse("10.0.0.1").unwrap();
        assert!(one.contains(&address("10.0.0.1").unwrap()));
        assert!(!one.contains(&address("10.0.0.2").unwrap()));
        let v6 = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(v6.contains(&address("2001:db8:1234:5678::1").unwrap()));
        assert!(!v6.contains(&address("2001:db8:1234:5679::1").unwrap()));
        assert!(!v6.contains(&address("10.0.0.1").unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains(&address("8.8.8.8").unwrap()));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("nope"), None);
    }

    #[test]
    fn numbers_and_bools() {
        assert_eq!(number("10"), Some(10.0));
        assert_eq!(number("2.5"), Some(2.5));
        assert_eq!(number("-3"), Some(-3.0));
        assert_eq!(number("abc"), None);
        assert_eq!(number("inf"), None);
        assert_eq!(number("NaN"), None);
        assert_eq!(boolean("TRUE"), Some(true));
        assert_eq!(boolean("no"), None);
    }
}
