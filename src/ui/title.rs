//! The title screen: who is training, the running team session, start, and the way to
//! progress, sessions and leaderboards.

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, enter_pressed, palette, window_ui};
use crate::engine::{
    ActiveSession, ClassroomStatus, ContentLibrary, CurrentTrainee, JoinClassroom, JoinSession,
    JoinedClassroom, Records, RecordsProblem, RecordsSet, SelectTrainee,
};
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<NameDraft>()
        .init_resource::<ClassroomDraft>()
        .add_systems(OnEnter(Screen::Title), fill_name)
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Title)),
        )
        .add_systems(
            Update,
            (
                (keys, ask_for_trainee).chain().before(RecordsSet),
                enter_once_picked.after(RecordsSet),
            )
                .run_if(in_state(Screen::Title)),
        );
}

/// The name typed on the title screen, before it becomes the current trainee.
#[derive(Resource, Default)]
pub(super) struct NameDraft {
    pub name: String,
    /// Asked for this frame: the screen to go on to (the scenarios, or progress) as the trainee
    /// typed, by key or button alike.
    pub going: Option<Screen>,
    /// The trainee was asked for: go on to this screen once picked.
    pub awaiting: Option<Screen>,
    /// Start was asked for with no name typed.
    pub nameless: bool,
    /// The name field should take the keyboard focus (when the screen opens with no name, and
    /// after a start without one), so the trainee can just type.
    pub focus_name: bool,
}

/// The "Join a classroom" form: open or not, and what is typed in it.
#[derive(Resource, Default)]
pub(super) struct ClassroomDraft {
    pub open: bool,
    pub server: String,
    pub code: String,
}

