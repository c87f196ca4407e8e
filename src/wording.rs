//! How numbers and counts read to the people using ConsultLens, in the window, the command line
//! and the exports alike.

/// "1 response", "600 responses": a count with its noun, "s" added unless it is one.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// "1 comment has", "3 comments have": a count as the subject of "have".
pub fn counted_have(count: usize, noun: &str) -> String {
    let verb = if count == 1 { "has" } else { "have" };
    format!("{} {verb}", counted(count, noun))
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
        assert_eq!(counted_have(1, "comment"), "1 comment has");
        assert_eq!(counted_have(0, "comment"), "0 comments have");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
    }
}
