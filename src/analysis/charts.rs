//! What the theme charts show, decided once from the summary so that every chart (and every
//! front end) narrows to the same themes.

use super::{Crosstab, CrosstabRow, Summary, ThemeCount};
use crate::codebook::{Codebook, ThemeId};

/// Whether a theme belongs to the chosen group of themes: every theme when none is chosen.
pub fn in_group(codebook: &Codebook, theme: ThemeId, group: Option<ThemeId>) -> bool {
    group.is_none_or(|group| theme == group || codebook.parent_of(theme) == Some(group))
}

/// The bars of the theme frequency chart: the themes someone raised, within `group`, most
/// respondents first.
pub fn frequency_bars<'summary>(
    summary: &'summary Summary,
    codebook: &Codebook,
    group: Option<ThemeId>,
) -> Vec<&'summary ThemeCount> {
    summary
        .themes
        .iter()
        .filter(|theme| theme.respondents > 0 && in_group(codebook, theme.theme, group))
        .collect()
}

/// The rows of the chart comparing respondent groups: at most `limit` themes raised in any
/// group, within `group`, in the summary's order.
pub fn comparison_rows<'summary>(
    crosstab: &'summary Crosstab,
    codebook: &Codebook,
    group: Option<ThemeId>,
    limit: usize,
) -> Vec<&'summary CrosstabRow> {
    crosstab
        .rows
        .iter()
        .filter(|row| {
            row.respondents.iter().any(|count| *count > 0) && in_group(codebook, row.theme, group)
        })
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summarise;
    use crate::import::{ImportOptions, import_bytes};
    use crate::progress::Progress;
    use std::path::Path;

    #[test]
    fn choosing_a_group_narrows_both_charts() {
        let codebook = Codebook::from_toml(
            "name = \"T\"\n\
             [[theme]]\nid = \"people\"\nname = \"People\"\n\
             [[theme]]\nid = \"staff\"\nname = \"Staff\"\nparent = \"people\"\nkeywords = [\"staff\"]\n\
             [[theme]]\nid = \"places\"\nname = \"Places\"\n\
             [[theme]]\nid = \"school\"\nname = \"School\"\nparent = \"places\"\nkeywords = [\"school\"]\n",
            Path::new("t.toml"),
        )
        .expect("parses");
        let survey = import_bytes(
            Path::new("t.csv"),
            b"Which of these best describes you?,Any comments?\n\
              Parent,More staff please at the weekend clubs\n\
              Teacher,The school is far from where we live\n",
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
        .survey;
        let tagging =
            crate::tagging::tag_survey(&survey, &codebook, &Progress::new()).expect("tags");
        let summary = summarise(&survey, &codebook, &tagging);
        let places = codebook.find("places");
        let names = |bars: Vec<&ThemeCount>| {
            bars.into_iter()
                .map(|bar| bar.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(frequency_bars(&summary, &codebook, None)),
            ["School", "Staff"]
        );
        assert_eq!(
            names(frequency_bars(&summary, &codebook, places)),
            ["School"]
        );
        let crosstab = summary.by_attribute.as_ref().expect("crosstab");
        let rows: Vec<&str> = comparison_rows(crosstab, &codebook, places, 10)
            .into_iter()
            .map(|row| row.name.as_str())
            .collect();
        assert_eq!(rows, ["School"]);
    }
}
