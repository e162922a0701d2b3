//! Search by words, as people type them: case and accents ignored ("Jalan Sisingamangaraja",
//! "jalan sisingamangarája" and "JALAN  SISINGAMANGARAJA" find the same), at most a few words,
//! none of them carrying a wildcard of SQL `LIKE` or a control character to the database.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The most words a search compares; the rest are ignored.
pub const WORDS_MAX: usize = 8;

/// `text` as a search compares it: lower case, accents removed, single spaces.
pub fn fold(text: &str) -> String {
    let bare: String = text.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    bare.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The words of a search, folded as [`fold`] folds the text searched. Only letters, digits and
/// `. - /` are kept: nothing else is meaningful in a title, an address or a code.
pub fn words(query: &str) -> Vec<String> {
    let kept: String = fold(query)
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '/') { c } else { ' ' })
        .collect();
    kept.split(' ').filter(|w| !w.is_empty()).take(WORDS_MAX).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn case_accents_and_spacing_do_not_matter() {
        assert_eq!(fold("  Jalan  SISINGAMANGARÁJA\tNo. 5 "), "jalan sisingamangaraja no. 5");
        assert_eq!(fold("Gg. Kenangä"), "gg. kenanga");
        assert_eq!(words("Gg. Kenangä"), vec!["gg.", "kenanga"]);
    }

    #[test]
    fn words_carry_no_wildcard_and_are_bounded() {
        assert_eq!(words("50% _jalan_ \u{0}drop"), vec!["50", "jalan", "drop"]);
        assert_eq!(words(&"a ".repeat(20)).len(), WORDS_MAX);
        assert!(words("%%% ___").is_empty());
    }

    proptest! {
        /// Every word of a search is found in the folded text it was typed from.
        #[test]
        fn the_words_of_a_text_are_found_in_it(text in "\\PC{0,60}") {
            let folded = fold(&text);
            for word in words(&text) {
                prop_assert!(!word.contains(['%', '_']));
                prop_assert!(folded.contains(&word), "{word:?} not in {folded:?}");
            }
        }
    }
}