/// The last trainee's name is ready to confirm; in a team session taking turns at this
/// computer the next trainee types theirs.
fn fill_name(
    mut draft: ResMut<NameDraft>,
    trainee: Res<CurrentTrainee>,
    session: Res<ActiveSession>,
    classroom: Res<JoinedClassroom>,
) {
    *draft = NameDraft::default();
    draft.name = match &trainee.0 {
        Some(trainee) if !super::taking_turns(&session, &classroom) => trainee.name.clone(),
        _ => String::new(),
    };
    // With a name already there, the single-key shortcuts (P, T, B…) matter more than typing.
    draft.focus_name = draft.name.is_empty();
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    session: Res<ActiveSession>,
    problem: Res<RecordsProblem>,
    mut draft: ResMut<NameDraft>,
    mut next: ResMut<NextState<Screen>>,
    mut classroom_form: ClassroomForm,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    let ready =
        classroom_form.joined.0.is_some() || library.get().is_some_and(|l| !l.scenarios.is_empty());
    egui::CentralPanel::default().show(&mut ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.08);
            ui.label(egui::RichText::new("销售道场 · Sales Dojo").size(56.0).color(palette::ACCENT));
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "大客户开发与维护 · 拜访模拟训练",
                    "Key-account development · cold-visit training",
                ))
                .size(24.0),
            );
            ui.add_space(24.0);
            if let Some(joined) = &classroom_form.joined.0 {
                ui.label(
                    egui::RichText::new(format!(
                        "{} {} · {} · {}",
                        tr(lang, "课堂", "Classroom"),
                        joined.code,
                        joined.server,
                        tr(lang, "输入你的姓名开始", "type your name to start")
                    ))
                    .size(24.0)
                    .color(palette::GOOD),
                );
                ui.add_space(8.0);
            } else if let Some(session) = &session.0 {
                ui.label(
                    egui::RichText::new(format!(
                        "{} {} · {}",
                        tr(lang, "团队场次", "Team session"),
                        session.code,
                        tr(lang, "下一位学员请输入姓名", "next trainee, type your name")
                    ))
                    .size(24.0)
                    .color(palette::GOOD),
                );
                ui.add_space(8.0);
            }
            ui.horizontal(|ui| {
                let width = 560.0;
                ui.add_space((ui.available_width() - width).max(0.0) / 2.0);
                ui.label(egui::RichText::new(tr(lang, "学员姓名", "Trainee")).size(22.0));
                let field = ui.add(
                    egui::TextEdit::singleline(&mut draft.name)
                        .hint_text(tr(lang, "输入你的名字", "type your name"))
                        .font(egui::FontId::proportional(24.0))
                        .desired_width(300.0),
                );
                if std::mem::take(&mut draft.focus_name) {
                    field.request_focus();
                }
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    draft.going = Some(Screen::Scenarios);
                }
            });
            // Recent trainees, one click away (not in a session: each trainee types their own).
            if !super::taking_turns(&session, &classroom_form.joined)
                && let Some(store) = records.lock()
            {
                let recent = store.trainees().unwrap_or_default();
                if !recent.is_empty() {
                    ui.horizontal(|ui| {
                        // Centred under the name field: egui rows start at the left.
                        ui.add_space((ui.available_width() - 560.0).max(0.0) / 2.0);
                        ui.label(egui::RichText::new(tr(lang, "最近：", "Recent:")).color(palette::MUTED));
                        for trainee in recent.iter().take(6) {
                            if ui.small_button(&trainee.name).clicked() {
                                draft.name = trainee.name.clone();
                            }
                        }
                    });
                }
            }
            ui.add_space(20.0);
            let named = !draft.name.trim().is_empty();
            let start = ui.add_enabled(
                ready && named,
                egui::Button::new(egui::RichText::new(tr(lang, "开始训练  (Enter)", "Start training  (Enter)")).size(26.0)),
            );
            if start.clicked() {
                draft.going = Some(Screen::Scenarios);
            }
            // Until a name is typed: it goes as soon as there is one.
            if draft.nameless && !named {
                ui.label(egui::RichText::new(tr(lang, "请先输入姓名，成绩会记在这个名字下", "Type your name first: results are kept under it")).color(palette::BAD));
            }
            if let Some(problem) = &problem.0 {
                ui.label(egui::RichText::new(problem).color(palette::BAD));
            }
            ui.add_space(16.0);
            ui.horizontal(|ui| {
                ui.add_space((ui.available_width() - 640.0).max(0.0) / 2.0);
                if ui.button(tr(lang, "我的进步 (P)", "My progress (P)")).clicked() {
                    draft.going = Some(Screen::Progress);
                }
                if ui.button(tr(lang, "团队场次 (T)", "Team session (T)")).clicked() {
                    next.set(Screen::Session);
                }
                if ui.button(tr(lang, "排行榜 (B)", "Leaderboard (B)")).clicked() {
                    next.set(Screen::Leaderboard);
                }
                if ui.button(tr(lang, "加入课堂 (J)", "Join a classroom (J)")).clicked() {
                    classroom_form.draft.open = !classroom_form.draft.open;
                }
                if ui.button(tr(lang, "English (L)", "中文 (L)")).clicked() {
                    settings.lang = lang.other();
                }
            });
            // The harder mode: no meters during the visit, only words, manner and cues.
            let mode = format!(
                "{} · {}",
                tr(
                    lang,
                    "读懂客户：拜访中隐藏计量表 (M)",
                    "Read the customer: meters hidden during the visit (M)"
                ),
                if settings.hide_meters {
                    tr(lang, "开", "on")
                } else {
                    tr(lang, "关", "off")
                }
            );
            if ui.selectable_label(settings.hide_meters, mode).clicked() {
                settings.hide_meters = !settings.hide_meters;
            }
            classroom_form.show(ui, lang);
            ui.add_space(24.0);
            if let Some(joined) = &classroom_form.joined.0 {
                ui.label(
                    egui::RichText::new(format!(
                        "{} {}",
                        tr(lang, "本课堂的场景（内容以课堂服务器为准）：", "Scenarios in this classroom, as its server plays them:"),
                        joined.libraries.len(),
                    ))
                    .color(palette::MUTED),
                );
            }
            match library.get().filter(|_| classroom_form.joined.0.is_none()) {
                None if classroom_form.joined.0.is_some() => {}
                None => {
                    ui.label(tr(lang, "正在加载场景……", "Loading scenarios…"));
                }
                Some(library) => {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {}",
                            library.scenarios.len(),
                            tr(lang, "个场景可练习", "scenarios to practise")
                        ))
                        .color(palette::MUTED),
                    );
                    let errors = library.errors().count();
                    if errors > 0 {
                        ui.label(
                            egui::RichText::new(format!(
                                "{errors} {}",
                                tr(
                                    lang,
                                    "个内容错误：出错的文件继续使用上一次正确的版本，详见右下角",
                                    "content errors: broken files keep their last good version (see the list)"
                                )
                            ))
                            .color(palette::BAD),
                        );
                    }
                }
            }
            if let Some(notice) = &records.notice {
                ui.label(egui::RichText::new(notice).color(palette::BAD));
            }
        });
    });
    Ok(())
}

/// The "Join a classroom" form and what it reports: joined, joining, why not, results waiting.
#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct ClassroomForm<'w> {
    draft: ResMut<'w, ClassroomDraft>,
    joined: Res<'w, JoinedClassroom>,
    status: Res<'w, ClassroomStatus>,
    joins: MessageWriter<'w, JoinClassroom>,
    leave: MessageWriter<'w, JoinSession>,
}

