//! The team lead's screen: start a team session (scenarios, one seed for everyone, a short
//! code), resume an earlier one, or end the running one.

use std::collections::BTreeSet;

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, palette, window_ui};
use crate::engine::{
    ActiveSession, ClassroomStatus, ContentLibrary, CreateClassroomSession, EndClassroomSession,
    JoinSession, JoinedClassroom, Records,
};
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SessionDraft>()
        .add_systems(OnEnter(Screen::Session), fresh_draft)
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Session)),
        )
        .add_systems(Update, keys.run_if(in_state(Screen::Session)));
}

/// The session being set up.
#[derive(Resource, Default)]
struct SessionDraft {
    scenarios: BTreeSet<String>,
    seed: String,
    problem: Option<String>,
    /// Made on a classroom server rather than on this computer.
    on_server: bool,
    server: String,
    token: String,
}

/// The classroom server on this laptop, unless another was joined before.
const LOCAL_SERVER: &str = "127.0.0.1:7878";

/// A fresh seed; the last classroom address, and the trainer token `serve` keeps in the same
/// data folder, so a trainer whose laptop runs the server types neither.
fn fresh_draft(
    mut draft: ResMut<SessionDraft>,
    status: Res<ClassroomStatus>,
    records: Res<Records>,
) {
    *draft = SessionDraft {
        seed: rand::random::<u32>().to_string(),
        server: status
            .last_server
            .clone()
            .unwrap_or_else(|| LOCAL_SERVER.into()),
        token: crate::server::kept_token(&records.dir).unwrap_or_default(),
        ..default()
    };
}

/// What trainees type to join: this laptop's network addresses when the server runs on it.
fn addresses_for_trainees(server: &str) -> Vec<String> {
    let bare = server.trim().trim_start_matches("http://");
    let local = bare
        .rsplit_once(':')
        .filter(|(host, _)| matches!(*host, "127.0.0.1" | "localhost" | "[::1]"))
        .and_then(|(_, port)| port.parse::<u16>().ok());
    match local {
        Some(port) => crate::server::join_addresses(std::net::SocketAddr::from(([0; 4], port))),
        None => vec![server.to_string()],
    }
}

