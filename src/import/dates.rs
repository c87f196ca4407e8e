//! Dates written as text, as survey tools export them. Year-first dates are read cell by cell;
//! day-month-year dates a whole column at a time, because one cell cannot tell 02/03 from 03/02.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};

use super::cell_text::ascii_number;
use crate::model::Value;

/// Year-first layouts besides the ISO one read by hand in [`parse_iso_datetime`].
const YEAR_FIRST_DATETIME_FORMATS: [&str; 8] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
];

const YEAR_FIRST_DATE_FORMATS: [&str; 2] = ["%Y-%m-%d", "%Y/%m/%d"];

/// Parses the year-first date-time layouts survey platforms write (`2026-03-02 09:14:05`,
/// Google Forms' `2024/01/29 2:33:06 PM GMT`). Day-month-year dates are left to
/// [`read_written_dates`].
#[inline]
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let year_first = bytes.len() >= 8
        && bytes.len() <= 32
        && bytes.iter().take(4).all(u8::is_ascii_digit)
        && matches!(bytes.get(4), Some(b'-' | b'/'));
    if !year_first {
        return None;
    }
    if let Some(when) = parse_iso_datetime(text) {
        return Some(when);
    }
    let text = strip_zone_suffix(text);
    YEAR_FIRST_DATETIME_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
        .or_else(|| {
            YEAR_FIRST_DATE_FORMATS
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(&text, format).ok())
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
}

/// `2026-03-02 09:14:05` (or with a `T`), read without chrono's format parser: exports hold
/// hundreds of thousands of these.
fn parse_iso_datetime(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 19
        || bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || bytes.get(13) != Some(&b':')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits(bytes.get(range)?);
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    matches!(bytes.get(10), Some(b' ' | b'T')).then_some(())?;
    (bytes.get(16) == Some(&b':')).then_some(())?;
    date.and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)
}

/// A date's or time's number written in ASCII digits.
fn digits(bytes: &[u8]) -> Option<u32> {
    ascii_number(bytes).and_then(|number| u32::try_from(number).ok())
}

/// Google Forms writes "2024/01/29 2:33:06 PM GMT"; the zone name adds nothing we use.
fn strip_zone_suffix(text: &str) -> Cow<'_, str> {
    for zone in [" GMT", " BST", " UTC", "Z"] {
        if let Some(stripped) = text.strip_suffix(zone) {
            return Cow::Owned(stripped.to_owned());
        }
    }
    Cow::Borrowed(text)
}

/// A date written with its day and month in either order: `12/2/21 8:46`, `02.03.2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WrittenDate {
    first: u32,
    second: u32,
    year: i32,
    hour: u32,
    minute: u32,
    second_of_minute: u32,
}

impl WrittenDate {
    /// Reads `first/second/year` (slashes, dots or dashes), then an optional time with optional
    /// seconds and AM/PM.
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if !(6..=32).contains(&text.len()) || !text.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let (date, time) = match text.split_once([' ', 'T', ',']) {
            Some((date, time)) => (date, Some(time.trim_start_matches([',', ' ']))),
            None => (text, None),
        };
        let separator = date.chars().find(|c| !c.is_ascii_digit())?;
        if !matches!(separator, '/' | '.' | '-') {
            return None;
        }
        let mut parts = date.split(separator);
        let (first, second, year) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || !(1..=2).contains(&first.len())
            || !(1..=2).contains(&second.len())
        {
            return None;
        }
        let year = match year.len() {
            4 => i32::try_from(digits(year.as_bytes())?).ok()?,
            // Two-digit years, as US-locale exports write them: 21 is 2021, 85 is 1985.
            2 => {
                let short = i32::try_from(digits(year.as_bytes())?).ok()?;
                if short < 70 {
                    2000 + short
                } else {
                    1900 + short
                }
            }
            _ => return None,
        };
        let (hour, minute, second_of_minute) = match time.filter(|time| !time.is_empty()) {
            Some(time) => parse_clock(time)?,
            None => (0, 0, 0),
        };
        Some(Self {
            first: digits(first.as_bytes())?,
            second: digits(second.as_bytes())?,
            year,
            hour,
            minute,
            second_of_minute,
        })
    }

    fn to_datetime(self, order: DayMonthOrder) -> Option<NaiveDateTime> {
        let (day, month) = match order {
            DayMonthOrder::DayFirst => (self.first, self.second),
            DayMonthOrder::MonthFirst => (self.second, self.first),
        };
        NaiveDate::from_ymd_opt(self.year, month, day)?.and_hms_opt(
            self.hour,
            self.minute,
            self.second_of_minute,
        )
    }
}

/// `8:46`, `08:46:05`, `2:33:06 PM`, with an optional zone name after it.
fn parse_clock(time: &str) -> Option<(u32, u32, u32)> {
    let time = strip_zone_suffix(time.trim());
    let (clock, meridiem) = match time.rsplit_once(' ') {
        Some((clock, meridiem)) => (clock.trim(), Some(meridiem.to_ascii_lowercase())),
        None => (time.as_ref(), None),
    };
    let mut parts = clock.split(':');
    let hour = digits(parts.next()?.as_bytes())?;
    let minute = digits(parts.next()?.as_bytes())?;
    // Fractions of a second add nothing to a response's time.
    let second = match parts.next() {
        Some(seconds) => digits(seconds.split('.').next()?.as_bytes())?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let hour = match meridiem.as_deref() {
        None => hour,
        Some("am") if (1..=12).contains(&hour) => hour % 12,
        Some("pm") if (1..=12).contains(&hour) => hour % 12 + 12,
        Some(_) => return None,
    };
    Some((hour, minute, second))
}

/// Which of a written date's first two numbers is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMonthOrder {
    /// `day/month/year`, as in the UK.
    DayFirst,
    /// `month/day/year`, as US-locale exports write them.
    MonthFirst,
}

