//! Checks that need more than one value or more than one file: references, ids, counts, texts.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use super::spans::{self, Node, Step};
use super::*;
use crate::i18n::Text;

pub(super) fn assemble(files: &[ParsedFile]) -> Library {
    let mut library = Library::default();
    let mut diagnostics = Vec::new();

    let mut catalogues = files.iter().filter_map(|f| match &f.content {
        Content::Catalogue(c) => Some((f, c)),
        _ => None,
    });
    match catalogues.next() {
        Some((_, catalogue)) => library.catalogue = catalogue.clone(),
        None => diagnostics.push(missing("technique catalogue", FileKind::Catalogue)),
    }
    for (file, _) in catalogues {
        diagnostics.push(Diagnostic::error(
            &file.path,
            START,
            "a second technique catalogue; only one is used",
        ));
    }
    let mut rubrics = files.iter().filter_map(|f| match &f.content {
        Content::Rubric(r) => Some((f, r)),
        _ => None,
    });
    match rubrics.next() {
        Some((file, rubric)) => {
            check_rubric(file, rubric, &library.catalogue, &mut diagnostics);
            library.rubric = rubric.clone();
        }
        None => diagnostics.push(missing("rubric", FileKind::Rubric)),
    }
    for (file, _) in rubrics {
        diagnostics.push(Diagnostic::error(
            &file.path,
            START,
            "a second rubric; only one is used",
        ));
    }
    if let Some(file) = files
        .iter()
        .find(|f| matches!(f.content, Content::Catalogue(_)))
    {
        check_catalogue(file, &library.catalogue, &library.rubric, &mut diagnostics);
    }

    for file in files {
        let Content::Persona(persona) = &file.content else {
            continue;
        };
        let before = diagnostics.len();
        check_persona(
            file,
            persona,
            &library.catalogue,
            &library.rubric,
            &mut diagnostics,
        );
        let sound = !diagnostics[before..].iter().any(Diagnostic::is_error);
        match library.personas.entry(persona.kind) {
            Entry::Occupied(_) => diagnostics.push(Diagnostic::error(
                &file.path,
                file.locate(&[Step::Field("kind")]),
                format!("a second persona file for {:?}", persona.kind),
            )),
            Entry::Vacant(slot) if sound => {
                slot.insert(persona.clone());
            }
            Entry::Vacant(_) => {}
        }
    }

    for file in files {
        let Content::Scenario(scenario) = &file.content else {
            continue;
        };
        let before = diagnostics.len();
        check_scenario(file, scenario, &library, &mut diagnostics);
        let named = file
            .path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(FileKind::Scenario.suffix()));
        if let Some(named) = named.filter(|named| *named != scenario.id) {
            diagnostics.push(
                Diagnostic::warning(
                    &file.path,
                    file.locate(&[Step::Field("id")]),
                    format!(
                        "the scenario id \"{}\" differs from the file's name \"{named}\"",
                        scenario.id
                    ),
                )
                .with_hint(format!(
                    "`play` and sessions know a scenario by its id: rename the file to {}{} or \
                     change the id",
                    scenario.id,
                    FileKind::Scenario.suffix()
                )),
            );
        }
        if let Some(first) = library.sources.get(&scenario.id) {
            diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    file.locate(&[Step::Field("id")]),
                    format!("scenario id \"{}\" is already used", scenario.id),
                )
                .with_hint(format!(
                    "{} uses it too; ids must be unique",
                    first.display()
                )),
            );
        } else if !diagnostics[before..].iter().any(Diagnostic::is_error) {
            library
                .sources
                .insert(scenario.id.clone(), file.path.clone());
            library
                .scenarios
                .insert(scenario.id.clone(), Arc::clone(scenario));
        }
    }

    // Campaigns last: they name scenarios, which must be known (and sound) by now.
    for file in files {
        let Content::Campaign(campaign) = &file.content else {
            continue;
        };
        let before = diagnostics.len();
        check_campaign(file, campaign, &library, &mut diagnostics);
        let named = file
            .path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(FileKind::Campaign.suffix()));
        if let Some(named) = named.filter(|named| *named != campaign.id) {
            diagnostics.push(
                Diagnostic::warning(
                    &file.path,
                    file.locate(&[Step::Field("id")]),
                    format!(
                        "the campaign id \"{}\" differs from the file's name \"{named}\"",
                        campaign.id
                    ),
                )
                .with_hint(format!(
                    "rename the file to {}{} or change the id",
                    campaign.id,
                    FileKind::Campaign.suffix()
                )),
            );
        }
        let taken = library
            .campaign_sources
            .get(&campaign.id)
            .or_else(|| library.sources.get(&campaign.id));
        if let Some(first) = taken {
            diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    file.locate(&[Step::Field("id")]),
                    format!("id \"{}\" is already used", campaign.id),
                )
                .with_hint(format!(
                    "{} uses it too; scenario and campaign ids must all be unique",
                    first.display()
                )),
            );
        } else if !diagnostics[before..].iter().any(Diagnostic::is_error) {
            library
                .campaign_sources
                .insert(campaign.id.clone(), file.path.clone());
            library
                .campaigns
                .insert(campaign.id.clone(), Arc::clone(campaign));
        }
    }

    library.diagnostics = diagnostics;
    library
}

const START: Pos = Pos { line: 1, col: 1 };

/// The most days of time and money a campaign can plan with.
const LONGEST_BUDGET: i64 = 1000;

