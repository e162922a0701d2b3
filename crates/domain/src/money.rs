//! Money and volumes: whole rupiah in `i64`, volumes in thousandths of their unit, every amount
//! bounded and every product and sum checked. An amount that would pass a bound is refused with
//! the field it came from; a sum that would overflow is an error, never a wrapped or saturated
//! number.
//!
//! The bounds are far above any real figure (Indonesia's largest regional budget, DKI Jakarta's,
//! is under Rp100 triliun a year) and far below `i64::MAX` (about Rp9,2 juta triliun), so a sum
//! of 90,000 amounts at the bound still fits: the checked sums below report overflow only for
//! data no rule lets in.

use crate::error::{Errors, Rule};

/// A volume in thousandths of its unit, so that 12,5 meter is exact.
pub type Milli = i64;

/// The most a kamus unit may cost: above a trillion rupiah per unit is a typing error.
pub const PRICE_MAX: i64 = 1_000_000_000_000;
/// The largest amount of one proposal, ceiling or line: Rp100 triliun.
pub const AMOUNT_MAX: i64 = 100_000_000_000_000;
/// The largest volume of one proposal: a million units (1.000 km of road in metres).
pub const VOLUME_MAX_UNITS: i64 = 1_000_000;
/// [`VOLUME_MAX_UNITS`] in thousandths.
pub const VOLUME_MAX: Milli = VOLUME_MAX_UNITS * 1000;

/// Why an amount could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// The result is above [`AMOUNT_MAX`] (or does not fit an `i64` at all).
    TooLarge,
    /// A negative operand: no rule lets one in, so it is refused rather than computed.
    Negative,
}

/// Cost = volume × unit price, in whole rupiah, rounded half up; refused above [`AMOUNT_MAX`].
pub fn cost_of(volume: Milli, unit_price: i64) -> Result<i64, MoneyError> {
    if volume < 0 || unit_price < 0 {
        return Err(MoneyError::Negative);
    }
    // i128 holds the product of any two i64 exactly; only the result is bounded.
    let product = i128::from(volume) * i128::from(unit_price);
    let cost = (product + 500) / 1000;
    i64::try_from(cost).ok().filter(|c| *c <= AMOUNT_MAX).ok_or(MoneyError::TooLarge)
}

/// The sum of amounts, or an error when any is negative or the total would overflow `i64`.
pub fn sum<I: IntoIterator<Item = i64>>(amounts: I) -> Result<i64, MoneyError> {
    amounts.into_iter().try_fold(0i64, |total, amount| {
        if amount < 0 {
            return Err(MoneyError::Negative);
        }
        total.checked_add(amount).ok_or(MoneyError::TooLarge)
    })
}

/// The digits of an amount typed as people type it — `2500000`, `2.500.000`, `Rp 2.500.000` —
/// or nothing when it is not of that shape.
fn rupiah_digits(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix("Rp").or_else(|| text.strip_prefix("rp")).unwrap_or(text).trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    // Dots group thousands in Indonesian; every group after the first has three digits.
    let groups: Vec<&str> = text.split('.').collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    Some(groups.concat())
}

/// Reads an amount of whole rupiah as people type it: `2500000`, `2.500.000`, `Rp 2.500.000`.
pub fn parse_rupiah(text: &str) -> Option<i64> {
    rupiah_digits(text)?.parse().ok()
}

/// Checks a typed amount against `max`: required, well formed, not above the bound.
pub fn check_rupiah(errors: &mut Errors, field: &str, text: &str, max: i64) -> i64 {
    let Some(digits) = rupiah_digits(text) else {
        let rule = if text.trim().is_empty() { Rule::Required } else { Rule::Format { expected: "rupiah" } };
        errors.push(field, rule);
        return 0;
    };
    match digits.parse::<i64>() {
        // Well formed, but too many digits for an i64: as much too large as any other figure.
        Err(_) => {
            errors.push(field, Rule::TooLarge);
            0
        }
        Ok(amount) if amount > max => {
            errors.push(field, Rule::AboveMax { max });
            0
        }
        Ok(amount) => amount,
    }
}