/// How a column of written dates was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenDates {
    /// The order used.
    pub order: DayMonthOrder,
    /// Whether no date in the column settled the order, so day first was assumed.
    pub ambiguous: bool,
}

/// Share of a column's answers, in tenths, that must be written dates for it to be read as dates.
const DATE_SHARE_TENTHS: usize = 9;

/// Reads a column of day-month-year dates written as text as dates. The whole column decides
/// which number is the day: a first number over 12 means day first, a second number over 12
/// means month first; when none settles it, day first (the UK order) is assumed and reported as
/// ambiguous. `None` leaves the column as it was: it is not such dates, or its dates contradict
/// each other.
pub fn read_written_dates(values: &mut [Value]) -> Option<WrittenDates> {
    // Most columns are told apart by their first answer, without parsing the rest.
    let first_answer = values.iter().find(|value| !value.is_empty())?;
    WrittenDate::parse(first_answer.as_text()?)?;
    let mut answered = 0usize;
    let mut parsed = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        if value.is_empty() {
            continue;
        }
        answered += 1;
        if let Some(date) = value.as_text().and_then(WrittenDate::parse) {
            parsed.push((index, date));
        }
    }
    if parsed.len() * 10 < answered * DATE_SHARE_TENTHS {
        return None;
    }
    let day_first_fits = parsed.iter().all(|(_, date)| date.second <= 12);
    let month_first_fits = parsed.iter().all(|(_, date)| date.first <= 12);
    let order = match (day_first_fits, month_first_fits) {
        (true, false) => DayMonthOrder::DayFirst,
        (false, true) => DayMonthOrder::MonthFirst,
        (true, true) => DayMonthOrder::DayFirst,
        (false, false) => return None,
    };
    let ambiguous = day_first_fits
        && month_first_fits
        && parsed.iter().any(|(_, date)| date.first != date.second);
    for (index, date) in parsed {
        if let (Some(value), Some(when)) = (values.get_mut(index), date.to_datetime(order)) {
            *value = Value::DateTime(when);
        }
    }
    Some(WrittenDates { order, ambiguous })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Value {
        Value::DateTime(
            NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|date| date.and_hms_opt(hour, minute, second))
                .expect("valid date"),
        )
    }

    fn texts(values: &[&str]) -> Vec<Value> {
        values.iter().map(|value| Value::from(*value)).collect()
    }

    #[test]
    fn survey_platform_dates_parse() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(9, 14, 5));
        assert_eq!(parse_datetime("2026-03-02 09:14:05"), expected);
        assert_eq!(parse_datetime("2026-03-02T09:14:05Z"), expected);
        assert_eq!(parse_datetime("2026/03/02 9:14:05 AM GMT"), expected);
        assert_eq!(parse_datetime("02/03/2026 09:14:05"), None);
        assert_eq!(parse_datetime("not a date"), None);
    }

    #[test]
    fn two_digit_years_are_this_century_and_the_column_settles_month_first() {
        let mut values = texts(&["12/2/21 8:46", "", "12/14/21 17:05:09", "1/3/22 9:00 AM"]);
        let read = read_written_dates(&mut values).expect("dates");
        assert_eq!(
            read,
            WrittenDates {
                order: DayMonthOrder::MonthFirst,
                ambiguous: false
            }
        );
        assert_eq!(
            values,
            [
                at(2021, 12, 2, 8, 46, 0),
                Value::Empty,
                at(2021, 12, 14, 17, 5, 9),
                at(2022, 1, 3, 9, 0, 0)
            ]
        );
    }

    #[test]
    fn a_day_over_twelve_settles_day_first() {
        let mut values = texts(&["02/03/2026 09:14:05", "25.12.2025", "1/2/2026 11:30 pm"]);
        let read = read_written_dates(&mut values).expect("dates");
        assert_eq!(read.order, DayMonthOrder::DayFirst);
        assert!(!read.ambiguous);
        assert_eq!(values[0], at(2026, 3, 2, 9, 14, 5));
        assert_eq!(values[1], at(2025, 12, 25, 0, 0, 0));
        assert_eq!(values[2], at(2026, 2, 1, 23, 30, 0));
    }

    #[test]
    fn an_unsettled_column_is_read_day_first_and_called_ambiguous() {
        let mut values = texts(&["12/2/21 8:46", "3/4/21 9:00"]);
        let read = read_written_dates(&mut values).expect("dates");
        assert_eq!(read.order, DayMonthOrder::DayFirst);
        assert!(read.ambiguous);
        assert_eq!(values[0], at(2021, 2, 12, 8, 46, 0));
    }

    #[test]
    fn other_columns_are_left_alone() {
        let mut comments = texts(&["12/2/21 was when we applied", "We waited a year"]);
        assert_eq!(read_written_dates(&mut comments), None);
        let mut contradictory = texts(&["13/1/2021", "1/13/2021"]);
        assert_eq!(read_written_dates(&mut contradictory), None);
        assert_eq!(contradictory, texts(&["13/1/2021", "1/13/2021"]));
        let mut mostly_text = texts(&["1/2/2021", "soon", "later", "never"]);
        assert_eq!(read_written_dates(&mut mostly_text), None);
    }
}
