//! Which cell styles show dates: the workbook's number formats, built in and custom, and Excel's
//! serial day numbers turned into dates.

use std::collections::HashMap;
use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::xml::{Token, XmlStream, in_part};

/// For each cell style index of the styles part named `part`, whether its number format shows a
/// date or time.
///
/// # Errors
/// A damaged part, as a detail for the error message.
pub fn date_styles<R: Read>(xml: &mut XmlStream<R>, part: &str) -> Result<Vec<bool>, String> {
    let mut custom_formats: HashMap<u32, bool> = HashMap::new();
    let mut style_formats: Vec<u32> = Vec::new();
    let mut in_cell_styles = false;
    loop {
        match xml.next_token().map_err(in_part(part))? {
            Token::Start(tag) => match tag.name {
                b"numFmt" => {
                    let code = tag.text_attribute(b"formatCode").unwrap_or_default();
                    if let Some(id) = tag.number_attribute(b"numFmtId") {
                        custom_formats.insert(id, is_date_format(&code));
                    }
                }
                b"cellXfs" => in_cell_styles = !tag.self_closing,
                b"xf" if in_cell_styles => {
                    style_formats.push(tag.number_attribute(b"numFmtId").unwrap_or(0));
                }
                _ => {}
            },
            Token::End(b"cellXfs") => in_cell_styles = false,
            Token::Eof => break,
            _ => {}
        }
    }
    Ok(style_formats
        .into_iter()
        .map(|id| {
            custom_formats
                .get(&id)
                .copied()
                .unwrap_or_else(|| is_builtin_date_format(id))
        })
        .collect())
}

/// Excel's built-in number formats that show dates or times (ECMA-376 18.8.30, with the East
/// Asian date formats).
fn is_builtin_date_format(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date or time: a date or time letter outside quoted
/// text, escapes and `[...]` sections (colours, locales, elapsed-time brackets), in its first
/// section.
fn is_date_format(code: &str) -> bool {
    let mut characters = code.chars();
    let mut in_quotes = false;
    while let Some(character) = characters.next() {
        match character {
            '"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            '\\' | '_' | '*' => {
                characters.next();
            }
            '[' => {
                let inner: String = characters.by_ref().take_while(|c| *c != ']').collect();
                // Elapsed time such as [h]:mm is a duration, read as a number.
                if !inner.is_empty()
                    && inner
                        .chars()
                        .all(|c| matches!(c, 'h' | 'H' | 'm' | 'M' | 's' | 'S'))
                {
                    return false;
                }
            }
            ';' => return false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// An Excel serial date as a date-time, rounded to the millisecond. The 1900 system counts from
/// 1899-12-30 (keeping Excel's phantom 29 February 1900); the 1904 system is 1,462 days later.
pub fn serial_to_datetime(serial: f64, date1904: bool) -> Option<NaiveDateTime> {
    let days = if date1904 { serial + 1462.0 } else { serial };
    let days = if days < 60.0 { days + 1.0 } else { days };
    if !days.is_finite() || days < 0.0 {
        return None;
    }
    // Bounded above by chrono's range check below; the cast saturates.
    #[allow(clippy::cast_possible_truncation)]
    let milliseconds = (days * 86_400_000.0).round() as i64;
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .and_hms_opt(0, 0, 0)?
        .checked_add_signed(TimeDelta::try_milliseconds(milliseconds)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_are_told_from_numbers() {
        for date in [
            "dd/mm/yyyy",
            "h:mm AM/PM",
            "[$-809]d mmmm yyyy",
            "yyyy-mm-dd\\ hh:mm",
        ] {
            assert!(is_date_format(date), "{date}");
        }
        for number in [
            "0.00",
            "#,##0 \"days\"",
            "[h]:mm:ss",
            "[Red]0.0",
            "General",
            "0;[Red]-0",
            "@",
        ] {
            assert!(!is_date_format(number), "{number}");
        }
        assert!(is_builtin_date_format(14) && !is_builtin_date_format(2));
    }

    #[test]
    fn serial_dates_match_excel() {
        let show =
            |serial, date1904| serial_to_datetime(serial, date1904).map(|when| when.to_string());
        assert_eq!(show(1.0, false).as_deref(), Some("1900-01-01 00:00:00"));
        assert_eq!(show(61.0, false).as_deref(), Some("1900-03-01 00:00:00"));
        assert_eq!(show(46082.5, false).as_deref(), Some("2026-03-01 12:00:00"));
        assert_eq!(show(0.0, true).as_deref(), Some("1904-01-01 00:00:00"));
        assert_eq!(show(f64::NAN, false), None);
        assert_eq!(show(1e300, false), None);
    }
}
