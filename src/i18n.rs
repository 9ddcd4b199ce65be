//! The two languages of the game and bilingual text.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The language the trainee reads the game in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "zh" | "cn" | "zh-cn" | "chinese" => Some(Lang::Zh),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// A text shown to the trainee, always written in both languages. Shared, not copied: a visit
/// and its score repeat the scenario's texts many times over.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Written", into = "Written")]
pub struct Text {
    pub zh: Arc<str>,
    pub en: Arc<str>,
}

/// A text as files and records spell it.
#[derive(Serialize, Deserialize)]
struct Written {
    zh: String,
    en: String,
}

impl From<Written> for Text {
    fn from(written: Written) -> Text {
        Text::new(written.zh, written.en)
    }
}

impl From<Text> for Written {
    fn from(text: Text) -> Written {
        Written {
            zh: text.zh.to_string(),
            en: text.en.to_string(),
        }
    }
}

impl Text {
    pub fn new(zh: impl Into<Arc<str>>, en: impl Into<Arc<str>>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Picks the string of the current language from a pair written inline in code.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

use crate::content::{AccountStage, ContactRole, Outcome, PersonaKind, SceneKind};

pub fn outcome_name(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        // The course's own four names (Stage 3 · Closing).
        Outcome::Order => tr(lang, "订单", "Order"),
        Outcome::Advance => tr(lang, "有进展", "Advance"),
        Outcome::Continuation => tr(lang, "暂时中断", "Continuation"),
        Outcome::NoSale => tr(lang, "没有成交", "No sale"),
    }
}

pub fn persona_name(kind: PersonaKind, lang: Lang) -> &'static str {
    match kind {
        PersonaKind::Driver => tr(lang, "决策高手", "Driver"),
        PersonaKind::Expressive => tr(lang, "公关高手", "Expressive"),
        PersonaKind::Analytical => tr(lang, "分析高手", "Analytical"),
        PersonaKind::Amiable => tr(lang, "EQ高手", "Amiable"),
    }
}

/// Who speaks a beat's line: the customer, or, before the door, the trainee's own preparation
/// (a manager's question, a checklist).
pub fn speaker_name(kind: SceneKind, lang: Lang) -> &'static str {
    match kind {
        SceneKind::Preparation => tr(lang, "出发之前", "Before you set off"),
        _ => tr(lang, "客户", "Customer"),
    }
}

/// How a reply's `thinking` is introduced: the customer's thought, or, before the door,
/// the feedback on what was prepared.
pub fn thought_name(kind: SceneKind, lang: Lang) -> &'static str {
    match kind {
        SceneKind::Preparation => tr(lang, "反馈", "Feedback"),
        _ => tr(lang, "客户心想", "The customer thought"),
    }
}

pub fn scene_name(kind: SceneKind, lang: Lang) -> &'static str {
    match kind {
        SceneKind::Preparation => tr(lang, "拜访准备", "Preparation"),
        SceneKind::Visit => tr(lang, "拜访", "Visit"),
        SceneKind::NeedsDiscovery => tr(lang, "需求挖掘", "Needs discovery"),
        SceneKind::Quote => tr(lang, "报价", "Quote"),
        SceneKind::Objection => tr(lang, "异议处理", "Objection"),
    }
}

/// The four stages of a key-account relationship (§4a).
pub fn stage_name(stage: AccountStage, lang: Lang) -> &'static str {
    match stage {
        AccountStage::Development => tr(lang, "开发阶段", "Development"),
        AccountStage::InitialCooperation => tr(lang, "初期合作", "Initial cooperation"),
        AccountStage::StableCooperation => tr(lang, "稳定合作", "Stable cooperation"),
        AccountStage::StrategicCooperation => tr(lang, "战略合作", "Strategic cooperation"),
    }
}

/// The part a contact plays in the sale (§2a).
pub fn role_name(role: ContactRole, lang: Lang) -> &'static str {
    match role {
        ContactRole::Coach => tr(lang, "线人", "Coach"),
        ContactRole::KeyPerson => tr(lang, "关键人", "Key person"),
        ContactRole::DecisionMaker => tr(lang, "决策人", "Decision maker"),
        ContactRole::TopManagement => tr(lang, "高层", "Top management"),
    }
}