/// A campaign: its texts, contacts and starting account, every visit naming a playable
/// scenario and a known contact, every decision offering two to four options of which one
/// costs nothing (so a spent budget never leaves the trainee stuck), and effects in bounds.
fn check_campaign(
    file: &ParsedFile,
    campaign: &Campaign,
    library: &Library,
    out: &mut Vec<Diagnostic>,
) {
    let mut check = Checker::new(file, out);
    check.text(&[Step::Field("title")], &campaign.title);
    check.within(
        &[Step::Field("difficulty")],
        "difficulty",
        campaign.difficulty,
        1..=3,
    );
    check.text(&[Step::Field("account")], &campaign.account);
    check.text(&[Step::Field("goal")], &campaign.goal);
    if library.rubric.campaign.is_none() {
        check
            .error(
                &[Step::Field("id")],
                "the rubric has no `campaign` weights, so this campaign cannot be scored".into(),
            )
            .hint = Some("add `campaign: Some(CampaignRubric(…))` to the rubric".into());
    }
    let mut contacts = BTreeMap::new();
    for (c, contact) in campaign.contacts.iter().enumerate() {
        let at = [Step::Field("contacts"), Step::Index(c)];
        if contacts.insert(contact.id.as_str(), c).is_some() {
            check.error(
                &with(&at, Step::Field("id")),
                format!("contact id \"{}\" is used twice", contact.id),
            );
        }
        check.text(&with(&at, Step::Field("name")), &contact.name);
        if let Some(trust) = contact.trust {
            check.within(&with(&at, Step::Field("trust")), "trust", trust, 0..=100);
        }
    }
    let start = [Step::Field("start")];
    check.within(
        &with(&start, Step::Field("share")),
        "share",
        campaign.start.share,
        0..=100,
    );
    check.within(
        &with(&start, Step::Field("level")),
        "level",
        campaign.start.level,
        1..=3,
    );
    check.within(
        &with(&start, Step::Field("budget")),
        "budget",
        campaign.start.budget,
        0..=LONGEST_BUDGET,
    );
    if !campaign
        .steps
        .iter()
        .any(|step| matches!(step, CampaignStep::Visit(_)))
    {
        check
            .error(
                &[Step::Field("steps")],
                "a campaign needs at least one visit".into(),
            )
            .hint = Some("add a step `Visit((scenario: \"…\", contact: \"…\", month: 1))`".into());
    }
    let mut decisions = BTreeMap::new();
    let mut month = 0;
    for (i, step) in campaign.steps.iter().enumerate() {
        let at = [Step::Field("steps"), Step::Index(i)];
        let step_month = match step {
            CampaignStep::Visit(visit) => {
                check_campaign_visit(&mut check, &at, visit, &contacts, library);
                visit.month
            }
            CampaignStep::Decision(decision) => {
                if decisions.insert(decision.id.as_str(), i).is_some() {
                    check.error(
                        &with(&at, Step::Field("id")),
                        format!("decision id \"{}\" is used twice", decision.id),
                    );
                }
                check_decision(&mut check, &at, decision, campaign, &contacts, library);
                decision.month
            }
        };
        if let Some(StepCondition::ShareAtLeast(share) | StepCondition::ShareBelow(share)) =
            step.when()
        {
            check.within(
                &with(&at, Step::Field("when")),
                "a share of",
                share,
                0..=100,
            );
        }
        if step_month < month {
            check
                .warning(
                    &with(&at, Step::Field("month")),
                    format!("month {step_month} comes after month {month}"),
                )
                .hint =
                Some("steps are played in the order written; keep the months in order".into());
        }
        month = month.max(step_month);
    }
}

fn check_campaign_visit(
    check: &mut Checker,
    at: &[Step],
    visit: &CampaignVisit,
    contacts: &BTreeMap<&str, usize>,
    library: &Library,
) {
    if library.scenario(&visit.scenario).is_none() {
        let near = closest(
            &visit.scenario,
            library.scenarios.keys().map(String::as_str),
        );
        check
            .error(
                &with(at, Step::Field("scenario")),
                format!(
                    "no playable scenario \"{}\" (it does not exist, or its file has errors)",
                    visit.scenario
                ),
            )
            .hint = near.map(|n| format!("did you mean \"{n}\"?"));
    }
    contact_ref(
        check,
        &with(at, Step::Field("contact")),
        &visit.contact,
        contacts,
    );
    for (outcome, effects) in &visit.outcomes {
        let path = [
            at,
            &[Step::Field("outcomes"), Step::Key(outcome_key(*outcome))],
        ]
        .concat();
        check_account_effects(check, &path, effects, contacts);
    }
}

fn check_decision(
    check: &mut Checker,
    at: &[Step],
    decision: &AccountDecision,
    campaign: &Campaign,
    contacts: &BTreeMap<&str, usize>,
    library: &Library,
) {
    check.text(&with(at, Step::Field("title")), &decision.title);
    check.text(&with(at, Step::Field("situation")), &decision.situation);
    let count = decision.options.len();
    if !(2..=4).contains(&count) {
        check
            .error(
                &with(at, Step::Field("options")),
                format!(
                    "decision \"{}\" has {count} options; a decision needs 2 to 4",
                    decision.id
                ),
            )
            .hint = Some("keys 1–4 pick an option".into());
    }
    if count > 0 && decision.options.iter().all(|o| o.cost > 0) {
        check
            .error(
                &with(at, Step::Field("options")),
                format!("every option of decision \"{}\" costs budget", decision.id),
            )
            .hint = Some(
            "give one option `cost: 0`, or a trainee who has spent the budget cannot go on".into(),
        );
    }
    for (o, option) in decision.options.iter().enumerate() {
        let option_at = [at, &[Step::Field("options"), Step::Index(o)]].concat();
        check.text(&with(&option_at, Step::Field("text")), &option.text);
        if let Some(result) = &option.result {
            check.text(&with(&option_at, Step::Field("result")), result);
        }
        for (t, tag) in option.tags.iter().enumerate() {
            let tag_at = [&option_at[..], &[Step::Field("tags"), Step::Index(t)]].concat();
            check.tag(&tag_at, tag, &library.catalogue);
        }
        let cost_at = with(&option_at, Step::Field("cost"));
        check.within(&cost_at, "cost", option.cost, 0..=LONGEST_BUDGET);
        if option.cost > campaign.start.budget {
            check.warning(
                &cost_at,
                format!(
                    "this option costs {} days, more than the campaign's whole budget of {}, so it is never on offer",
                    option.cost, campaign.start.budget
                ),
            );
        }
        check_account_effects(
            check,
            &with(&option_at, Step::Field("effects")),
            &option.effects,
            contacts,
        );
    }
}

fn check_account_effects(
    check: &mut Checker,
    at: &[Step],
    effects: &AccountEffects,
    contacts: &BTreeMap<&str, usize>,
) {
    check.within(
        &with(at, Step::Field("share")),
        "a change of share of",
        effects.share,
        -100..=100,
    );
    check.within(
        &with(at, Step::Field("level")),
        "a change of level of",
        effects.level,
        -2..=2,
    );
    for (contact, change) in &effects.trust {
        let path = [at, &[Step::Field("trust"), Step::Key(contact)]].concat();
        contact_ref(check, &path, contact, contacts);
        check.within(&path, "a change of trust of", *change, -50..=50);
    }
}

fn contact_ref(check: &mut Checker, at: &[Step], id: &str, contacts: &BTreeMap<&str, usize>) {
    if !contacts.contains_key(id) {
        let near = closest(id, contacts.keys().copied());
        check.error(at, format!("no contact with id \"{id}\"")).hint = Some(match near {
            Some(n) => format!("did you mean \"{n}\"?"),
            None => "name one of the campaign's `contacts`".into(),
        });
    }
}