/// Parses a volume as typed: `12`, `12,5` or `0.125`, at most three decimals. A trailing or
/// leading separator (`1,`) is refused, and so is `1.250`: Indonesian writes a thousand as
/// `1.000`, English writes one and a quarter as `1.250`, and the two readings differ a
/// thousandfold; with a comma, or fewer decimals, the reading is plain.
pub fn parse_volume(text: &str) -> Option<Milli> {
    let text = text.trim();
    let (whole, fraction, separator) = match text.find([',', '.']) {
        Some(at) => (&text[..at], &text[at + 1..], text.as_bytes()[at]),
        None => (text, "", b','),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let has_separator = text.len() != whole.len();
    if !digits(whole) || (has_separator && !digits(fraction)) || fraction.len() > 3 {
        return None;
    }
    if separator == b'.' && fraction.len() == 3 && !whole.trim_start_matches('0').is_empty() {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<3}").parse().ok()? };
    whole.checked_mul(1000)?.checked_add(fraction)
}

/// Checks a typed volume: well formed, above zero, at most [`VOLUME_MAX`].
pub fn check_volume(errors: &mut Errors, field: &str, text: &str) -> Milli {
    match parse_volume(text) {
        Some(0) => {
            errors.push(field, Rule::TooSmall);
            0
        }
        Some(v) if v <= VOLUME_MAX => v,
        Some(_) => {
            errors.push(field, Rule::AboveMax { max: VOLUME_MAX_UNITS });
            0
        }
        None if text.trim().is_empty() => {
            errors.push(field, Rule::Required);
            0
        }
        // All digits yet unreadable: more digits than any volume has.
        None if text.trim().bytes().all(|b| b.is_ascii_digit()) => {
            errors.push(field, Rule::AboveMax { max: VOLUME_MAX_UNITS });
            0
        }
        None => {
            errors.push(field, Rule::Format { expected: "volume" });
            0
        }
    }
}

/// Writes a volume the Indonesian way: `12,5`.
pub fn format_volume(volume: Milli) -> String {
    let whole = volume / 1000;
    let fraction = (volume % 1000).abs();
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole},{}", format!("{fraction:03}").trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn volumes_are_exact_and_unambiguous() {
        assert_eq!(parse_volume("12"), Some(12_000));
        assert_eq!(parse_volume("12,5"), Some(12_500));
        assert_eq!(parse_volume("12.5"), Some(12_500));
        assert_eq!(parse_volume("0.125"), Some(125));
        assert_eq!(parse_volume("1,250"), Some(1_250));
        assert_eq!(parse_volume("1.250"), None, "a thousand-and-a-quarter or one-and-a-quarter");
        assert_eq!(parse_volume("1.2345"), None);
        assert_eq!(parse_volume("1,"), None);
        assert_eq!(parse_volume(",5"), None);
        assert_eq!(parse_volume("1,2,3"), None);
        assert_eq!(parse_volume("-1"), None);
        assert_eq!(parse_volume("abc"), None);
        assert_eq!(parse_volume(""), None);
        assert_eq!(parse_volume("99999999999999999999"), None);
        assert_eq!(format_volume(12_500), "12,5");
        assert_eq!(format_volume(3_000), "3");
    }

    #[test]
    fn volumes_are_bounded_with_the_field_named() {
        let mut errors = Errors::default();
        assert_eq!(check_volume(&mut errors, "volume", "1000000"), VOLUME_MAX);
        assert!(errors.is_empty());
        for text in ["1000000,001", "1000001", "9223372036854775807", "99999999999999999999999"] {
            let mut errors = Errors::default();
            check_volume(&mut errors, "volume", text);
            let Err(crate::DomainError::Invalid(list)) = errors.into_result() else { panic!("{text} accepted") };
            assert_eq!(list[0].field, "volume");
            assert_eq!(list[0].rule, Rule::AboveMax { max: VOLUME_MAX_UNITS }, "{text}");
        }
    }

    #[test]
    fn costs_are_rounded_and_bounded() {
        assert_eq!(cost_of(12_500, 350_000), Ok(4_375_000));
        assert_eq!(cost_of(1, 1), Ok(0));
        assert_eq!(cost_of(500, 1), Ok(1));
        assert_eq!(cost_of(VOLUME_MAX, PRICE_MAX), Err(MoneyError::TooLarge));
        assert_eq!(cost_of(i64::MAX, i64::MAX), Err(MoneyError::TooLarge));
        assert_eq!(cost_of(-1, 5), Err(MoneyError::Negative));
        assert_eq!(sum([AMOUNT_MAX; 3]), Ok(3 * AMOUNT_MAX));
        assert_eq!(sum([i64::MAX, 1]), Err(MoneyError::TooLarge));
        assert_eq!(sum([5, -2]), Err(MoneyError::Negative));
    }

    #[test]
    fn rupiah_as_people_type_it() {
        assert_eq!(parse_rupiah("2500000"), Some(2_500_000));
        assert_eq!(parse_rupiah("2.500.000"), Some(2_500_000));
        assert_eq!(parse_rupiah("Rp 2.500.000"), Some(2_500_000));
        assert_eq!(parse_rupiah("2.50"), None);
        assert_eq!(parse_rupiah("2,500,000"), None);
        assert_eq!(parse_rupiah("-5"), None);
        assert_eq!(parse_rupiah(""), None);
        let mut errors = Errors::default();
        check_rupiah(&mut errors, "amount", "99999999999999999999999", AMOUNT_MAX);
        check_rupiah(&mut errors, "amount", "Rp 100.000.000.000.001", AMOUNT_MAX);
        let Err(crate::DomainError::Invalid(list)) = errors.into_result() else { panic!() };
        assert_eq!(list[0].rule, Rule::TooLarge);
        assert_eq!(list[1].rule, Rule::AboveMax { max: AMOUNT_MAX });
        // A badly grouped amount is a wrong form, not a large one.
        let mut errors = Errors::default();
        check_rupiah(&mut errors, "amount", "2.50", AMOUNT_MAX);
        let Err(crate::DomainError::Invalid(list)) = errors.into_result() else { panic!() };
        assert_eq!(list[0].rule, Rule::Format { expected: "rupiah" });
    }

    proptest! {
        /// Any text: no panic, and whatever is accepted reads back to the same value.
        #[test]
        fn parsers_never_panic_and_round_trip(text in "\\PC{0,24}") {
            if let Some(volume) = parse_volume(&text) {
                prop_assert_eq!(parse_volume(&format_volume(volume)), Some(volume));
            }
            if let Some(amount) = parse_rupiah(&text) {
                prop_assert_eq!(parse_rupiah(&amount.to_string()), Some(amount));
            }
            let mut errors = Errors::default();
            let volume = check_volume(&mut errors, "volume", &text);
            let amount = check_rupiah(&mut errors, "amount", &text, AMOUNT_MAX);
            prop_assert!((0..=VOLUME_MAX).contains(&volume));
            prop_assert!((0..=AMOUNT_MAX).contains(&amount));
        }

        /// Numbers near and past every bound, as digits.
        #[test]
        fn extreme_numbers_are_refused_or_exact(whole in any::<u64>(), fraction in 0u32..1000) {
            let text = format!("{whole},{fraction:03}");
            let mut errors = Errors::default();
            let volume = check_volume(&mut errors, "volume", &text);
            if errors.is_empty() {
                prop_assert_eq!(i128::from(volume), i128::from(whole) * 1000 + i128::from(fraction));
                prop_assert!(volume <= VOLUME_MAX);
            } else {
                let typed = i128::from(whole) * 1000 + i128::from(fraction);
                prop_assert!(typed == 0 || typed > i128::from(VOLUME_MAX));
            }
        }

        /// Products and sums at the type's limits are exact or refused, never wrapped.
        #[test]
        fn products_and_sums_never_wrap(volume in any::<i64>(), price in any::<i64>(), amounts in proptest::collection::vec(any::<i64>(), 0..8)) {
            match cost_of(volume, price) {
                Ok(cost) => {
                    let exact = (i128::from(volume) * i128::from(price) + 500) / 1000;
                    prop_assert_eq!(i128::from(cost), exact);
                    prop_assert!((0..=AMOUNT_MAX).contains(&cost));
                }
                Err(_) => prop_assert!(volume < 0 || price < 0 || (i128::from(volume) * i128::from(price) + 500) / 1000 > i128::from(AMOUNT_MAX)),
            }
            let overflows = amounts
                .iter()
                .scan(0i128, |acc, a| {
                    *acc += i128::from(*a);
                    Some(*acc)
                })
                .any(|partial| partial > i128::from(i64::MAX));
            let exact: i128 = amounts.iter().map(|a| i128::from(*a)).sum();
            match sum(amounts.iter().copied()) {
                Ok(total) => prop_assert_eq!(i128::from(total), exact),
                Err(_) => prop_assert!(amounts.iter().any(|a| *a < 0) || overflows),
            }
        }
    }
}
