//! How numbers and counts read to the people using ConsultLens, in the window, the command line
//! and the exports alike.

/// "1 response", "600 responses", "100,000 responses": a count with its noun, "s" added unless
/// it is one.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", grouped(count))
    }
}

/// A count with its thousands set apart by commas: "1,307", "100,000".
pub fn grouped(count: usize) -> String {
    let digits = count.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// "1 comment has", "3 comments have": a count as the subject of "have".
pub fn counted_have(count: usize, noun: &str) -> String {
    let verb = if count == 1 { "has" } else { "have" };
    format!("{} {verb}", counted(count, noun))
}

/// The text with its first letter a capital: "positive" as "Positive".
pub fn capitalised(text: &str) -> String {
    let mut letters = text.chars();
    letters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(letters).collect()
    })
}

/// "a", "a and b", "a, b and c".
pub fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Formats whole numbers without a trailing `.0`, so `3.0` from .xlsx and `3` from .xls read alike.
pub fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(counted(1, "response"), "1 response");
        assert_eq!(counted(0, "comment"), "0 comments");
        assert_eq!(counted(600, "response"), "600 responses");
        assert_eq!(counted(1307, "comment"), "1,307 comments");
        assert_eq!(counted(100_000, "response"), "100,000 responses");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(counted_have(1, "comment"), "1 comment has");
        assert_eq!(counted_have(0, "comment"), "0 comments have");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
    }
}
