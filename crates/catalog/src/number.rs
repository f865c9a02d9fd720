//! Numbers as the app prints them. A fixed-point writer of our own because
//! `format!("{:.1}", x)` links the standard library's float formatting
//! (Grisu and Dragon4 with their big-number tables), ~12 KB of the app's
//! WASM, for the two or three scores it shows.

/// `x` with `places` digits after the point (at most 6), rounded half away
/// from zero: `fixed(2.345, 1)` is `2.3`, `fixed(0.8, 0)` is `1`. Values
/// past what the digits can hold, and NaN, are written as `-` and `∞`.
pub fn fixed(x: f64, places: u32) -> String {
    let places = places.min(6);
    if x.is_nan() {
        return "-".to_owned();
    }
    let scale = 10u64.pow(places);
    let scaled = (x.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= u64::MAX as f64 {
        return if x < 0.0 { "-∞".to_owned() } else { "∞".to_owned() };
    }
    let n = scaled as u64;
    let sign = if x < 0.0 && n > 0 { "-" } else { "" };
    if places == 0 {
        return format!("{sign}{n}");
    }
    format!("{sign}{}.{:0width$}", n / scale, n % scale, width = places as usize)
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn writes_the_digits_asked_for() {
        assert_eq!(fixed(2.345, 1), "2.3");
        assert_eq!(fixed(2.35, 1), "2.4");
        assert_eq!(fixed(0.8, 0), "1");
        assert_eq!(fixed(80.0, 0), "80");
        assert_eq!(fixed(2f64.ln() + 4f64.ln(), 2), "2.08");
        assert_eq!(fixed(0.05, 2), "0.05");
        assert_eq!(fixed(1.0, 2), "1.00");
        assert_eq!(fixed(-1.25, 1), "-1.3");
        assert_eq!(fixed(-0.01, 1), "0.0");
        assert_eq!(fixed(f64::NAN, 1), "-");
        assert_eq!(fixed(f64::INFINITY, 1), "∞");
        assert_eq!(fixed(1e300, 2), "∞");
    }

    /// The standard formatting's digits, away from ties (which it decides on
    /// the exact binary value: 4.795 is 4.79499…, "4.79" there and "4.80"
    /// here) and from negative zero (`-0.0` there, `0.0` here).
    #[test]
    fn agrees_with_the_standard_formatting_away_from_ties() {
        for i in 0..20_000u32 {
            let x = f64::from(i) * 0.01 + 0.003;
            assert_eq!(fixed(x, 2), format!("{x:.2}"), "{x}");
            if x > 0.05 {
                assert_eq!(fixed(-x, 1), format!("{:.1}", -x), "{x}");
            }
        }
    }
}