fn outcome_key(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Order => "Order",
        Outcome::Advance => "Advance",
        Outcome::Continuation => "Continuation",
        Outcome::NoSale => "NoSale",
    }
}

fn missing(what: &str, kind: FileKind) -> Diagnostic {
    Diagnostic::error(Path::new("seeds"), START, format!("no {what} found")).with_hint(format!(
        "the seeds folder needs a file named *{}",
        kind.suffix()
    ))
}

impl ParsedFile {
    /// The position of the value at `path`, or the file start if the text cannot be read back.
    pub(crate) fn locate(&self, path: &[Step]) -> Pos {
        self.tree().map_or(START, |tree| tree.locate(path))
    }

    fn tree(&self) -> Option<Node> {
        spans::parse(&self.text)
    }
}

/// Collects diagnostics for one file, resolving positions from its text only when needed.
struct Checker<'a> {
    file: &'a ParsedFile,
    tree: Option<Node>,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a ParsedFile, out: &'a mut Vec<Diagnostic>) -> Self {
        Checker {
            file,
            tree: None,
            out,
        }
    }

    fn pos(&mut self, path: &[Step]) -> Pos {
        if self.tree.is_none() {
            self.tree = self.file.tree();
        }
        self.tree.as_ref().map_or(START, |tree| tree.locate(path))
    }

    /// An error unless `value` lies in `range`: every number a trainer writes is bounded, so
    /// no sum or product the engine makes of them can overflow.
    fn within(
        &mut self,
        path: &[Step],
        what: &str,
        value: impl Into<i64>,
        range: std::ops::RangeInclusive<i64>,
    ) {
        let value = value.into();
        if !range.contains(&value) {
            // Written as the effects' bounds are: a true minus sign, an ellipsis between.
            let number = |n: i64| n.to_string().replace('-', "−");
            self.error(
                path,
                format!(
                    "{what} {} is outside {}…{}",
                    number(value),
                    number(*range.start()),
                    number(*range.end())
                ),
            );
        }
    }

    fn error(&mut self, path: &[Step], message: String) -> &mut Diagnostic {
        let pos = self.pos(path);
        self.out
            .push(Diagnostic::error(&self.file.path, pos, message));
        self.out.last_mut().expect("just pushed")
    }

    fn warning(&mut self, path: &[Step], message: String) -> &mut Diagnostic {
        let pos = self.pos(path);
        self.out
            .push(Diagnostic::warning(&self.file.path, pos, message));
        self.out.last_mut().expect("just pushed")
    }

    fn text(&mut self, path: &[Step], text: &Text) {
        if text.zh.trim().is_empty() {
            self.error(path, "the Chinese text (zh) is empty".into())
                .hint = Some("every text the trainee sees needs zh and en".into());
        }
        if text.en.trim().is_empty() {
            self.error(path, "the English text (en) is empty".into())
                .hint = Some("every text the trainee sees needs zh and en".into());
        }
    }

    fn texts(&mut self, path: &[Step], texts: &[Text], what: &str) {
        if texts.is_empty() {
            self.error(path, format!("{what} needs at least one text"));
        }
        for (i, text) in texts.iter().enumerate() {
            self.text(&with(path, Step::Index(i)), text);
        }
    }

    /// A tag pattern in a rule: an id, or a prefix ending in `*` that matches at least one id.
    fn pattern(&mut self, path: &[Step], pattern: &str, catalogue: &Catalogue) {
        if pattern.ends_with('*') {
            if !catalogue
                .techniques
                .iter()
                .any(|t| tag_matches(pattern, &t.id))
            {
                self.error(path, format!("\"{pattern}\" matches no technique id"));
            }
        } else {
            self.tag(path, pattern, catalogue);
        }
    }

    fn tag(&mut self, path: &[Step], tag: &str, catalogue: &Catalogue) {
        if catalogue.techniques.iter().any(|t| t.id == tag) {
            return;
        }
        let suggestion = closest(tag, catalogue.techniques.iter().map(|t| t.id.as_str()));
        let diagnostic = self.error(path, format!("unknown technique \"{tag}\""));
        diagnostic.hint = Some(match suggestion {
            Some(near) => format!("did you mean \"{near}\"?"),
            None => "tags must be technique or mistake ids from the catalogue".into(),
        });
    }
}

fn with<'p>(path: &[Step<'p>], step: Step<'p>) -> Vec<Step<'p>> {
    let mut longer = path.to_vec();
    longer.push(step);
    longer
}

fn check_rubric(
    file: &ParsedFile,
    rubric: &Rubric,
    catalogue: &Catalogue,
    out: &mut Vec<Diagnostic>,
) {
    let mut check = Checker::new(file, out);
    let ids: BTreeSet<&str> = rubric.categories.iter().map(|c| c.id.as_str()).collect();
    for (i, category) in rubric.categories.iter().enumerate() {
        let at = [Step::Field("categories"), Step::Index(i)];
        check.text(&with(&at, Step::Field("name")), &category.name);
        check.within(
            &with(&at, Step::Field("weight")),
            "weight",
            category.weight,
            0..=100,
        );
    }
    for (outcome, points) in &rubric.outcome_points {
        let key = format!("{outcome:?}");
        check.within(
            &[Step::Field("outcome_points"), Step::Key(&key)],
            "points",
            *points,
            POINTS,
        );
    }
    for (field, id) in [
        ("outcome_category", &rubric.outcome_category),
        ("persona_fit_category", &rubric.persona_fit_category),
    ] {
        if !ids.contains(id.as_str()) {
            check.error(&[Step::Field(field)], format!("unknown category \"{id}\""));
        }
    }
    for (i, rule) in rubric.rules.iter().enumerate() {
        check_rule(
            &mut check,
            &[Step::Field("rules"), Step::Index(i)],
            rule,
            catalogue,
        );
    }
}