impl ClassroomForm<'_> {
    fn show(&mut self, ui: &mut egui::Ui, lang: crate::i18n::Lang) {
        super::waiting_to_send(ui, self.status.waiting, lang);
        for refused in &self.status.refused {
            ui.label(
                egui::RichText::new(format!(
                    "{} {refused}",
                    tr(lang, "服务器未接受：", "Not taken by the server:")
                ))
                .color(palette::BAD),
            );
        }
        if self.joined.0.is_some() {
            if ui
                .button(tr(lang, "离开课堂", "Leave the classroom"))
                .clicked()
            {
                self.leave.write(JoinSession(None));
            }
            return;
        }
        if !self.draft.open {
            return;
        }
        if self.draft.server.is_empty()
            && let Some(last) = &self.status.last_server
        {
            self.draft.server = last.clone();
        }
        egui::Frame::group(ui.style())
            .inner_margin(12.0)
            .show(ui, |ui| {
                ui.set_max_width(640.0);
                egui::Grid::new("classroom_form")
                    .num_columns(2)
                    .show(ui, |ui| {
                        ui.label(tr(lang, "服务器地址", "Server address"));
                        ui.add(
                            egui::TextEdit::singleline(&mut self.draft.server)
                                .hint_text("http://192.168.1.20:7878")
                                .desired_width(320.0),
                        );
                        ui.end_row();
                        ui.label(tr(lang, "场次代码", "Session code"));
                        let code = ui.add(
                            egui::TextEdit::singleline(&mut self.draft.code)
                                .hint_text(tr(
                                    lang,
                                    "投影上显示的代码",
                                    "the code on the projector",
                                ))
                                .desired_width(320.0),
                        );
                        ui.end_row();
                        let entered =
                            code.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        let join = ui.add_enabled(
                            !self.status.joining,
                            egui::Button::new(tr(lang, "加入", "Join")),
                        );
                        if join.clicked() || entered {
                            self.joins.write(JoinClassroom {
                                server: self.draft.server.clone(),
                                code: self.draft.code.clone(),
                            });
                        }
                        if self.status.joining {
                            ui.label(tr(lang, "正在连接……", "Connecting…"));
                        }
                        ui.end_row();
                    });
                if let Some(problem) = &self.status.problem {
                    ui.label(egui::RichText::new(problem).color(palette::BAD));
                }
            });
    }
}

/// Shortcuts work while no text field has the keyboard (so typing "Lin" never switches
/// the language). Enter starts once a name is typed.
fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    mut settings: ResMut<Settings>,
    mut draft: ResMut<NameDraft>,
    mut classroom: ResMut<ClassroomDraft>,
    mut next: ResMut<NextState<Screen>>,
) {
    if wants.wants_any_keyboard_input() {
        return;
    }
    if keys.just_pressed(KeyCode::KeyJ) {
        classroom.open = !classroom.open;
    }
    if keys.just_pressed(KeyCode::KeyL) {
        settings.lang = settings.lang.other();
    }
    if keys.just_pressed(KeyCode::KeyM) {
        settings.hide_meters = !settings.hide_meters;
    }
    if keys.just_pressed(KeyCode::KeyP) {
        draft.going = Some(Screen::Progress);
    }
    if keys.just_pressed(KeyCode::KeyT) {
        next.set(Screen::Session);
    }
    if keys.just_pressed(KeyCode::KeyB) {
        next.set(Screen::Leaderboard);
    }
    if enter_pressed(&keys) {
        draft.going = Some(Screen::Scenarios);
    }
}

/// Start or progress: the typed name becomes the current trainee (created if new) before the
/// next screen opens. Progress with no name typed shows the current trainee's.
fn ask_for_trainee(
    mut draft: ResMut<NameDraft>,
    library: Res<ContentLibrary>,
    classroom: Res<JoinedClassroom>,
    mut select: MessageWriter<SelectTrainee>,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(going) = draft.going.take() else {
        return;
    };
    let named = !draft.name.trim().is_empty();
    if going == Screen::Progress && !named {
        next.set(Screen::Progress);
        return;
    }
    let ready = classroom.0.is_some() || library.get().is_some_and(|l| !l.scenarios.is_empty());
    draft.nameless = !named;
    draft.focus_name = !named;
    if (ready || going == Screen::Progress) && named {
        select.write(SelectTrainee(draft.name.clone()));
        draft.awaiting = Some(going);
    }
}

