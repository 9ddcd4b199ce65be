//! CSV exports of a session and of a trainee's history. UTF-8 with a byte-order mark, so
//! spreadsheet programs open Chinese names correctly; every score in them is the recomputed one.

use std::path::Path;

use super::verify::{BoardRow, Checked, Progress};
use crate::i18n::{Lang, tr};

/// What spreadsheet programs look for to read a CSV file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// A session's leaderboard, one row per line shown on the projector.
pub fn session_csv(code: &str, rows: &[BoardRow], lang: Lang) -> String {
    let header = [
        tr(lang, "场次", "session"),
        tr(lang, "名次", "rank"),
        tr(lang, "学员", "trainee"),
        tr(lang, "场景", "scenario"),
        tr(lang, "得分", "score"),
        tr(lang, "结果", "outcome"),
        tr(lang, "模拟分钟", "simulated minutes"),
        tr(lang, "时间", "played"),
        tr(lang, "状态", "status"),
        tr(lang, "种子", "seed"),
        tr(lang, "记录编号", "result id"),
    ];
    let lines = rows.iter().map(|row| {
        let mut line = vec![
            code.to_string(),
            row.rank.map(|r| r.to_string()).unwrap_or_default(),
        ];
        line.extend(result_fields(&row.checked, lang));
        line.push(row.checked.result.seed.to_string());
        line.push(row.checked.result.id.to_string());
        line
    });
    write(&header, lines)
}

/// Every attempt of one trainee, oldest first, with the score of each rubric category.
pub fn history_csv(trainee: &str, progress: &Progress, lang: Lang) -> String {
    let mut header = vec![
        tr(lang, "学员", "trainee").to_string(),
        tr(lang, "场景", "scenario").to_string(),
        tr(lang, "得分", "score").to_string(),
        tr(lang, "结果", "outcome").to_string(),
        tr(lang, "模拟分钟", "simulated minutes").to_string(),
        tr(lang, "时间", "played").to_string(),
        tr(lang, "状态", "status").to_string(),
        tr(lang, "场次", "session").to_string(),
    ];
    header.extend(
        progress
            .categories
            .iter()
            .map(|c| c.name.get(lang).to_string()),
    );
    let mut attempts: Vec<&Checked> = progress.attempts.iter().chain(&progress.invalid).collect();
    attempts.sort_by_key(|c| (c.result.played_at, c.result.id));
    let lines = attempts.into_iter().map(|checked| {
        let mut line = vec![trainee.to_string()];
        line.extend(result_fields(checked, lang).into_iter().skip(1));
        line.push(checked.result.session.clone().unwrap_or_default());
        for category in &progress.categories {
            let score = checked
                .score
                .as_ref()
                .filter(|_| checked.is_valid())
                .and_then(|s| s.categories.iter().find(|c| c.id == category.id))
                .and_then(|c| c.score);
            line.push(score.map(|s| s.to_string()).unwrap_or_default());
        }
        line
    });
    write(&header, lines)
}

/// trainee, scenario, score, outcome, minutes, played, status.
fn result_fields(checked: &Checked, lang: Lang) -> Vec<String> {
    let result = &checked.result;
    vec![
        result.trainee.clone(),
        result.scenario.clone(),
        checked.total().map(|t| t.to_string()).unwrap_or_default(),
        checked.ended(lang).unwrap_or_default().to_string(),
        checked.sim_minutes().to_string(),
        result.played.clone(),
        checked.status(lang),
    ]
}

fn write<H: AsRef<[u8]>>(header: &[H], lines: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    // Writing into memory cannot fail.
    let _ = writer.write_record(header);
    for line in lines {
        let _ = writer.write_record(&line);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes an export, creating its folder.
pub fn save(path: &Path, csv: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, csv)
}