fn check_rule(check: &mut Checker, at: &[Step], rule: &RuleSpec, catalogue: &Catalogue) {
    check.tag(
        &with(at, Step::Field("technique")),
        &rule.technique,
        catalogue,
    );
    check.text(&with(at, Step::Field("broken")), &rule.broken);
    match &rule.ok {
        Some(ok) => check.text(&with(at, Step::Field("ok")), ok),
        None if rule.reward != 0 => {
            check
                .error(at, "a rule with a reward needs an `ok` text".into())
                .hint = Some("`ok` tells the trainee why keeping the rule earned points".into());
        }
        None => {}
    }
    if rule.reward < 0 {
        check.error(
            &with(at, Step::Field("reward")),
            "a reward cannot be negative".into(),
        );
    }
    if rule.penalty > 0 {
        check
            .error(
                &with(at, Step::Field("penalty")),
                "a penalty cannot be positive".into(),
            )
            .hint = Some(format!("write -{}", rule.penalty));
    }
    check.within(
        &with(at, Step::Field("reward")),
        "reward",
        rule.reward,
        POINTS,
    );
    check.within(
        &with(at, Step::Field("penalty")),
        "penalty",
        rule.penalty,
        POINTS,
    );
    let check_at = with(at, Step::Field("check"));
    check_rule_numbers(check, &check_at, &rule.check);
    let patterns = |check: &mut Checker, field: &'static str, tags: &[String]| {
        for (t, pattern) in tags.iter().enumerate() {
            let path = [&check_at[..], &[Step::Field(field), Step::Index(t)]].concat();
            check.pattern(&path, pattern, catalogue);
        }
    };
    match &rule.check {
        Check::Sequence { steps, .. } => {
            for (s, step) in steps.iter().enumerate() {
                for (t, pattern) in step.tags.iter().enumerate() {
                    let path = [
                        &check_at[..],
                        &[
                            Step::Field("steps"),
                            Step::Index(s),
                            Step::Field("tags"),
                            Step::Index(t),
                        ],
                    ]
                    .concat();
                    check.pattern(&path, pattern, catalogue);
                }
            }
        }
        Check::Span { from, to, .. } => {
            for (field, mark) in [("from", from), ("to", to)] {
                if let Mark::First(tags) | Mark::Last(tags) = mark {
                    patterns(check, field, tags);
                }
            }
        }
        Check::LeaveOnCue { leave, .. } => patterns(check, "leave", leave),
        Check::ForbiddenBefore { tags, until, .. } => {
            patterns(check, "tags", tags);
            patterns(check, "until", until);
        }
        Check::AtMost { tags, .. } => patterns(check, "tags", tags),
        Check::Balance { ask, talk, .. } => {
            patterns(check, "ask", ask);
            patterns(check, "talk", talk);
        }
        Check::Identify { .. } => {}
    }
}

/// Points a technique, reaction, rule or outcome may be worth, either way.
const POINTS: std::ops::RangeInclusive<i64> = -100..=100;
/// Meter thresholds: meters run from 0 to 100, so a threshold outside 1–100 always or never
/// holds.
const THRESHOLD: std::ops::RangeInclusive<i64> = 1..=100;
/// The longest visit a scenario may plan, in simulated minutes (the course's first visit is 20–30).
const LONGEST_VISIT: i64 = 120;

/// The numbers inside a rule's check: counts of replies and minutes within what a visit holds,
/// and conditions that can hold.
fn check_rule_numbers(check: &mut Checker, at: &[Step], rule: &Check) {
    let field = |name| with(at, Step::Field(name));
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    match rule {
        Check::Sequence { steps, min_steps } => {
            check.within(
                &field("min_steps"),
                "min_steps",
                count(*min_steps),
                0..=count(steps.len()),
            );
        }
        Check::Span { min, max, .. } => {
            for (name, value) in [("min", min), ("max", max)] {
                if let Some(value) = value {
                    check.within(&field(name), name, *value, 0..=LONGEST_VISIT * 3 / 2);
                }
            }
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                check.error(
                    &field("min"),
                    format!("min {min} is above max {max}, so the rule can never be kept"),
                );
            }
        }
        Check::LeaveOnCue { within, .. } => {
            check.within(&field("within"), "within", count(*within), 0..=20);
        }
        Check::AtMost { max, .. } => check.within(&field("max"), "max", count(*max), 0..=100),
        Check::Balance {
            min_share,
            min_replies,
            ..
        } => {
            check.within(&field("min_share"), "min_share", *min_share, 0..=100);
            check.within(
                &field("min_replies"),
                "min_replies",
                count(*min_replies),
                0..=100,
            );
        }
        Check::Identify { early_within, late } => {
            check.within(
                &field("early_within"),
                "early_within",
                count(*early_within),
                0..=100,
            );
            check.within(&field("late"), "late", *late, POINTS);
        }
        Check::ForbiddenBefore { .. } => {}
    }
}

fn check_catalogue(
    file: &ParsedFile,
    catalogue: &Catalogue,
    rubric: &Rubric,
    out: &mut Vec<Diagnostic>,
) {
    let mut check = Checker::new(file, out);
    let mut seen = BTreeSet::new();
    for (i, technique) in catalogue.techniques.iter().enumerate() {
        let at = [Step::Field("techniques"), Step::Index(i)];
        if !seen.insert(technique.id.as_str()) {
            check.error(
                &with(&at, Step::Field("id")),
                format!("technique id \"{}\" is listed twice", technique.id),
            );
        }
        if !rubric.categories.is_empty()
            && !rubric.categories.iter().any(|c| c.id == technique.category)
        {
            check.error(
                &with(&at, Step::Field("category")),
                format!("unknown rubric category \"{}\"", technique.category),
            );
        }
        for (field, text) in [
            ("name", &technique.name),
            ("section", &technique.section),
            ("explain", &technique.explain),
            ("better", &technique.better),
        ] {
            check.text(&with(&at, Step::Field(field)), text);
        }
        check.within(
            &with(&at, Step::Field("points")),
            "points",
            technique.points,
            POINTS,
        );
        if technique.id.contains('*') {
            check
                .error(
                    &with(&at, Step::Field("id")),
                    format!("technique id \"{}\" contains `*`", technique.id),
                )
                .hint = Some("`*` ends a pattern in rules (e.g. spin.*); ids cannot use it".into());
        }
    }
    check_engine_techniques(&mut check, catalogue);
}

