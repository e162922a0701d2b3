//! The password rule: long enough, not among the most common passwords, not the username.

use crate::error::{Errors, Rule};

pub const MIN_LENGTH: usize = 10;
/// Argon2 hashes any length, but an unbounded input is a cheap way to burn the server's CPU.
pub const MAX_LENGTH: usize = 128;

/// Checks a new password for `username`, adding any broken rule to `errors` under `field`.
pub fn check_new_password(errors: &mut Errors, field: &str, password: &str, username: &str) {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        errors.push(field, Rule::TooShort { min: MIN_LENGTH });
        return;
    }
    if length > MAX_LENGTH {
        errors.push(field, Rule::TooLong { max: MAX_LENGTH });
        return;
    }
    let lowered = password.to_lowercase();
    if !username.is_empty() && lowered.contains(&username.to_lowercase()) {
        errors.push(field, Rule::PasswordContainsUsername);
        return;
    }
    if is_common(password) {
        errors.push(field, Rule::CommonPassword);
    }
}

/// zxcvbn carries the frequency list of leaked passwords; a password that its matcher covers
/// whole with a single entry of that list (allowing case and l33t variants and simple
/// repetition) is one an attacker tries first.
fn is_common(password: &str) -> bool {
    let entropy = zxcvbn::zxcvbn(password, &[]);
    let length = password.chars().count();
    let common_word = entropy.sequence().iter().any(|part| {
        matches!(&part.pattern, zxcvbn::matching::patterns::MatchPattern::Dictionary(d)
            // zxcvbn keeps its list type private; its Debug name is the only handle on it.
            if format!("{:?}", d.dictionary_name) == "Passwords"
                && part.token.chars().count() * 2 >= length)
    });
    common_word || u8::from(entropy.score()) < 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(password: &str, username: &str) -> Vec<Rule> {
        let mut errors = Errors::default();
        check_new_password(&mut errors, "password", password, username);
        match errors.into_result() {
            Ok(()) => vec![],
            Err(crate::DomainError::Invalid(list)) => list.into_iter().map(|e| e.rule).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(rules("pendek", "ani"), vec![Rule::TooShort { min: 10 }]);
    }

    #[test]
    fn common_passwords_are_refused() {
        for common in ["password123", "1234567890", "qwertyuiop", "iloveyou12", "Password1234"] {
            assert_eq!(rules(common, "ani"), vec![Rule::CommonPassword], "{common}");
        }
    }

    #[test]
    fn passwords_containing_the_username_are_refused() {
        assert_eq!(rules("budiman-sekali-2027", "budiman"), vec![Rule::PasswordContainsUsername]);
    }

    #[test]
    fn good_passwords_pass() {
        assert!(rules("Rencana-Demo-2027", "bappeda").is_empty());
        assert!(rules("pohon kelapa di tepi danau", "ani").is_empty());
    }
}
