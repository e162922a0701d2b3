//! What every CSV Rencana writes must survive being opened in a spreadsheet.

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// Text that a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe,
/// which spreadsheets hide and [`unguard`] removes again when the file comes back.
pub fn safe(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) { format!("'{text}") } else { text.to_string() }
}

/// The text as it was before [`safe`].
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_restored() {
        for text in ["=1+1", "+62 812", "-5", "@SUM(A1)"] {
            assert_eq!(safe(text), format!("'{text}"));
            assert_eq!(unguard(&safe(text)), text);
        }
        assert_eq!(safe("Lingkungan I"), "Lingkungan I");
        assert_eq!(unguard("'biasa"), "'biasa", "an apostrophe before ordinary text stays");
    }
}