/// The techniques the engine scores with by a fixed id must be in the catalogue: the scoring
/// finds them by that id alone, so a renamed or deleted one would quietly cost every visit
/// those points.
fn check_engine_techniques(check: &mut Checker, catalogue: &Catalogue) {
    for needed in EngineTechnique::all() {
        let id = needed.id();
        if catalogue.techniques.iter().any(|t| t.id == id) {
            continue;
        }
        let scores = match needed {
            EngineTechnique::Outcome => "every visit's outcome".to_string(),
            EngineTechnique::PersonaFit(kind) => {
                format!("how the {kind:?} persona takes each reply")
            }
        };
        // A near id that is not itself one the engine needs is likely this one renamed.
        let near = closest(
            id,
            catalogue
                .techniques
                .iter()
                .map(|t| t.id.as_str())
                .filter(|t| EngineTechnique::all().all(|e| e.id() != *t)),
        );
        check
            .error(
                &[Step::Field("techniques")],
                format!("technique \"{id}\" is missing: the engine scores {scores} with it"),
            )
            .hint = Some(match near {
            Some(near) => format!(
                "if \"{near}\" is meant to be it, name it \"{id}\" again; the engine finds it by this id only"
            ),
            None => format!(
                "add a Technique(id: \"{id}\", …) to the techniques; the engine finds it by this id only"
            ),
        });
    }
}

fn check_persona(
    file: &ParsedFile,
    persona: &Persona,
    catalogue: &Catalogue,
    rubric: &Rubric,
    out: &mut Vec<Diagnostic>,
) {
    let mut check = Checker::new(file, out);
    check.text(&[Step::Field("name")], &persona.name);
    check.text(&[Step::Field("wants")], &persona.wants);
    check.text(
        &[Step::Field("typical_question")],
        &persona.typical_question,
    );
    check.texts(&[Step::Field("traits")], &persona.traits, "traits");
    for (field, value) in [
        ("trust", persona.baseline.trust),
        ("interest", persona.baseline.interest),
        ("patience", persona.baseline.patience),
    ] {
        if !(0..=100).contains(&value) {
            check.error(
                &[Step::Field("baseline"), Step::Field(field)],
                format!("{field} {value} is outside 0–100"),
            );
        }
    }
    if !(0..=20).contains(&persona.spread) {
        check
            .error(
                &[Step::Field("spread")],
                format!("spread {} is outside 0–20", persona.spread),
            )
            .hint = Some("each meter starts at most this far from the baseline".into());
    }
    for (i, cue) in persona.cues.iter().enumerate() {
        let at = [Step::Field("cues"), Step::Index(i)];
        if cue.below.is_none() && cue.at_least.is_none() {
            check
                .error(&at, "a cue needs `below` or `at_least`".into())
                .hint =
                Some("e.g. below: Some(35) shows the cue while the meter is under 35".into());
        }
        check.texts(&with(&at, Step::Field("text")), &cue.text, "a cue");
        for (field, value) in [("below", cue.below), ("at_least", cue.at_least)] {
            if let Some(value) = value {
                check.within(
                    &[&at[..], &[Step::Field(field), Step::Index(0)]].concat(),
                    field,
                    value,
                    THRESHOLD,
                );
            }
        }
        if let (Some(below), Some(at_least)) = (cue.below, cue.at_least)
            && at_least >= below
        {
            check.error(
                &with(&at, Step::Field("at_least")),
                format!("at_least {at_least} is not below {below}, so this cue can never show"),
            );
        }
        // The first matching cue is shown, so an earlier, wider one can hide this one.
        let hidden_by = persona.cues[..i].iter().position(|earlier| {
            earlier.meter == cue.meter
                && match (earlier.below, cue.below, earlier.at_least, cue.at_least) {
                    (Some(wide), Some(narrow), None, None) => wide >= narrow,
                    (None, None, Some(wide), Some(narrow)) => wide <= narrow,
                    _ => false,
                }
        });
        if let Some(earlier) = hidden_by {
            check
                .warning(
                    &at,
                    "this cue can never show: an earlier cue on the same meter covers it".into(),
                )
                .hint = Some(format!(
                "the first cue that matches is shown; move this one above cue {} (the stronger sign first)",
                earlier + 1
            ));
        }
    }
    for (i, reaction) in persona.reactions.iter().enumerate() {
        let at = [Step::Field("reactions"), Step::Index(i)];
        check.tag(&with(&at, Step::Field("tag")), &reaction.tag, catalogue);
        if rubric.rules.iter().any(|r| r.technique == reaction.tag) {
            check
                .warning(
                    &with(&at, Step::Field("tag")),
                    format!("\"{}\" is scored by a rubric rule and never tagged on a reply, so this reaction never fires", reaction.tag),
                )
                .hint = Some("react to the tag replies carry instead (e.g. close.classic, quote.price)".into());
        }
        check.text(&with(&at, Step::Field("why")), &reaction.why);
        for (field, value) in [
            ("trust", reaction.trust),
            ("interest", reaction.interest),
            ("patience", reaction.patience),
        ] {
            check.within(&with(&at, Step::Field(field)), field, value, -50..=50);
        }
        check.within(
            &with(&at, Step::Field("points")),
            "points",
            reaction.points,
            POINTS,
        );
    }
}

/// Checks one scenario file, in the order a trainer reads it: the heading, the customer, the
/// briefing, then the scenes' and endings' ids (so every reference can be checked against all of
/// them), each beat with its replies, and last the shape of the whole conversation.
fn check_scenario(
    file: &ParsedFile,
    scenario: &Scenario,
    library: &Library,
    out: &mut Vec<Diagnostic>,
) {
    let mut check = Checker::new(file, out);
    check_heading(&mut check, scenario);
    check_persona_spec(&mut check, &scenario.persona, library);
    check_briefing(&mut check, &scenario.briefing);
    // Ids first, so references can be checked against all of them.
    let beats = check_scenes(&mut check, scenario);
    let endings = check_endings(&mut check, scenario);
    check_start(&mut check, scenario, &beats);
    for (s, scene) in scenario.scenes.iter().enumerate() {
        for (b, beat) in scene.beats.iter().enumerate() {
            let at = [
                Step::Field("scenes"),
                Step::Index(s),
                Step::Field("beats"),
                Step::Index(b),
            ];
            check_beat(&mut check, &at, beat, library, &beats, &endings);
        }
    }
    check_preparation(&mut check, scenario, &beats);
    check_flow(&mut check, scenario, &beats, &library.catalogue);
}

