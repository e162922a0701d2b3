//! Personal data in text the public reads (UU 27/2022). Rencana asks no one for a national id
//! number (NIK), a phone number or an email address, and keeps none; what a proposal's title,
//! problem or address says is published as typed, so those fields refuse text that carries one.

use crate::error::{Errors, Rule, check_text};

/// [`check_text`], and refused when the text holds a phone number, a NIK or an email address.
pub fn check_public_text(errors: &mut Errors, field: &str, value: &str, max: usize) -> String {
    let text = check_text(errors, field, value, max);
    if holds_contact(&text) {
        errors.push(field, Rule::Format { expected: "no_personal_data" });
    }
    text
}

/// Whether `text` holds an email address, an Indonesian phone number (08…, 628…, +628…, ten to
/// fourteen digits, spaces, dots or dashes between them allowed) or a NIK (sixteen digits written
/// together: years or figures listed one after another are not one).
pub fn holds_contact(text: &str) -> bool {
    text.split_whitespace().any(is_email)
        || digit_runs(text).iter().any(|run| is_phone(run))
        || text.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() == 16)
}

fn is_email(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    match word.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && domain.split('.').filter(|part| !part.is_empty()).count() >= 2 && !domain.contains('@')
        }
        None => false,
    }
}

fn is_phone(run: &str) -> bool {
    (run.starts_with("08") || run.starts_with("628")) && (10..=14).contains(&run.len())
}

/// The runs of digits in `text`, one space, dot or dash between two digits not ending a run.
fn digit_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut run = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            run.push(*c);
            continue;
        }
        let joins =
            matches!(c, ' ' | '.' | '-') && !run.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if !joins && !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_nik_and_email_are_found() {
        for text in [
            "Hubungi 081234567890",
            "hp: 0812-3456-7890",
            "WA +62 812 3456 7890",
            "NIK 1271010101900001 pemilik lahan",
            "kirim ke siti.aminah@contoh.co.id ya",
        ] {
            assert!(holds_contact(text), "{text}");
        }
    }

    #[test]
    fn ordinary_addresses_figures_and_codes_are_not_contact_data() {
        for text in [
            "Jl. Sisingamangaraja No. 12-14, RT 03/RW 05",
            "Biaya Rp 1.250.000.000 untuk 250 meter",
            "Lingkungan 12.71.01.1001.001, titik 3.5952, 98.6722",
            "Tahun 2027, 2028 dan 2029",
            "tahap 2025 2026 2027 2028",
            "Gang @ujung jalan",
        ] {
            assert!(!holds_contact(text), "{text}");
        }
    }

    #[test]
    fn a_public_field_with_a_phone_number_is_refused_by_name() {
        let mut errors = Errors::default();
        check_public_text(&mut errors, "problem", "Hubungi 0812 3456 7890", 100);
        let refused = errors.into_result().unwrap_err();
        assert_eq!(refused, crate::DomainError::field("problem", Rule::Format { expected: "no_personal_data" }));
    }
}