/// The server side of the session screen: the classroom joined, its status, trainer actions.
#[derive(bevy::ecs::system::SystemParam)]
struct ClassroomSide<'w> {
    joined: Res<'w, JoinedClassroom>,
    status: Res<'w, ClassroomStatus>,
    create: MessageWriter<'w, CreateClassroomSession>,
    end: MessageWriter<'w, EndClassroomSession>,
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    active: Res<ActiveSession>,
    mut draft: ResMut<SessionDraft>,
    mut join: MessageWriter<JoinSession>,
    mut next: ResMut<NextState<Screen>>,
    mut classroom: ClassroomSide,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let titles = |ids: &[String]| match library.get() {
        Some(library) => library.titles(ids, lang),
        None => ids.join(", "),
    };
    let mut ui = window_ui(ctx);
    egui::Panel::top("session_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button(tr(lang, "← 返回 (Esc)", "← Back (Esc)"))
                .clicked()
            {
                next.set(Screen::Title);
            }
            ui.heading(tr(lang, "团队场次", "Team session"));
        });
    });
    let Some(store) = records.lock() else {
        egui::CentralPanel::default().show(&mut ui, |ui| {
            ui.label(
                egui::RichText::new(records.notice.clone().unwrap_or_default()).color(palette::BAD),
            );
        });
        return Ok(());
    };
    // Earlier sessions beside the new one, so a team lead sees both without scrolling.
    let sessions = store.sessions().unwrap_or_default();
    if active.0.is_none() && !sessions.is_empty() {
        egui::Panel::right("session_earlier")
            .exact_size(480.0)
            .show(&mut ui, |ui| {
                ui.label(
                    egui::RichText::new(tr(lang, "继续以前的场次", "Resume an earlier session"))
                        .size(22.0),
                );
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for session in sessions.iter().take(10) {
                        if ui.button(&session.code).clicked() {
                            join.write(JoinSession(Some(session.code.clone())));
                        }
                        ui.label(
                            egui::RichText::new(format!(
                                "{} {} · {}",
                                tr(lang, "种子", "seed"),
                                session.seed,
                                titles(&session.scenarios)
                            ))
                            .color(palette::MUTED),
                        );
                        ui.add_space(6.0);
                    }
                });
            });
    }
    egui::CentralPanel::default().show(&mut ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            if let Some(session) = &active.0 {
                ui.label(
                    egui::RichText::new(tr(lang, "进行中的场次", "Running session"))
                        .color(palette::MUTED),
                );
                ui.label(
                    egui::RichText::new(&session.code)
                        .size(72.0)
                        .color(palette::ACCENT),
                );
                ui.label(format!(
                    "{} {} · {}",
                    tr(lang, "种子", "seed"),
                    session.seed,
                    titles(&session.scenarios)
                ));
                if let Some(joined) = &classroom.joined.0 {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {}",
                            tr(
                                lang,
                                "学员在“加入课堂”输入：",
                                "Trainees type under “Join a classroom”:"
                            ),
                            addresses_for_trainees(&joined.server).join("  ")
                        ))
                        .size(24.0),
                    );
                    ui.label(format!(
                        "{} {}/board/{}",
                        tr(lang, "投影页面：", "Projector page:"),
                        joined.server,
                        joined.code
                    ));
                }
                ui.horizontal(|ui| {
                    if ui
                        .button(tr(lang, "学员开始 (Enter)", "Trainees start (Enter)"))
                        .clicked()
                    {
                        next.set(Screen::Title);
                    }
                    if ui
                        .button(tr(lang, "排行榜 (B)", "Leaderboard (B)"))
                        .clicked()
                    {
                        next.set(Screen::Leaderboard);
                    }
                    if classroom.joined.0.is_none() {
                        if ui.button(tr(lang, "结束场次", "End session")).clicked() {
                            join.write(JoinSession(None));
                        }
                        return;
                    }
                    if ui
                        .button(tr(lang, "离开课堂", "Leave the classroom"))
                        .clicked()
                    {
                        join.write(JoinSession(None));
                    }
                    let end = ui.add_enabled(
                        !draft.token.trim().is_empty(),
                        egui::Button::new(tr(
                            lang,
                            "在服务器上结束场次",
                            "End the session on the server",
                        )),
                    );
                    if end.clicked() {
                        classroom.end.write(EndClassroomSession {
                            token: draft.token.clone(),
                        });
                    }
                });
                if classroom.joined.0.is_some() {
                    token_field(ui, &mut draft.token, lang);
                }
                if let Some(problem) = &classroom.status.problem {
                    ui.label(egui::RichText::new(problem).color(palette::BAD));
                }
                return;
            }
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "新场次：每位学员见到同一位客户",
                    "New session: every trainee meets the same customer",
                ))
                .size(24.0),
            );
            if let Some(library) = library.get() {
                // A list of its own, so the seed and the create button stay in view below it
                // however many scenarios there are.
                egui::ScrollArea::vertical()
                    .id_salt("session_scenarios")
                    .max_height(340.0)
                    .show(ui, |ui| {
                        let scenarios = library.scenarios.iter().map(|(id, s)| (id, &s.title));
                        let campaigns = library.campaigns.iter().map(|(id, c)| (id, &c.title));
                        for (id, title) in scenarios.chain(campaigns) {
                            let mut on = draft.scenarios.contains(id);
                            if ui.checkbox(&mut on, title.get(lang)).changed() {
                                if on {
                                    draft.scenarios.insert(id.clone());
                                } else {
                                    draft.scenarios.remove(id);
                                }
                            }
                        }
                    });
            }
            ui.horizontal(|ui| {
                ui.label(tr(
                    lang,
                    "种子（决定客户的具体表现）",
                    "Seed (which variant of the customer)",
                ));
                ui.add(egui::TextEdit::singleline(&mut draft.seed).desired_width(160.0));
            });
            ui.checkbox(
                &mut draft.on_server,
                tr(
                    lang,
                    "在课堂服务器上（学员用自己的电脑加入）",
                    "On the classroom server (trainees join from their own laptops)",
                ),
            );
            if draft.on_server {
                ui.horizontal(|ui| {
                    ui.label(tr(lang, "服务器地址", "Server address"));
                    ui.add(egui::TextEdit::singleline(&mut draft.server).desired_width(320.0));
                });
                token_field(ui, &mut draft.token, lang);
            }
            let create = ui.add_enabled(
                !draft.scenarios.is_empty(),
                egui::Button::new(
                    egui::RichText::new(tr(lang, "创建场次", "Create session")).size(24.0),
                ),
            );
            if create.clicked() {
                match draft.seed.trim().parse::<u64>() {
                    Err(_) => {
                        draft.problem = Some(
                            tr(
                                lang,
                                "种子必须是一个非负整数",
                                "The seed must be a whole number, 0 or more",
                            )
                            .into(),
                        );
                    }
                    Ok(seed) if draft.on_server => {
                        draft.problem = None;
                        classroom.create.write(CreateClassroomSession {
                            server: draft.server.clone(),
                            token: draft.token.clone(),
                            scenarios: draft.scenarios.iter().cloned().collect(),
                            seed,
                        });
                    }
                    Ok(seed) => {
                        let scenarios: Vec<String> = draft.scenarios.iter().cloned().collect();
                        let Some(library) = library.get() else {
                            return;
                        };
                        match store.create_session(library, &scenarios, seed, None) {
                            Ok(session) => {
                                draft.problem = None;
                                join.write(JoinSession(Some(session.code)));
                            }
                            Err(err) => draft.problem = Some(err.to_string()),
                        }
                    }
                }
            }
            if let Some(problem) = &draft.problem {
                ui.label(egui::RichText::new(problem).color(palette::BAD));
            }
            if draft.on_server {
                if classroom.status.joining {
                    ui.label(tr(lang, "正在连接服务器……", "Contacting the server…"));
                } else if let Some(problem) = &classroom.status.problem {
                    ui.label(egui::RichText::new(problem).color(palette::BAD));
                }
            }
        });
    });
    Ok(())
}