/// Preparation happens before the door: its replies move no meter and no clock (the customer
/// is not there to react), and nothing said to the customer leads back into it.
fn check_preparation(
    check: &mut Checker,
    scenario: &Scenario,
    beats: &BTreeMap<&str, (usize, usize)>,
) {
    for (s, scene) in scenario.scenes.iter().enumerate() {
        for (b, beat) in scene.beats.iter().enumerate() {
            for (c, choice) in beat.choices.iter().enumerate() {
                let at = [
                    Step::Field("scenes"),
                    Step::Index(s),
                    Step::Field("beats"),
                    Step::Index(b),
                    Step::Field("choices"),
                    Step::Index(c),
                ];
                if !scene.customer_present() && choice.effects != Effects::default() {
                    check
                        .error(
                            &with(&at, Step::Field("effects")),
                            format!(
                                "a reply in preparation scene \"{}\" has effects, but the customer is not there yet and the clock does not run",
                                scene.id
                            ),
                        )
                        .hint = Some(
                        "remove `effects`; let what was prepared lead (`next`) to the beats it makes possible in the visit".into(),
                    );
                }
                if scene.customer_present() {
                    let (mut next_beats, mut ends) = (Vec::new(), Vec::new());
                    choice.next.targets(&mut next_beats, &mut ends);
                    let back = next_beats.into_iter().find(|id| {
                        beats
                            .get(id)
                            .is_some_and(|&(ts, _)| !scenario.scenes[ts].customer_present())
                    });
                    if let Some(id) = back {
                        check
                            .error(
                                &with(&at, Step::Field("next")),
                                format!(
                                    "this reply in scene \"{}\" leads back to preparation beat \"{id}\", but preparation comes before the door",
                                    scene.id
                                ),
                            )
                            .hint = Some(
                            "preparation beats lead into the visit, never back from it".into(),
                        );
                    }
                }
            }
        }
    }
}

/// The title the scenario list shows and a difficulty the list can place (1–3).
fn check_heading(check: &mut Checker, scenario: &Scenario) {
    check.text(&[Step::Field("title")], &scenario.title);
    if !(1..=3).contains(&scenario.difficulty) {
        check.error(
            &[Step::Field("difficulty")],
            format!("difficulty {} is outside 1–3", scenario.difficulty),
        );
    }
}

/// The customer the trainee meets: a pool needs at least one type, and every type named needs a
/// persona file that loaded, or the visit has no one to talk to.
fn check_persona_spec(check: &mut Checker, spec: &PersonaSpec, library: &Library) {
    let personas: Vec<PersonaKind> = match spec {
        PersonaSpec::Fixed(kind) => vec![*kind],
        PersonaSpec::OneOf(kinds) => {
            if kinds.is_empty() {
                check.error(
                    &[Step::Field("persona")],
                    "OneOf needs at least one persona".into(),
                );
            }
            kinds.clone()
        }
    };
    for kind in personas {
        if !library.personas.contains_key(&kind) {
            check
                .error(
                    &[Step::Field("persona")],
                    format!("no persona file for {kind:?} was loaded"),
                )
                .hint = Some(format!("add seeds/personas/{}.persona.ron", kind.id()));
        }
    }
}

/// The briefing the trainee reads before the visit: its texts, and a time budget above zero.
fn check_briefing(check: &mut Checker, briefing: &Briefing) {
    let b = |field| [Step::Field("briefing"), Step::Field(field)];
    check.text(&b("account"), &briefing.account);
    check.text(&b("contact"), &briefing.contact);
    check.text(&b("goal"), &briefing.goal);
    for (i, known) in briefing.known.iter().enumerate() {
        check.text(&with(&b("known"), Step::Index(i)), known);
    }
    if briefing.time_budget == 0 {
        check.error(
            &b("time_budget"),
            "the time budget must be above 0 minutes".into(),
        );
    }
    check.within(
        &b("time_budget"),
        "time_budget",
        briefing.time_budget,
        0..=LONGEST_VISIT,
    );
}

/// Each scene's id, title and beats, collecting every beat id (unique across the scenario) with
/// where it is: the scene's and the beat's index. Returns those beats for the reference checks.
fn check_scenes<'s>(
    check: &mut Checker,
    scenario: &'s Scenario,
) -> BTreeMap<&'s str, (usize, usize)> {
    let mut beats = BTreeMap::new();
    let mut scene_ids = BTreeMap::new();
    for (s, scene) in scenario.scenes.iter().enumerate() {
        let at = [Step::Field("scenes"), Step::Index(s)];
        if let Some(first) = scene_ids.insert(scene.id.as_str(), s) {
            let first = check.pos(&[Step::Field("scenes"), Step::Index(first), Step::Field("id")]);
            check
                .error(
                    &with(&at, Step::Field("id")),
                    format!("scene id \"{}\" is used twice", scene.id),
                )
                .hint = Some(format!(
                "first used at line {}; ids must be unique",
                first.line
            ));
        }
        check.text(&with(&at, Step::Field("title")), &scene.title);
        if scene.beats.is_empty() {
            check.error(&at, format!("scene \"{}\" has no beats", scene.id));
        }
        for (b, beat) in scene.beats.iter().enumerate() {
            let beat_at = [
                at[0],
                at[1],
                Step::Field("beats"),
                Step::Index(b),
                Step::Field("id"),
            ];
            if let Some((fs, fb)) = beats.insert(beat.id.as_str(), (s, b)) {
                let first = check.pos(&[
                    Step::Field("scenes"),
                    Step::Index(fs),
                    Step::Field("beats"),
                    Step::Index(fb),
                    Step::Field("id"),
                ]);
                check
                    .error(&beat_at, format!("beat id \"{}\" is used twice", beat.id))
                    .hint = Some(format!(
                    "first used at line {}; ids must be unique",
                    first.line
                ));
            }
        }
    }
    beats
}

/// Each ending: a unique id, the customer's closing words and why the visit ended so, and a
/// commitment exactly when it is an advance (an advance without one scores as a continuation).
/// Returns the ending ids for the reference checks.
fn check_endings<'s>(check: &mut Checker, scenario: &'s Scenario) -> BTreeSet<&'s str> {
    let mut ending_ids = BTreeMap::new();
    for (e, ending) in scenario.endings.iter().enumerate() {
        let at = [Step::Field("endings"), Step::Index(e)];
        if let Some(first) = ending_ids.insert(ending.id.as_str(), e) {
            let first = check.pos(&[
                Step::Field("endings"),
                Step::Index(first),
                Step::Field("id"),
            ]);
            check
                .error(
                    &with(&at, Step::Field("id")),
                    format!("ending id \"{}\" is used twice", ending.id),
                )
                .hint = Some(format!(
                "first used at line {}; ids must be unique",
                first.line
            ));
        }
        if [PATIENCE_OUT, TIME_OUT].contains(&ending.id.as_str()) {
            check
                .error(
                    &with(&at, Step::Field("id")),
                    format!("ending id \"{}\" is the game's own", ending.id),
                )
                .hint = Some(
                "the game ends a visit so when patience or time runs out; choose another id".into(),
            );
        }
        check.texts(&with(&at, Step::Field("says")), &ending.says, "an ending");
        check.text(&with(&at, Step::Field("why")), &ending.why);
        match (&ending.commitment, ending.outcome) {
            (Some(commitment), Outcome::Advance) => {
                check.text(&with(&at, Step::Field("commitment")), commitment);
            }
            (None, Outcome::Advance) => {
                check
                    .warning(
                        &with(&at, Step::Field("outcome")),
                        format!(
                            "advance \"{}\" names no commitment, so it scores as a continuation",
                            ending.id
                        ),
                    )
                    .hint = Some(
                    "add commitment: (zh: …, en: …) — the concrete step the customer agreed to"
                        .into(),
                );
            }
            (Some(_), _) => {
                check.warning(
                    &with(&at, Step::Field("commitment")),
                    "only an advance names a commitment; this one is ignored".into(),
                );
            }
            (None, _) => {}
        }
    }
    ending_ids.keys().copied().collect()
}