/// Goes on to the scenarios once the trainee is picked; stays if the name was refused.
fn enter_once_picked(
    mut draft: ResMut<NameDraft>,
    trainee: Res<CurrentTrainee>,
    problem: Res<RecordsProblem>,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(going) = draft.awaiting else {
        return;
    };
    let picked = trainee
        .0
        .as_ref()
        .is_some_and(|t| t.name.to_lowercase() == draft.name.trim().to_lowercase());
    if picked {
        draft.awaiting = None;
        next.set(going);
    } else if problem.0.is_some() {
        draft.awaiting = None;
    }
}

#[cfg(test)]
mod tests {
    use bevy::state::app::StatesPlugin;

    use super::*;
    use crate::engine::{RecordsPlugin, headless_app};
    use crate::i18n::Lang;
    use crate::paths::ContentRoot;

    /// The title screen's input systems over the real engine and records plugins, no window.
    fn title_app(data: &std::path::Path) -> App {
        let root = ContentRoot {
            root: env!("CARGO_MANIFEST_DIR").into(),
        };
        let mut app = headless_app(&root);
        app.add_plugins((
            StatesPlugin,
            RecordsPlugin {
                dir: data.to_path_buf(),
                database: None,
            },
        ))
        .add_plugins(crate::engine::ClassroomPlugin::default())
        .init_state::<Screen>()
        .insert_resource(Settings {
            lang: Lang::En,
            hide_meters: false,
        })
        .init_resource::<ButtonInput<KeyCode>>()
        .init_resource::<EguiWantsInput>();
        plugin(&mut app);
        for _ in 0..500 {
            app.update();
            if app.world().resource::<ContentLibrary>().get().is_some() {
                return app;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the content did not load");
    }

    fn press(app: &mut App, key: KeyCode) {
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .press(key);
        app.update();
        let mut keys = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        keys.release(key);
        keys.clear();
    }

    fn data_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("salesdojo-title-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn trainee(app: &App) -> Option<String> {
        let current = app.world().resource::<CurrentTrainee>();
        current.0.as_ref().map(|t| t.name.clone())
    }

    #[test]
    fn p_opens_the_progress_of_the_name_typed_as_the_button_does() {
        let dir = data_dir("progress");
        let mut app = title_app(&dir);
        app.world_mut().resource_mut::<NameDraft>().name = "Ola".into();
        press(&mut app, KeyCode::KeyP);
        app.update();
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::Progress
        );
        assert_eq!(
            trainee(&app).as_deref(),
            Some("Ola"),
            "the progress shown is Ola's"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Back on the title screen after a visit: a trainee on their own laptop in a classroom
    /// keeps their name; at a computer shared in a team session the next one types theirs.
    #[test]
    fn the_name_stays_on_a_classroom_laptop_and_clears_for_the_next_trainee_in_turns() {
        let dir = data_dir("turns");
        let mut app = title_app(&dir);
        app.world_mut().write_message(SelectTrainee("Lin".into()));
        let session = crate::store::Session {
            code: "ROOM1".into(),
            seed: 7,
            scenarios: vec!["drill_price_objection".into()],
            created_at: 0,
            versions: Default::default(),
            ended_at: None,
        };
        app.world_mut().resource_mut::<ActiveSession>().0 = Some(session);
        let back_to_title = |app: &mut App| {
            app.world_mut()
                .resource_mut::<NextState<Screen>>()
                .set(Screen::Progress);
            app.update();
            app.world_mut()
                .resource_mut::<NextState<Screen>>()
                .set(Screen::Title);
            app.update();
            app.world().resource::<NameDraft>().name.clone()
        };
        assert_eq!(
            back_to_title(&mut app),
            "",
            "taking turns: the next trainee types"
        );
        app.world_mut().resource_mut::<JoinedClassroom>().0 = Some(crate::server::client::Joined {
            server: "http://127.0.0.1:7878".into(),
            code: "ROOM1".into(),
            seed: 7,
            libraries: Vec::new(),
        });
        assert_eq!(
            back_to_title(&mut app),
            "Lin",
            "a laptop of one's own keeps the name"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn enter_picks_the_trainee_and_opens_the_scenarios_at_once() {
        let dir = data_dir("enter");
        let mut app = title_app(&dir);
        app.world_mut().resource_mut::<NameDraft>().name = "张伟".into();
        // The key is read, the trainee picked and the next screen asked for in one frame,
        // because the title's systems are ordered around the records' set; the next frame
        // makes the change of screen.
        press(&mut app, KeyCode::Enter);
        assert_eq!(trainee(&app).as_deref(), Some("张伟"));
        app.update();
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::Scenarios
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