fn token_field(ui: &mut egui::Ui, token: &mut String, lang: crate::i18n::Lang) {
    ui.horizontal(|ui| {
        ui.label(tr(lang, "讲师口令", "Trainer token"));
        ui.add(
            egui::TextEdit::singleline(token)
                .password(true)
                .hint_text(tr(
                    lang,
                    "serve 显示的 trainer token",
                    "the trainer token serve printed",
                ))
                .desired_width(320.0),
        );
    });
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    active: Res<ActiveSession>,
    mut next: ResMut<NextState<Screen>>,
) {
    if wants.wants_any_keyboard_input() {
        return;
    }
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Title);
    } else if keys.just_pressed(KeyCode::KeyB) {
        next.set(Screen::Leaderboard);
    } else if active.0.is_some() && super::enter_pressed(&keys) {
        next.set(Screen::Title);
    }
}

#[cfg(test)]
mod tests {
    use bevy::ecs::system::RunSystemOnce;

    use super::*;
    use crate::engine::{ClassroomPlugin, RecordsPlugin};

    /// On the laptop that runs `serve` with the same data folder, the trainer types neither the
    /// address nor the token.
    #[test]
    fn the_session_form_offers_this_laptops_server_and_its_kept_token() {
        let dir = std::env::temp_dir().join(format!("salesdojo-session-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(crate::server::TOKEN_FILE), "kept-token\n").unwrap();
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            RecordsPlugin {
                dir: dir.clone(),
                database: None,
            },
            ClassroomPlugin::default(),
        ))
        .init_resource::<SessionDraft>();
        app.world_mut().run_system_once(fresh_draft).unwrap();
        let draft = app.world().resource::<SessionDraft>();
        assert_eq!(draft.server, "127.0.0.1:7878");
        assert_eq!(draft.token, "kept-token");
        assert!(draft.seed.parse::<u64>().is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn trainees_are_told_this_laptops_network_addresses_not_loopback() {
        let everywhere = std::net::SocketAddr::from(([0; 4], 7878));
        assert_eq!(
            addresses_for_trainees("http://127.0.0.1:7878"),
            crate::server::join_addresses(everywhere)
        );
        assert_eq!(
            addresses_for_trainees("http://trainer-laptop:7878"),
            ["http://trainer-laptop:7878"]
        );
    }
}