/// The visit opens at the start beat, so it must be one of the scenario's beats.
fn check_start(check: &mut Checker, scenario: &Scenario, beats: &BTreeMap<&str, (usize, usize)>) {
    if !beats.contains_key(scenario.start.as_str()) {
        let near = closest(&scenario.start, beats.keys().copied());
        check
            .error(
                &[Step::Field("start")],
                format!("start beat \"{}\" does not exist", scenario.start),
            )
            .hint = near.map(|n| format!("did you mean \"{n}\"?"));
    }
}

/// One beat, at `at`: what the customer says (and each persona's variant), the narration, and two
/// to four replies, since keys 1–4 pick one.
fn check_beat(
    check: &mut Checker,
    at: &[Step; 4],
    beat: &Beat,
    library: &Library,
    beats: &BTreeMap<&str, (usize, usize)>,
    endings: &BTreeSet<&str>,
) {
    check.texts(&with(at, Step::Field("says")), &beat.says, "a beat");
    for (kind, variants) in &beat.says_as {
        let path = [
            at[0],
            at[1],
            at[2],
            at[3],
            Step::Field("says_as"),
            Step::Key(kind_name(*kind)),
        ];
        check.texts(&path, variants, "a persona variant");
    }
    if let Some(narration) = &beat.narration {
        check.text(&with(at, Step::Field("narration")), narration);
    }
    if !(2..=4).contains(&beat.choices.len()) {
        check
            .error(
                &with(at, Step::Field("choices")),
                match beat.choices.len() {
                    1 => format!(
                        "beat \"{}\" has only 1 choice; a beat needs 2 to 4",
                        beat.id
                    ),
                    n => {
                        format!("beat \"{}\" has {n} choices; a beat needs 2 to 4", beat.id)
                    }
                },
            )
            .hint = Some("keys 1–4 pick a choice, so a beat offers two, three or four".into());
    }
    for (c, choice) in beat.choices.iter().enumerate() {
        let choice_at = [
            at[0],
            at[1],
            at[2],
            at[3],
            Step::Field("choices"),
            Step::Index(c),
        ];
        check_choice(check, &choice_at, choice, library, beats, endings);
    }
}

/// One reply, at `at`: its texts, tags the catalogue knows (and that no rubric rule awards
/// instead), meter effects and minutes within bounds, and a `next` that leads somewhere real.
fn check_choice(
    check: &mut Checker,
    at: &[Step],
    choice: &Choice,
    library: &Library,
    beats: &BTreeMap<&str, (usize, usize)>,
    endings: &BTreeSet<&str>,
) {
    check.text(&with(at, Step::Field("text")), &choice.text);
    if let Some(thinking) = &choice.thinking {
        check.text(&with(at, Step::Field("thinking")), thinking);
    }
    for (t, tag) in choice.tags.iter().enumerate() {
        let tag_at = [at, &[Step::Field("tags"), Step::Index(t)]].concat();
        check.tag(&tag_at, tag, &library.catalogue);
        if let Some(rule) = library.rubric.rules.iter().find(|r| &r.technique == tag) {
            check
                .warning(
                    &tag_at,
                    format!("\"{tag}\" is scored by a rubric rule, not by tags"),
                )
                .hint = Some(rule_hint(rule));
        }
    }
    let effects = choice.effects;
    for (field, value) in [
        ("trust", effects.trust),
        ("interest", effects.interest),
        ("patience", effects.patience),
    ] {
        if !(-50..=50).contains(&value) {
            check
                .error(
                    &[at, &[Step::Field("effects"), Step::Field(field)]].concat(),
                    format!("{field} {value} is outside −50…50"),
                )
                .hint = Some("one reply moves a meter by at most 50 points".into());
        }
    }
    if effects.minutes > 60 {
        check.error(
            &[at, &[Step::Field("effects"), Step::Field("minutes")]].concat(),
            format!("one reply taking {} minutes is too long", effects.minutes),
        );
    }
    let next_at = with(at, Step::Field("next"));
    check_next(check, &next_at, &choice.next, beats, endings);
}

