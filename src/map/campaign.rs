//! The map of a campaign: one self-contained page with its steps in order — each decision's
//! options with their cost, techniques and effects, each visit's outcomes and what they do to the
//! account — the best path marked, and where the paths end (from `analyze_campaign`).

use std::fmt::Write;

use crate::content::{AccountEffects, Campaign, CampaignStep, Library, StepCondition};
use crate::i18n::{Lang, outcome_name, role_name, stage_name, tr};
use crate::sim::campaign_analysis::analyze_campaign;

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn month(month: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {month} 个月"),
        Lang::En => format!("Month {month}"),
    }
}

fn effects_text(campaign: &Campaign, effects: &AccountEffects, cost: i32, lang: Lang) -> String {
    let mut parts = Vec::new();
    if cost != 0 {
        parts.push(format!("{} {cost}", tr(lang, "投入天数", "days")));
    }
    if effects.share != 0 {
        parts.push(format!("{} {:+}", tr(lang, "份额", "share"), effects.share));
    }
    if effects.level != 0 {
        parts.push(format!("{} {:+}", tr(lang, "层次", "level"), effects.level));
    }
    for (who, change) in &effects.trust {
        let name = campaign
            .contacts
            .iter()
            .find(|c| &c.id == who)
            .map_or(who.as_str(), |c| c.name.get(lang));
        parts.push(format!(
            "{} {} {change:+}",
            tr(lang, "信任", "trust"),
            esc(name)
        ));
    }
    parts.join(" · ")
}

fn condition_text(when: StepCondition, lang: Lang) -> String {
    match when {
        StepCondition::ShareAtLeast(share) => {
            format!("{} ≥ {share}%", tr(lang, "仅当份额", "only when share"))
        }
        StepCondition::ShareBelow(share) => {
            format!("{} &lt; {share}%", tr(lang, "仅当份额", "only when share"))
        }
    }
}

/// The page for `campaign`, in `lang`, analysed with `seed`.
pub fn campaign_html(library: &Library, campaign: &Campaign, seed: u64, lang: Lang) -> String {
    let analysis = analyze_campaign(library, campaign, seed);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1><p>{}</p><p class=\"muted\">{}</p>",
        esc(campaign.title.get(lang)),
        esc(campaign.account.get(lang)),
        esc(campaign.goal.get(lang))
    );
    let _ = write!(body, "<h2>{}</h2><ul>", tr(lang, "客户方的人", "People"));
    for contact in &campaign.contacts {
        let _ = write!(
            body,
            "<li data-contact=\"{}\">{} · {}</li>",
            esc(&contact.id),
            esc(contact.name.get(lang)),
            role_name(contact.role, lang)
        );
    }
    body.push_str("</ul>");
    let _ = write!(
        body,
        "<h2>{}</h2><p>{} {} — ",
        tr(lang, "路径的去向", "Where the paths end"),
        analysis.paths,
        tr(lang, "条路径", "paths")
    );
    for (stage, n) in analysis.stages.iter().rev() {
        let _ = write!(
            body,
            "<span class=\"stage\" data-stage=\"{}\">{} {:.1}%</span> ",
            stage.id(),
            stage_name(*stage, lang),
            *n as f64 * 100.0 / analysis.paths.max(1) as f64
        );
    }
    let _ = write!(
        body,
        "</p><p>{}: {}–{}%</p>",
        tr(lang, "最后的采购份额", "Share at the end"),
        analysis.share.0,
        analysis.share.1
    );
    for warning in &analysis.warnings {
        let _ = write!(body, "<p class=\"warn\">⚠ {}</p>", esc(warning.get(lang)));
    }
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"muted\">{}</p>",
        tr(lang, "步骤", "Steps"),
        tr(
            lang,
            "绿色：最好的一条路径上的选择。",
            "Green: the choices on the best path."
        )
    );
    let best = |pick: &str| analysis.best.iter().any(|b| b == pick);
    for step in &campaign.steps {
        let when = step
            .when()
            .map(|w| format!(" <span class=\"when\">{}</span>", condition_text(w, lang)))
            .unwrap_or_default();
        match step {
            CampaignStep::Decision(decision) => {
                let _ = write!(
                    body,
                    "<section class=\"step\" data-step=\"{}\"><h3>{} · {}{when}</h3><p>{}</p><ol>",
                    esc(&decision.id),
                    month(decision.month, lang),
                    esc(decision.title.get(lang)),
                    esc(decision.situation.get(lang))
                );
                for (i, option) in decision.options.iter().enumerate() {
                    let class = if best(&format!("{} → {}", decision.id, i + 1)) {
                        " class=\"best\""
                    } else {
                        ""
                    };
                    let tags: Vec<String> = option
                        .tags
                        .iter()
                        .map(|t| {
                            let points = library.technique(t).map_or(0, |k| k.points);
                            format!("{t} {points:+}")
                        })
                        .collect();
                    let _ = write!(
                        body,
                        "<li{class}>{}<div class=\"muted\">{} {}</div></li>",
                        esc(option.text.get(lang)),
                        esc(&tags.join(", ")),
                        effects_text(campaign, &option.effects, option.cost, lang)
                    );
                }
                body.push_str("</ol></section>");
            }
            CampaignStep::Visit(visit) => {
                let title = library
                    .scenario(&visit.scenario)
                    .map_or(visit.scenario.clone(), |s| s.title.get(lang).to_string());
                let contact = campaign
                    .contacts
                    .iter()
                    .find(|c| c.id == visit.contact)
                    .map_or(visit.contact.clone(), |c| c.name.get(lang).to_string());
                let _ = write!(
                    body,
                    "<section class=\"step visit\" data-step=\"{}\"><h3>{} · {} {} · {}{when}</h3><ul>",
                    esc(&visit.scenario),
                    month(visit.month, lang),
                    tr(lang, "拜访", "Visit to"),
                    esc(&contact),
                    esc(&title)
                );
                let reachable = analysis
                    .visit_outcomes
                    .iter()
                    .find(|(id, _)| *id == visit.scenario)
                    .map(|(_, o)| o.clone())
                    .unwrap_or_default();
                for outcome in reachable {
                    let class = if best(&format!("{} → {}", visit.scenario, outcome.id())) {
                        " class=\"best\""
                    } else {
                        ""
                    };
                    let effects = visit.outcomes.get(&outcome).cloned().unwrap_or_default();
                    let _ = write!(
                        body,
                        "<li{class}>{}: {}</li>",
                        outcome_name(outcome, lang),
                        effects_text(campaign, &effects, 0, lang)
                    );
                }
                body.push_str("</ul></section>");
            }
        }
    }
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}}\
         .muted{{color:#666;font-size:90%}}.warn{{color:#b03020}}\
         .step{{border:1px solid #ccc;border-radius:6px;padding:0 1em;margin:1em 0}}\
         .visit{{background:#f4f6fb}}.when{{color:#8a5a00;font-size:80%}}\
         .best{{color:#1e823c;font-weight:bold}}.stage{{margin-right:1em}}\
         </style></head><body>{body}</body></html>",
        match lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        },
        esc(campaign.title.get(lang))
    )
}
