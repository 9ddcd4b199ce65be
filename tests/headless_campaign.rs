//! An account campaign played through the real engine plugins under `MinimalPlugins`: started
//! and advanced by messages, ended, scored as the campaign engine scores it, and saved for the
//! trainee by the records plugin.

mod support;

use bevy::prelude::*;
use salesdojo::content::AccountStage;
use salesdojo::engine::{
    ActiveCampaign, CampaignChoice, CampaignEnded, LastSave, RecordsPlugin, SelectTrainee,
    StartCampaign, headless_app,
};
use salesdojo::paths::ContentRoot;
use salesdojo::store::{ResultFilter, Store};
use support::game::update_until;
use support::{TempDir, repo};

const HENGTONG: &str = "hengtong_account";

/// The real engine plugins and the records plugin, once the content library has loaded.
fn loaded_app(data: &TempDir) -> App {
    let mut app = headless_app(&ContentRoot {
        root: repo().into(),
    });
    app.add_plugins(RecordsPlugin {
        dir: data.path().to_path_buf(),
        database: None,
    });
    update_until(&mut app, "the content library", |_| true);
    app
}

#[test]
fn the_engine_plugins_play_a_campaign_to_its_end_and_save_it() {
    let data = TempDir::new();
    let mut app = loaded_app(&data);
    app.world_mut().write_message(SelectTrainee("Lin".into()));
    app.world_mut().write_message(StartCampaign {
        campaign: HENGTONG.into(),
        seed: 1,
    });
    app.update();
    for number in support::HENGTONG_BEST.split(',') {
        let number: usize = number.parse().unwrap();
        app.world_mut()
            .write_message(CampaignChoice::Listed(number - 1));
        app.update();
    }
    assert!(
        !app.world().resource::<Messages<CampaignEnded>>().is_empty(),
        "the campaign did not end"
    );
    let active = app.world().resource::<ActiveCampaign>();
    let run = active.0.as_ref().expect("a campaign is active");
    let score = run.score().expect("scored");
    assert_eq!(
        (score.total, score.stage),
        (100, AccountStage::StrategicCooperation)
    );
    let LastSave::Saved { trainee, .. } = app.world().resource::<LastSave>() else {
        panic!("not saved: {:?}", app.world().resource::<LastSave>())
    };
    assert_eq!(trainee, "Lin");
    let store = Store::open(data.path()).unwrap().store;
    let stored = store.results(&ResultFilter::default()).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (
            stored[0].scenario.as_str(),
            stored[0].score,
            stored[0].outcome.as_str()
        ),
        (HENGTONG, 100, "strategic_cooperation")
    );
    let choices: Vec<usize> = serde_json::from_str(&stored[0].choices).unwrap();
    assert_eq!(choices, run.choices());
}