/// The shape of the conversation: what the start reaches, which beats can still reach an
/// ending, and which scenes score nothing.
fn check_flow(
    check: &mut Checker,
    scenario: &Scenario,
    beats: &BTreeMap<&str, (usize, usize)>,
    catalogue: &Catalogue,
) {
    let beat_at = |(s, b): (usize, usize)| {
        [
            Step::Field("scenes"),
            Step::Index(s),
            Step::Field("beats"),
            Step::Index(b),
            Step::Field("id"),
        ]
    };
    // Where each beat's replies lead, through every branch of a gate.
    let mut leads: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for beat in scenario.scenes.iter().flat_map(|s| &s.beats) {
        let entry = leads.entry(beat.id.as_str()).or_default();
        for choice in &beat.choices {
            choice.next.targets(&mut entry.0, &mut entry.1);
        }
    }
    // A broken start is reported already; everything would look unreachable after it.
    if beats.contains_key(scenario.start.as_str()) {
        let mut reached = BTreeSet::from([scenario.start.as_str()]);
        let mut ended = BTreeSet::new();
        let mut queue = vec![scenario.start.as_str()];
        while let Some(id) = queue.pop() {
            let Some((next, ends)) = leads.get(id) else {
                continue;
            };
            ended.extend(ends.iter().copied());
            for &n in next {
                if beats.contains_key(n) && reached.insert(n) {
                    queue.push(n);
                }
            }
        }
        for (&id, &place) in beats {
            if !reached.contains(id) {
                check
                    .warning(
                        &beat_at(place),
                        format!("no path from the start reaches beat \"{id}\""),
                    )
                    .hint =
                    Some("a Goto in some reachable beat must lead here, or remove the beat".into());
            }
        }
        for (e, ending) in scenario.endings.iter().enumerate() {
            if !ended.contains(ending.id.as_str()) {
                check
                    .warning(
                        &[Step::Field("endings"), Step::Index(e), Step::Field("id")],
                        format!("no path from the start reaches ending \"{}\"", ending.id),
                    )
                    .hint = Some(format!("some reply needs next: End(\"{}\")", ending.id));
            }
        }
    }
    // Beats from which no reply, however the gates go, ever reaches an ending.
    let mut can_end: BTreeSet<&str> = leads
        .iter()
        .filter(|(_, (_, ends))| !ends.is_empty())
        .map(|(&id, _)| id)
        .collect();
    loop {
        let before = can_end.len();
        for (&id, (next, _)) in &leads {
            if next.iter().any(|n| can_end.contains(n)) {
                can_end.insert(id);
            }
        }
        if can_end.len() == before {
            break;
        }
    }
    for (&id, &place) in beats {
        if !can_end.contains(id) {
            check
                .error(&beat_at(place), format!("beat \"{id}\" has no way out: no reply from it ever reaches an ending"))
                .hint = Some("the replies here only lead round in a circle; give one of them an End(…) or a Goto towards one".into());
        }
    }
    if let Some(circle) = timeless_circle(scenario) {
        let first = beats.get(circle[0]).copied().unwrap_or((0, 0));
        check
            .error(
                &beat_at(first),
                format!(
                    "replies that take no time lead round in a circle: {}",
                    circle.join(" → ")
                ),
            )
            .hint = Some(
            "the clock never moves on such a circle, so the visit could go on for ever; give one \
             of these replies `minutes`"
                .into(),
        );
    }
    for (s, scene) in scenario.scenes.iter().enumerate() {
        let scored = scene.beats.iter().flat_map(|b| &b.choices).any(|c| {
            c.tags
                .iter()
                .any(|t| catalogue.techniques.iter().any(|k| &k.id == t))
        });
        if !scored && !scene.beats.is_empty() {
            check
                .warning(
                    &[Step::Field("scenes"), Step::Index(s), Step::Field("kind")],
                    format!(
                        "no reply in scene \"{}\" carries a tag, so nothing in it is scored",
                        scene.id
                    ),
                )
                .hint = Some("tag the replies with the techniques and mistakes they show".into());
        }
    }
}

/// A circle of beats joined by replies that take no simulated minutes, as the beat ids round
/// it (the first repeated at the end), if there is one.
fn timeless_circle(scenario: &Scenario) -> Option<Vec<&str>> {
    let mut instant: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for beat in scenario.scenes.iter().flat_map(|s| &s.beats) {
        let next = instant.entry(beat.id.as_str()).or_default();
        for choice in beat.choices.iter().filter(|c| c.effects.minutes == 0) {
            choice.next.targets(next, &mut Vec::new());
        }
    }
    // Depth-first from every beat; a beat met again on the current path closes a circle.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in instant.keys() {
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        while let Some(&mut (beat, ref mut tried)) = path.last_mut() {
            let next = instant.get(beat).and_then(|n| n.get(*tried)).copied();
            *tried += 1;
            match next {
                None => {
                    done.insert(beat);
                    path.pop();
                }
                Some(next) if done.contains(next) => {}
                Some(next) => {
                    if let Some(at) = path.iter().position(|(b, _)| *b == next) {
                        let mut circle: Vec<&str> = path[at..].iter().map(|(b, _)| *b).collect();
                        circle.push(next);
                        return Some(circle);
                    }
                    path.push((next, 0));
                }
            }
        }
    }
    None
}

/// What to tag instead of a technique a rule awards.
fn rule_hint(rule: &RuleSpec) -> String {
    match &rule.check {
        Check::ForbiddenBefore { tags, .. } | Check::AtMost { tags, .. } => format!(
            "tag what the reply does ({}) and the rule decides; remove this tag",
            tags.join(", ")
        ),
        Check::Sequence { .. } => "the rule judges the order of the replies' other tags (see \
                                   the steps in course.rubric.ron); remove this tag"
            .into(),
        Check::Span { .. } | Check::LeaveOnCue { .. } => {
            "the rule judges the simulated minutes between replies; remove this tag".into()
        }
        Check::Balance { .. } => {
            "the rule counts the questions against the talking; remove this tag".into()
        }
        Check::Identify { .. } => {
            "the rule reads the trainee's notebook, not the replies; remove this tag".into()
        }
    }
}

fn check_next(
    check: &mut Checker,
    at: &[Step],
    next: &Next,
    beats: &BTreeMap<&str, (usize, usize)>,
    endings: &BTreeSet<&str>,
) {
    match next {
        Next::Goto(id) => {
            if !beats.contains_key(id.as_str()) {
                let near = closest(id, beats.keys().copied());
                check
                    .error(at, format!("Goto(\"{id}\"): there is no beat with this id"))
                    .hint = near.map(|n| format!("did you mean \"{n}\"?"));
            }
        }
        Next::End(id) => {
            if !endings.contains(id.as_str()) {
                let near = closest(id, endings.iter().copied());
                check
                    .error(
                        at,
                        format!("End(\"{id}\"): there is no ending with this id"),
                    )
                    .hint = near.map(|n| format!("did you mean \"{n}\"?"));
            }
        }
        Next::If(gate) => {
            if gate.need.is_empty() {
                check.error(at, "If needs at least one requirement in `need`".into());
            }
            for (n, need) in gate.need.iter().enumerate() {
                let (Need::Trust(value) | Need::Interest(value) | Need::Patience(value)) = need;
                let path = [at, &[Step::Field("need"), Step::Index(n), Step::Index(0)]].concat();
                check.within(&path, "a requirement of", *value, THRESHOLD);
            }
            for (branch, field) in [(&gate.then, "then"), (&gate.otherwise, "otherwise")] {
                let inner = with(at, Step::Field(field));
                check_next(check, &inner, branch, beats, endings);
            }
        }
    }
}

fn kind_name(kind: PersonaKind) -> &'static str {
    match kind {
        PersonaKind::Driver => "Driver",
        PersonaKind::Expressive => "Expressive",
        PersonaKind::Analytical => "Analytical",
        PersonaKind::Amiable => "Amiable",
    }
}

/// The candidate nearest to a misspelt id, if it is near enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}
