//! The RPJMD's regional priorities, as Bappeda keeps them: each with its code, its name and the
//! sasaran (targets) it pursues. Proposals, pokir and Renja lines name the priority they serve.

use serde::{Deserialize, Serialize};

use crate::error::{Errors, Rule, check_text};
use crate::kamus::check_code;

/// One priority of the RPJMD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priority {
    /// Bappeda's own short code (`P1`, `PR-03`).
    pub code: String,
    pub name: String,
    /// The sasaran, one per line as typed.
    pub sasaran: Vec<String>,
}

/// A priority as typed: the sasaran one per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriorityInput {
    pub code: String,
    pub name: String,
    pub sasaran: String,
}

/// The longest name of a priority.
pub const PRIORITY_NAME_MAX: usize = 300;
/// The longest sasaran.
pub const SASARAN_MAX: usize = 500;
/// The most sasaran one priority may list.
pub const SASARAN_COUNT_MAX: usize = 20;

/// Checks a priority; blank lines between sasaran are dropped, and each sasaran is named by its
/// place among those left (`sasaran[2]`).
pub fn check_priority(errors: &mut Errors, input: &PriorityInput) -> Priority {
    let code = check_code(errors, "code", &input.code);
    let name = check_text(errors, "name", &input.name, PRIORITY_NAME_MAX);
    // Blank lines are skipped; a line of only a control character is not, and is refused.
    let lines: Vec<&str> = input
        .sasaran
        .lines()
        .filter(|line| line.chars().any(|c| crate::error::is_visible(c) || crate::error::is_forbidden_control(c)))
        .collect();
    if lines.len() > SASARAN_COUNT_MAX {
        errors.push("sasaran", Rule::TooLong { max: SASARAN_COUNT_MAX });
    }
    let sasaran = lines
        .iter()
        .take(SASARAN_COUNT_MAX)
        .enumerate()
        .map(|(i, line)| check_text(errors, &format!("sasaran[{i}]"), line, SASARAN_MAX))
        .collect();
    Priority { code, name, sasaran }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainError, FieldError};

    fn refused(errors: Errors) -> Vec<FieldError> {
        match errors.into_result() {
            Err(DomainError::Invalid(list)) => list,
            _ => Vec::new(),
        }
    }

    #[test]
    fn sasaran_are_lines_and_each_is_checked() {
        let mut errors = Errors::default();
        let input = PriorityInput {
            code: " P1 ".into(),
            name: "Infrastruktur kota yang tangguh".into(),
            sasaran: "Meningkatnya kemantapan jalan\n\n  Berkurangnya genangan  \r\n".into(),
        };
        let priority = check_priority(&mut errors, &input);
        assert!(errors.is_empty());
        assert_eq!(priority.code, "P1");
        assert_eq!(priority.sasaran, ["Meningkatnya kemantapan jalan", "Berkurangnya genangan"]);

        let mut errors = Errors::default();
        let many = (0..=SASARAN_COUNT_MAX).map(|i| format!("Sasaran {i}")).collect::<Vec<_>>().join("\n");
        let input = PriorityInput { code: "P 1".into(), name: String::new(), sasaran: format!("ok\n\u{1b}x\n{many}") };
        check_priority(&mut errors, &input);
        let fields: Vec<(String, Rule)> = refused(errors).into_iter().map(|e| (e.field, e.rule)).collect();
        assert_eq!(
            fields,
            [
                ("code".to_string(), Rule::Format { expected: "code" }),
                ("name".to_string(), Rule::Required),
                ("sasaran".to_string(), Rule::TooLong { max: SASARAN_COUNT_MAX }),
                ("sasaran[1]".to_string(), Rule::ControlCharacter),
            ]
        );
    }
}
