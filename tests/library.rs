//! The scenario library as a trainer relies on it: every scenario has a pinned best path that
//! scores at least 90 with an order or an advance, a pinned poor path that scores at most 40,
//! and a pinned path to each of its endings. Adding a scenario without pinning it fails here.

mod support;

use std::collections::BTreeSet;

use salesdojo::content::{Library, Outcome, PersonaKind, PersonaSpec, SceneKind};
use salesdojo::sim::{Expression, Visit, scoring};

/// One scenario's pinned paths: choice numbers as the file lists them, played with seed 1.
struct Pinned {
    id: &'static str,
    /// The best path, per persona for a mystery customer (`None`: the seed's own draw).
    best: &'static [(Option<PersonaKind>, &'static [usize])],
    poor: &'static [usize],
    /// One path to each ending of the file (with a persona where the ending needs one).
    endings: &'static [(&'static str, Option<PersonaKind>, &'static [usize])],
}

use PersonaKind::{Amiable, Analytical, Driver, Expressive};

const LIBRARY: &[Pinned] = &[
    Pinned {
        id: "huaji_competitor_intel",
        best: &[(None, &[3, 1, 2, 1, 4, 2, 1, 2, 3, 1, 1, 2, 2, 3, 2])],
        poor: &[2, 2, 4, 3, 3, 4, 4, 4, 1],
        endings: &[
            (
                "fang_meeting",
                None,
                &[3, 1, 2, 1, 4, 2, 1, 2, 3, 1, 1, 2, 2, 3, 2],
            ),
            (
                "zhou_records",
                None,
                &[3, 1, 2, 1, 4, 2, 1, 2, 3, 1, 1, 2, 2, 4],
            ),
            (
                "test_pack_order",
                None,
                &[3, 1, 2, 1, 4, 2, 1, 2, 3, 1, 1, 2, 2, 2],
            ),
            (
                "keep_in_touch",
                None,
                &[3, 1, 2, 1, 4, 2, 1, 2, 3, 1, 1, 2, 2, 1],
            ),
            ("lin_steps_back", None, &[2, 2, 4, 3, 3, 4, 4, 4, 1]),
        ],
    },
    Pinned {
        id: "drill_group_presentation",
        best: &[(None, &[2, 3, 1, 2, 1, 3, 2, 1, 3, 2, 1, 2])],
        poor: &[1, 2, 2, 1, 2, 1, 3, 2, 1, 3, 3, 3],
        endings: &[
            ("order", None, &[2, 3, 1, 2, 1, 3, 2, 1, 3, 2, 1, 2]),
            ("agenda", None, &[2, 3, 2, 3, 1, 3, 2, 1, 3, 2, 1, 2]),
            ("minutes", None, &[2, 3, 1, 2, 1, 3, 2, 1, 3, 2, 1, 1]),
            ("lost", None, &[1, 2, 2, 1, 2, 1, 3, 2, 1, 3, 3, 3]),
        ],
    },
    Pinned {
        id: "expressive_referral_visit",
        best: &[(None, &[2, 1, 2, 3, 1, 2, 3, 3, 3, 2, 4, 2, 4, 3])],
        poor: &[1, 3, 1, 3, 3, 2, 1, 1, 3, 1],
        endings: &[
            (
                "team_meeting",
                None,
                &[2, 1, 2, 3, 1, 2, 3, 3, 3, 2, 4, 2, 4, 3],
            ),
            ("tuesday_generic", None, &[2, 1, 2, 3, 1, 2, 3, 3, 3, 2, 2]),
            (
                "flagship_order",
                None,
                &[2, 1, 2, 3, 1, 2, 3, 3, 3, 2, 4, 2, 1],
            ),
            ("send_it_over", None, &[2, 1, 2, 3, 1, 1]),
            (
                "date_drifts",
                None,
                &[2, 1, 2, 3, 1, 2, 3, 3, 3, 2, 4, 2, 2],
            ),
            ("left_at_desk", None, &[2, 1, 2, 2]),
            ("shown_out", None, &[2, 1, 2, 1]),
            ("pushed_away", None, &[2, 1, 2, 3, 1, 2, 3, 3, 3, 2, 3]),
        ],
    },
    Pinned {
        id: "drill_prospecting_door",
        best: &[(None, &[2, 3, 1, 2, 3, 1, 2, 2, 3])],
        poor: &[1, 1, 2, 3, 1, 2, 1, 3, 4],
        endings: &[
            ("peer_intro", None, &[2, 3, 1, 2, 3, 1, 2, 2, 3]),
            ("call_later", None, &[2, 3, 1, 2, 3, 1, 2, 2, 2]),
            ("shown_out", None, &[2, 3, 1, 1, 1]),
            ("walked_away", None, &[2, 3, 1, 3]),
            ("dropped", None, &[2, 2]),
        ],
    },
    Pinned {
        id: "huaji_tender_evaluation",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 3, 2, 3, 2, 2, 2, 3, 2, 2, 3, 1, 3],
        endings: &[
            (
                "spec_clause",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            (
                "clause_on_hold",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "reference_visit",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            ("send_data", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),
            ("no_further", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]),
        ],
    },
    Pinned {
        id: "huaji_award_decision",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 2, 2, 2, 3, 2, 2, 3, 2, 4, 2, 3, 3],
        endings: &[
            (
                "award_won",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            (
                "award_held",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "final_presentation",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "committee_decides",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3],
            ),
            (
                "stericor_awarded",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
        ],
    },
    Pinned {
        id: "shiye_summer_breakdown",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 3, 2, 2, 3, 3, 3, 2, 2, 2, 3],
        endings: &[
            (
                "ten_more_shops",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            ("order_held", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]),
            (
                "august_review",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1],
            ),
            (
                "after_summer",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2],
            ),
            ("trial_ended", None, &[1, 1, 1, 1, 1, 1, 1, 1, 4]),
        ],
    },
    Pinned {
        id: "shiye_new_coo",
        best: &[
            (Some(Driver), &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
            (
                Some(Analytical),
                &[2, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 3, 1],
            ),
        ],
        poor: &[3, 3, 4, 2, 3, 1, 3, 3, 2, 2, 2, 3, 2, 4],
        endings: &[
            (
                "framework_signed",
                Some(Driver),
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            (
                "order_held",
                Some(Driver),
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "scorecard_review",
                Some(Driver),
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1],
            ),
            (
                "send_it_over",
                Some(Driver),
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2],
            ),
            (
                "shut_out",
                Some(Driver),
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4],
            ),
        ],
    },
    Pinned {
        id: "hengtong_pilot_proposal",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 3, 1, 2, 2, 2, 2, 3, 2, 2, 2, 3, 4],
        endings: &[
            (
                "pilot_signed",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            (
                "pilot_held",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "five_truck_trial",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "chen_meeting",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3],
            ),
            (
                "send_report",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4],
            ),
            ("huada_stays", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]),
        ],
    },
    Pinned {
        id: "hengtong_gm_new_warehouse",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 4, 1, 1, 1, 3, 2, 2, 2, 2, 3, 3],
        endings: &[
            (
                "fleet_framework",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            (
                "award_held",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            (
                "planning_workshop",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
            ),
            ("send_data", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),
            ("lianli_bundle", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]),
        ],
    },
    Pinned {
        id: "drill_account_preparation",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 3, 2, 2, 3, 2],
        endings: &[
            ("survey", None, &[1, 1, 1, 1, 1, 1, 1]),
            ("send_info", None, &[1, 1, 1, 1, 1, 1, 3]),
            ("no_time", None, &[1, 1, 1, 1, 1, 1, 2]),
            ("dropped", None, &[1, 3]),
        ],
    },
    Pinned {
        id: "expressive_teashop_expansion",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 2],
        endings: &[
            (
                "two_shop_trial",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            ),
            (
                "after_the_round",
                None,
                &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3],
            ),
            ("back_to_qian", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),
            ("hefei_order", None, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4]),
            ("dropped", None, &[1, 3]),
        ],
    },
    Pinned {
        id: "drill_trust_amiable",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 3, 3, 2, 2, 3],
        endings: &[
            ("songhe_and_trial", None, &[1, 1, 1, 1, 1, 1, 1, 1]),
            ("ask_the_dean", None, &[1, 1, 1, 1, 1, 1, 1, 3]),
            ("kangning_stays", None, &[1, 1, 1, 1, 1, 1, 1, 2]),
        ],
    },
    Pinned {
        id: "drill_trust_expressive",
        best: &[(None, &[1, 1, 1, 1, 1, 1, 1, 1])],
        poor: &[2, 2, 2, 2, 2, 2, 2, 3],
        endings: &[
            ("chunxi_trial", None, &[1, 1, 1, 1, 1, 1, 1, 1]),
            ("send_material", None, &[1, 1, 1, 1, 1, 1, 1, 3]),
            ("stick_with_imports", None, &[1, 1, 1, 1, 1, 1, 1, 2]),
        ],
    },
    Pinned {
        id: "drill_objection_principles",
        best: &[(None, &[2, 2, 2, 2, 3, 2, 3, 2])],
        poor: &[1, 1, 1, 1, 1, 1, 2, 2],
        endings: &[
            ("pilot_agreed", None, &[2, 2, 2, 2, 3, 2, 3, 2]),
            ("written_proposal", None, &[1, 1, 1, 1, 1, 1, 2, 2]),
            ("paper_answers", None, &[2, 3]),
            ("after_peak", None, &[2, 2, 2, 2, 4]),
            ("match_price", None, &[2, 2, 2, 2, 3, 2, 1]),
            ("shown_out", None, &[2, 2, 2, 2, 2]),
        ],
    },
    Pinned {
        id: "drill_objection_techniques",
        best: &[(None, &[3, 2, 3, 2, 2, 3, 2])],
        poor: &[2, 1, 1, 1, 3, 1, 3],
        endings: &[
            ("sample_test", None, &[3, 2, 3, 2, 2, 3, 2]),
            ("report_first", None, &[3, 1, 3, 2, 2, 3, 2]),
            ("closed_door", None, &[3, 2, 3, 2, 2, 3, 1]),
        ],
    },
    Pinned {
        id: "analytical_equipment_director",
        best: &[(None, &[2, 3, 1, 2, 4, 1, 3, 2, 3, 1, 3, 2, 3, 4, 2])],
        poor: &[1, 1, 2, 2, 1, 3, 1, 3, 2, 1],
        endings: &[
            (
                "order_signed",
                None,
                &[2, 3, 1, 2, 4, 1, 3, 2, 3, 1, 3, 2, 3, 4, 2],
            ),
            (
                "order_slipped",
                None,
                &[2, 3, 1, 2, 4, 1, 3, 2, 3, 1, 3, 2, 3, 4, 1],
            ),
            (
                "demo_agreed",
                None,
                &[2, 4, 1, 2, 3, 4, 2, 3, 2, 1, 2, 2, 2, 4, 1],
            ),
            (
                "reference_visit",
                None,
                &[1, 1, 3, 1, 1, 3, 1, 3, 2, 2, 1, 3, 2, 3, 3],
            ),
            (
                "tell_the_boss",
                None,
                &[2, 3, 1, 2, 3, 1, 3, 3, 3, 1, 2, 2, 3, 2],
            ),
            (
                "leave_material",
                None,
                &[1, 3, 1, 1, 2, 1, 1, 1, 1, 3, 3, 2, 3, 3, 3],
            ),
            ("brushed_off", None, &[1, 1, 2, 2, 1, 3, 1, 3, 2, 1]),
            (
                "shown_out",
                None,
                &[1, 3, 3, 2, 3, 2, 1, 2, 4, 2, 2, 3, 2, 2, 1, 1],
            ),
        ],
    },
    Pinned {
        id: "driver_price_objection",
        best: &[(None, &[3, 3, 2, 3, 2, 4, 3, 2, 3, 3, 2, 2])],
        poor: &[4, 3, 2, 1, 1, 3, 1],
        endings: &[
            ("order_signed", None, &[3, 3, 2, 3, 2, 4, 3, 2, 3, 3, 2, 2]),
            ("order_slipped", None, &[3, 3, 2, 3, 2, 4, 3, 2, 3, 3, 2, 1]),
            ("huatai_visit", None, &[3, 3, 2, 3, 3, 4, 1, 3, 1, 4, 2, 2]),
            ("send_quote", None, &[3, 3, 2, 3, 2, 3, 3]),
            ("think_it_over", None, &[3, 3, 2, 3, 3, 4, 1, 3, 1, 4, 1]),
            ("went_deli", None, &[1, 1, 1]),
            ("shown_out", None, &[3, 3, 2, 3, 2, 1, 1]),
        ],
    },
    Pinned {
        id: "driver_typhoon_dealer",
        best: &[(None, &[2, 2, 3, 2, 1, 1, 2, 2, 2, 1, 2, 2])],
        poor: &[3, 1, 3, 2, 2, 1, 1, 1],
        endings: &[
            (
                "moved_and_ordered",
                None,
                &[2, 2, 3, 2, 1, 1, 2, 2, 2, 1, 2, 2],
            ),
            ("moved_tonight", None, &[2, 2, 3, 2, 1, 1, 2, 2, 2, 1, 2, 1]),
            ("sleep_on_it", None, &[2, 4, 2, 2, 3, 2, 2, 4, 2, 3, 3]),
            ("gamble", None, &[3, 1, 3, 2, 2, 1, 1, 1]),
            ("kicked_out", None, &[4, 1, 2, 1, 3]),
        ],
    },
    Pinned {
        id: "driver_gm_first_visit",
        best: &[(None, &[1, 2, 2, 3, 2, 2, 1, 2, 2, 2, 2, 2, 1])],
        poor: &[3, 1, 1, 3, 1, 1, 1, 2],
        endings: &[
            (
                "pilot_signed",
                None,
                &[1, 2, 2, 3, 2, 2, 1, 2, 2, 2, 2, 2, 1],
            ),
            (
                "order_slipped",
                None,
                &[1, 2, 2, 3, 2, 2, 1, 2, 2, 2, 2, 2, 2],
            ),
            (
                "deshun_visit",
                None,
                &[1, 2, 2, 3, 3, 3, 3, 2, 3, 2, 4, 2, 1],
            ),
            ("meet_ma", None, &[1, 2, 2, 3, 2, 2, 1, 2, 2, 2, 2, 4]),
            (
                "leave_material",
                None,
                &[1, 2, 2, 3, 2, 2, 1, 2, 2, 2, 2, 1],
            ),
            ("shown_out", None, &[3, 1, 1, 3, 1, 1, 1, 2]),
        ],
    },
    Pinned {
        id: "drill_price_objection",
        best: &[(None, &[3, 1, 2, 1, 1, 2, 2])],
        poor: &[2, 3, 1],
        endings: &[
            ("line3_order", None, &[3, 1, 2, 1, 1, 2, 2]),
            ("trial_month", None, &[1, 2, 2, 1, 1, 1, 2]),
            ("think_it_over", None, &[3, 1, 2, 1, 1, 2, 3]),
            ("lost_to_domestic", None, &[2, 3, 1]),
        ],
    },
    Pinned {
        id: "amiable_account_mapping",
        best: &[(None, &[2, 1, 2, 3, 2, 3, 1, 3, 2, 3, 1, 2, 3, 2])],
        poor: &[1, 3, 3, 4, 4, 1, 2, 1, 3, 2, 3, 1, 2],
        endings: &[
            (
                "first_order",
                None,
                &[2, 1, 2, 3, 2, 3, 1, 3, 2, 3, 1, 2, 3, 2],
            ),
            (
                "order_slipped",
                None,
                &[2, 1, 2, 3, 2, 3, 1, 3, 2, 3, 1, 2, 3, 1],
            ),
            (
                "intro_agreed",
                None,
                &[2, 4, 2, 2, 2, 3, 1, 2, 2, 3, 4, 2, 3, 3],
            ),
            (
                "reference_visit",
                None,
                &[2, 1, 2, 3, 2, 3, 1, 3, 2, 3, 1, 2, 4],
            ),
            (
                "mention_to_wang",
                None,
                &[2, 1, 2, 3, 2, 3, 1, 3, 2, 3, 1, 2, 2],
            ),
            (
                "keep_in_touch",
                None,
                &[2, 2, 3, 2, 1, 2, 3, 2, 3, 2, 3, 1, 2],
            ),
            ("polite_no", None, &[1, 3, 3, 4, 4, 1, 2, 1, 3, 2, 3, 1, 2]),
        ],
    },
    Pinned {
        id: "amiable_black_three_minutes",
        best: &[(None, &[2, 2, 3, 2, 2, 3, 2, 2, 2, 3, 3, 2])],
        poor: &[1, 3, 2, 3, 3, 1, 3, 3, 3, 4],
        endings: &[
            ("signed", None, &[2, 2, 3, 2, 2, 3, 2, 2, 2, 3, 3, 2]),
            (
                "signed_strained",
                None,
                &[2, 2, 3, 2, 2, 3, 2, 2, 2, 3, 3, 1],
            ),
            ("boss_meeting", None, &[2, 3, 4, 3, 2, 3, 2, 3, 4, 3, 2]),
            (
                "signing_postponed",
                None,
                &[2, 2, 3, 2, 2, 3, 2, 2, 2, 3, 1],
            ),
            ("wait_for_call", None, &[2, 2, 3, 2, 2, 3, 2, 2, 2, 2]),
            ("went_with_huacai", None, &[1, 3, 2, 3, 3, 1, 3, 3, 3, 4]),
        ],
    },
    Pinned {
        id: "amiable_competitor_temptation",
        best: &[(None, &[2, 1, 2, 2, 2, 1, 2, 2, 2, 2, 3, 1])],
        poor: &[3, 2, 3, 3, 3, 2, 3, 1, 1, 3, 1],
        endings: &[
            ("q3_order", None, &[2, 1, 2, 2, 2, 1, 2, 2, 2, 2, 3, 1]),
            ("order_held", None, &[2, 1, 2, 2, 2, 1, 2, 2, 2, 2, 3, 2]),
            ("top_meeting", None, &[4, 3, 3, 2, 2, 1, 3, 4, 1, 2, 3, 1]),
            ("audit_support", None, &[2, 1, 2, 2, 2, 1, 2, 2, 2, 2, 4]),
            ("compare_first", None, &[2, 1, 2, 2, 2, 1, 2, 2, 2, 2, 2]),
            ("lost_volume", None, &[3, 2, 3, 3, 3, 2, 3, 1, 1, 3, 1]),
        ],
    },
    Pinned {
        id: "drill_advance_close",
        best: &[(None, &[2, 2, 1, 1, 3, 2, 2])],
        poor: &[1, 1, 3, 2, 1],
        endings: &[
            ("principal_visit", None, &[2, 2, 1, 1, 3, 2, 2]),
            ("zhang_visit", None, &[1, 2, 1, 1, 3, 2, 3]),
            ("ask_principal", None, &[2, 2, 1, 1, 3, 1]),
            ("leave_material", None, &[2, 2, 1, 1, 2]),
            ("not_now", None, &[1, 1, 3, 2, 1]),
        ],
    },
    Pinned {
        id: "analytical_choosing_quote",
        best: &[(None, &[1, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 3, 4, 2])],
        poor: &[2, 1, 1, 1, 1],
        endings: &[
            (
                "first_batch_order",
                None,
                &[1, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 3, 4, 2],
            ),
            (
                "order_scaled_back",
                None,
                &[1, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 3, 4, 1],
            ),
            (
                "sample_test_agreed",
                None,
                &[1, 1, 4, 1, 2, 2, 2, 2, 3, 2, 2, 3, 4, 1],
            ),
            (
                "reference_site",
                None,
                &[1, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 3, 3],
            ),
            ("tell_pm", None, &[1, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 3, 2]),
            ("send_quote", None, &[2, 2, 1, 2, 3, 4, 1, 1, 1, 2]),
            ("went_with_xinda", None, &[1, 2, 3, 3, 2, 2, 3, 1]),
            ("shown_out", None, &[2, 1, 1, 1, 1]),
        ],
    },
    Pinned {
        id: "mystery_quote_review",
        best: &[
            (Some(Driver), &[1, 2, 1, 2, 3, 1, 1, 3, 2, 2, 3, 2, 1, 2]),
            (
                Some(Analytical),
                &[2, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 2],
            ),
            (
                Some(Expressive),
                &[3, 2, 3, 2, 3, 3, 3, 3, 2, 2, 3, 2, 3, 2],
            ),
            (Some(Amiable), &[4, 2, 4, 2, 3, 4, 4, 3, 2, 2, 3, 2, 4, 2]),
        ],
        poor: &[1, 1, 1, 1],
        endings: &[
            (
                "two_store_order",
                None,
                &[2, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 2],
            ),
            (
                "order_slipped",
                None,
                &[2, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 1],
            ),
            (
                "pilot_and_chairman",
                None,
                &[2, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 4, 1],
            ),
            (
                "reference_visit",
                None,
                &[2, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 3],
            ),
            ("leave_quote", None, &[2, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 1]),
            (
                "tell_boss",
                Some(Expressive),
                &[3, 2, 3, 2, 3, 3, 3, 3, 2, 2, 3, 1],
            ),
            ("stay_with_bingfeng", None, &[1, 1, 1, 1]),
            ("shown_out", None, &[1, 3, 1, 3, 2, 1, 1, 4, 3, 1]),
        ],
    },
    Pinned {
        id: "drill_spin_implication",
        best: &[(None, &[2, 3, 1, 2, 2, 3])],
        poor: &[3, 4, 2, 1],
        endings: &[
            ("trial_agreed", None, &[2, 3, 1, 2, 2, 3]),
            ("brochure_left", None, &[2, 3, 1, 2, 2, 2]),
            ("not_now", None, &[3, 4, 2, 1]),
        ],
    },
    Pinned {
        id: "expressive_anniversary_boss",
        best: &[(None, &[2, 3, 1, 3, 2, 3, 2, 2, 2, 2, 2, 2])],
        poor: &[3, 2, 2, 1],
        endings: &[
            (
                "anniversary_order",
                None,
                &[2, 3, 1, 3, 2, 3, 2, 2, 2, 2, 2, 2],
            ),
            ("order_slipped", None, &[2, 3, 1, 3, 2, 3, 2, 2, 2, 2, 2, 1]),
            ("ceremony_plan", None, &[2, 3, 1, 3, 2, 3, 2, 3, 1, 2, 1]),
            ("points_compare", None, &[2, 3, 1, 3, 2, 3, 2, 2, 2, 2, 3]),
            ("rival_wins", None, &[3, 2, 2, 1]),
        ],
    },
    Pinned {
        id: "expressive_tradeshow_followup",
        best: &[(None, &[2, 2, 2, 3, 2, 2, 3, 2, 3, 2, 3, 1])],
        poor: &[1, 1, 1, 1],
        endings: &[
            ("pilot_signed", None, &[2, 2, 2, 3, 2, 2, 3, 2, 3, 2, 3, 1]),
            ("pilot_paused", None, &[2, 2, 2, 3, 2, 2, 3, 2, 3, 2, 3, 2]),
            ("demo_meeting", None, &[2, 1, 2, 1, 1, 2, 2, 2, 3, 2, 3, 1]),
            ("warm_silence", None, &[2, 2, 2, 3, 2, 2, 3, 1]),
            ("cooled_off", None, &[3, 3, 3, 1, 1, 1, 1, 3, 1]),
        ],
    },
    Pinned {
        id: "drill_praise_observe",
        best: &[(None, &[2, 3, 3, 1, 2, 1, 2, 2, 2])],
        poor: &[1, 1, 2, 2, 1, 2, 1, 1],
        endings: &[
            ("salon_guest", None, &[2, 3, 3, 1, 2, 1, 2, 2, 2]),
            ("card_on_pile", None, &[2, 3, 3, 1, 2, 1, 2, 3]),
            ("polite_exit", None, &[1, 1, 2, 2, 1, 2, 1, 1]),
        ],
    },
    Pinned {
        id: "mystery_first_visit",
        best: &[
            (Some(Driver), &[1, 1, 2, 2, 2, 2, 1, 3, 2, 2, 1, 1]),
            (Some(Expressive), &[2, 2, 1, 2, 2, 2, 3, 3, 2, 2, 3, 1]),
            (Some(Analytical), &[3, 3, 1, 2, 2, 2, 2, 3, 2, 2, 2, 1]),
            (Some(Amiable), &[4, 4, 4, 2, 3, 2, 4, 3, 2, 2, 4, 1]),
        ],
        poor: &[2, 2, 3, 1, 1, 1, 1, 4, 3, 1, 3],
        endings: &[
            (
                "pilot_order",
                Some(Driver),
                &[1, 1, 2, 2, 2, 2, 1, 3, 2, 2, 1, 1],
            ),
            (
                "salon_guest",
                Some(Expressive),
                &[2, 2, 1, 2, 2, 2, 3, 3, 2, 2, 3, 1],
            ),
            (
                "data_review",
                Some(Analytical),
                &[3, 3, 1, 2, 2, 2, 2, 3, 2, 2, 2, 1],
            ),
            (
                "pilot_plan",
                Some(Amiable),
                &[4, 4, 4, 2, 3, 2, 4, 3, 2, 2, 4, 1],
            ),
            (
                "cfo_meeting",
                Some(Driver),
                &[1, 1, 2, 2, 2, 2, 1, 3, 2, 2, 1, 2],
            ),
            (
                "keep_in_touch",
                Some(Driver),
                &[2, 2, 1, 2, 2, 2, 3, 3, 2, 2, 3],
            ),
            (
                "shown_out",
                Some(Analytical),
                &[2, 2, 3, 1, 1, 1, 1, 4, 3, 1],
            ),
        ],
    },
];

fn library() -> Library {
    let repo = support::repo();
    let library = Library::load(&[repo.join("seeds"), repo.join("scenarios")]);
    let errors: Vec<String> = library.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    library
}

/// Plays a pinned path to its end and scores it.
fn play(
    library: &Library,
    id: &str,
    persona: Option<PersonaKind>,
    choices: &[usize],
) -> (Visit, scoring::Score) {
    let mut visit = Visit::begin(library, id, 1, persona).unwrap();
    for (step, &number) in choices.iter().enumerate() {
        visit
            .choose(number - 1)
            .unwrap_or_else(|err| panic!("{id} step {}: {err}", step + 1));
    }
    assert!(
        visit.finish().is_some(),
        "{id}: {choices:?} leaves the visit unfinished"
    );
    let score = scoring::score(&visit, &library.catalogue, &library.rubric).unwrap();
    (visit, score)
}

fn is_drill(id: &str) -> bool {
    id.starts_with("drill_")
}

#[test]
fn every_scenario_is_pinned() {
    let library = library();
    let shipped: BTreeSet<&str> = library.scenarios.keys().map(String::as_str).collect();
    let pinned: BTreeSet<&str> = LIBRARY.iter().map(|p| p.id).collect();
    assert_eq!(shipped, pinned, "pin the paths of every shipped scenario");
}

#[test]
fn every_best_path_scores_at_least_90_with_an_order_or_an_advance() {
    let library = library();
    let mut failures = Vec::new();
    for pinned in LIBRARY {
        for &(persona, path) in pinned.best {
            let (visit, score) = play(&library, pinned.id, persona, path);
            let outcome = visit.finish().unwrap().outcome;
            let decisions = if is_drill(pinned.id) { 5 } else { 12 };
            if score.total < 90
                || !matches!(outcome, Outcome::Order | Outcome::Advance)
                || path.len() < decisions
            {
                failures.push(format!(
                    "{} {persona:?}: {} with {outcome:?} after {} decisions",
                    pinned.id,
                    score.total,
                    path.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_poor_path_scores_at_most_40() {
    let library = library();
    let failures: Vec<String> = LIBRARY
        .iter()
        .filter_map(|pinned| {
            let (_, score) = play(&library, pinned.id, None, pinned.poor);
            (score.total > 40).then(|| format!("{}: {}", pinned.id, score.total))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_ending_is_reached_by_its_pinned_path() {
    let library = library();
    for pinned in LIBRARY {
        let scenario = library.scenario(pinned.id).unwrap();
        let written: BTreeSet<&str> = scenario.endings.iter().map(|e| e.id.as_str()).collect();
        let reached: BTreeSet<&str> = pinned.endings.iter().map(|e| e.0).collect();
        assert_eq!(
            written, reached,
            "{}: pin a path to every ending",
            pinned.id
        );
        for &(ending, persona, path) in pinned.endings {
            let (visit, _) = play(&library, pinned.id, persona, path);
            assert_eq!(
                visit.finish().unwrap().ending_id,
                ending,
                "{}: {path:?}",
                pinned.id
            );
        }
        // Full scenarios reach all four outcomes; drills at least two.
        let outcomes: BTreeSet<Outcome> = scenario.endings.iter().map(|e| e.outcome).collect();
        let needed = if is_drill(pinned.id) { 2 } else { 4 };
        assert!(
            outcomes.len() >= needed,
            "{}: outcomes {outcomes:?}",
            pinned.id
        );
    }
}

#[test]
fn the_library_covers_every_persona_scene_kind_and_drill() {
    let library = library();
    let mut per_persona = [0; 4];
    let mut per_scene = std::collections::BTreeMap::<SceneKind, usize>::new();
    let mut mysteries = 0;
    for scenario in library.scenarios.values() {
        match &scenario.persona {
            PersonaSpec::Fixed(kind) => {
                per_persona[PersonaKind::ALL.iter().position(|k| k == kind).unwrap()] += 1
            }
            PersonaSpec::OneOf(kinds) => {
                assert!(kinds.len() >= 2, "{}: a mystery needs a pool", scenario.id);
                mysteries += 1;
            }
        }
        let kinds: BTreeSet<SceneKind> = scenario.scenes.iter().map(|s| s.kind).collect();
        for kind in kinds {
            *per_scene.entry(kind).or_default() += 1;
        }
    }
    assert!(library.scenarios.len() >= 12);
    assert!(per_persona.iter().all(|&n| n >= 3), "{per_persona:?}");
    // Every kind of conversation is met at least six times; preparation before the door twice.
    assert_eq!(per_scene.len(), 5, "{per_scene:?}");
    for (kind, count) in &per_scene {
        let least = if *kind == SceneKind::Preparation {
            2
        } else {
            6
        };
        assert!(*count >= least, "{per_scene:?}");
    }
    assert!(mysteries >= 2, "{mysteries} mystery customers");
    assert!(library.scenarios.keys().filter(|id| is_drill(id)).count() >= 4);
}

#[test]
fn analyze_finds_a_best_path_as_good_as_the_pinned_one() {
    // The scenarios whose state spaces are small enough for a debug build; the benchmark
    // (docs/benchmarks.md) times the whole library in release.
    const QUICK: &[&str] = &[
        "drill_advance_close",
        "drill_praise_observe",
        "drill_price_objection",
        "drill_spin_implication",
        "amiable_black_three_minutes",
        "amiable_competitor_temptation",
    ];
    let library = library();
    for pinned in LIBRARY.iter().filter(|p| QUICK.contains(&p.id)) {
        let scenario = library.scenario(pinned.id).unwrap();
        let analysis = salesdojo::sim::analysis::analyze(&library, scenario, 1);
        let (_, pinned_score) = play(&library, pinned.id, None, pinned.best[0].1);
        let found = &analysis.personas[0].best;
        assert_eq!(
            found.score, pinned_score.total,
            "{}: analyze found {:?}",
            pinned.id, found.choices
        );
        assert!(analysis.personas[0].paths > 1);
    }
}

/// What `analyze` says of its listed paths across seeds is what playing them says: replayed on
/// seeds 1–50, each ends where the report counts it, scores within its range, and a path the
/// report calls seed-robust reaches the same ending on every one of them.
#[test]
fn analyze_counts_each_listed_path_across_seeds_as_playing_it_does() {
    use salesdojo::sim::analysis::{SEEDS, analyze};
    let library = library();
    for id in ["drill_price_objection", "drill_advance_close"] {
        let scenario = library.scenario(id).unwrap();
        let report = analyze(&library, scenario, 1);
        let persona = &report.personas[0];
        assert_eq!(persona.across_seeds.len(), persona.ending_paths.len() + 2);
        for check in &persona.across_seeds {
            let mut endings = std::collections::BTreeMap::<String, u64>::new();
            let mut scores = Vec::new();
            for seed in 1..=SEEDS {
                let mut visit = Visit::begin(&library, id, seed, None).unwrap();
                let fits = check.choices.iter().all(|&n| visit.choose(n - 1).is_ok());
                let ending = match visit.finish() {
                    Some(finish) if fits => {
                        let score = scoring::score(&visit, &library.catalogue, &library.rubric);
                        scores.push(score.unwrap().total);
                        finish.ending_id.clone()
                    }
                    _ => String::new(),
                };
                *endings.entry(ending).or_default() += 1;
            }
            assert_eq!(endings, check.endings, "{id}: {}", check.listed_for);
            if let Some((low, high)) = check.scores {
                assert_eq!(
                    (low, high),
                    (*scores.iter().min().unwrap(), *scores.iter().max().unwrap()),
                    "{id}: {}",
                    check.listed_for
                );
            }
            if check.holds() {
                assert_eq!(endings.values().sum::<u64>(), SEEDS);
                assert!(!endings.contains_key(""));
            } else {
                assert!(
                    !check.gates.is_empty(),
                    "{id}: {} names no gate",
                    check.listed_for
                );
            }
        }
    }
}

/// Every path `analyze` names as reaching an ending on every seed does so: replayed on seeds
/// 1–50 against each persona of every shipped scenario, it passes the same beats and ends there.
#[test]
fn the_paths_analyze_names_for_every_seed_reach_their_endings_on_every_seed() {
    use salesdojo::sim::analysis::{SEEDS, analyze};
    let library = library();
    for scenario in library.scenarios.values() {
        let report = analyze(&library, scenario, 1);
        for persona in &report.personas {
            let robust: Vec<(&String, &Vec<usize>)> = persona
                .robust_paths
                .iter()
                .filter_map(|(ending, path)| Some((ending, path.as_ref()?)))
                .collect();
            assert!(
                !robust.is_empty(),
                "{}: no ending is reached the same way on every seed",
                scenario.id
            );
            for (ending, path) in robust {
                let mut beats_on_seed_1 = None;
                for seed in 1..=SEEDS {
                    let mut visit =
                        Visit::begin(&library, &scenario.id, seed, Some(persona.persona)).unwrap();
                    for &n in path {
                        visit.choose(n - 1).unwrap();
                    }
                    let finish = visit.finish().expect("the path ends the visit");
                    assert_eq!(&finish.ending_id, ending, "{} seed {seed}", scenario.id);
                    let beats: Vec<String> = visit
                        .transcript()
                        .iter()
                        .map(|e| e.view.beat_id.clone())
                        .collect();
                    assert_eq!(
                        beats_on_seed_1.get_or_insert_with(|| beats.clone()),
                        &beats,
                        "{} {ending}: seed {seed} passes other beats",
                        scenario.id
                    );
                }
            }
        }
    }
}

/// Where `analyze` says no path reaches an ending on every seed, trying every path of a small
/// scenario on every seed agrees.
#[test]
fn an_ending_analyze_says_no_path_holds_for_has_none_on_any_path() {
    use salesdojo::sim::analysis::{SEEDS, analyze};
    let library = library();
    let id = "drill_advance_close";
    let report = analyze(&library, library.scenario(id).unwrap(), 1);
    let persona = &report.personas[0];
    assert!(!persona.robust_search_stopped);
    let unreached: Vec<&String> = persona
        .robust_paths
        .iter()
        .filter(|(_, path)| path.is_none())
        .map(|(ending, _)| ending)
        .collect();
    assert!(
        !unreached.is_empty(),
        "{id} should have a seed-dependent ending"
    );
    // Every path from seed 1 (a path that holds on every seed is among them).
    let every = every_path(&library, id);
    assert_eq!(every.len() as u128, persona.paths);
    for visit in every {
        let path = visit.choices();
        let ending = |seed| {
            let mut visit = Visit::begin(&library, id, seed, None).unwrap();
            let fits = path.iter().all(|&c| visit.choose(c).is_ok());
            visit.finish().filter(|_| fits).map(|f| f.ending_id.clone())
        };
        for target in &unreached {
            assert!(
                (1..=SEEDS).any(|seed| ending(seed).as_ref() != Some(*target)),
                "{id}: {path:?} reaches {target} on every seed"
            );
        }
    }
}

/// Every finished visit of scenario `id` on seed 1, each path once.
fn every_path(library: &Library, id: &str) -> Vec<Visit> {
    let mut finished = Vec::new();
    let mut stack = vec![Visit::begin(library, id, 1, None).unwrap()];
    while let Some(visit) = stack.pop() {
        match visit.current() {
            None => finished.push(visit),
            Some(view) => {
                for reply in 0..view.order.len() {
                    let mut next = visit.clone();
                    next.choose(reply).unwrap();
                    stack.push(next);
                }
            }
        }
    }
    finished
}

/// How many paths pass each beat, as `analyze` counts them, is what playing every path gives:
/// for the drills, and for a drill changed so that a reply leads back to an earlier beat.
#[test]
fn analyze_counts_the_paths_through_each_beat_as_playing_every_path_does() {
    use salesdojo::sim::analysis::analyze;
    let text = std::fs::read_to_string(
        support::repo().join("scenarios/drill_price_objection.scenario.ron"),
    )
    .unwrap();
    // The beat "real" gets a reply back to the first beat, "objection".
    let (before, real) = text.split_at(text.find("id: \"real\"").unwrap());
    let real = real.replacen("Goto(\"squeeze\")", "Goto(\"objection\")", 1);
    let circle = format!("{before}{real}");
    assert_ne!(circle, text);
    let changed = support::root_with(&[("drill_price_objection.scenario.ron", circle.as_bytes())]);
    for (library, ids) in [
        (
            library(),
            &[
                "drill_advance_close",
                "drill_price_objection",
                "drill_spin_implication",
                "drill_praise_observe",
            ][..],
        ),
        (
            Library::load(&[
                changed.path().join("seeds"),
                changed.path().join("scenarios"),
            ]),
            &["drill_price_objection"][..],
        ),
    ] {
        assert!(!library.has_errors(), "{:?}", library.diagnostics);
        for &id in ids {
            let report = analyze(&library, library.scenario(id).unwrap(), 1);
            let mut played = std::collections::BTreeMap::<String, u128>::new();
            for visit in every_path(&library, id) {
                let passed: BTreeSet<String> = visit
                    .transcript()
                    .iter()
                    .map(|e| e.view.beat_id.clone())
                    .collect();
                for beat in passed {
                    *played.entry(beat).or_default() += 1;
                }
            }
            assert_eq!(report.personas[0].beat_paths, played, "{id}");
        }
    }
}

/// The mistakes trainers found missing from the catalogue are scored where shipped scenarios
/// show them, citing the reply and the course section.
#[test]
fn running_down_the_competitor_dismissing_the_incumbent_and_naming_a_floor_price_are_scored() {
    let library = library();
    // (scenario, beat, reply number there, the mistake); first replies lead to the beat.
    let cases = [
        (
            "drill_price_objection",
            "objection",
            2,
            "mistake.badmouth_competitor",
        ),
        (
            "drill_price_objection",
            "objection",
            1,
            "mistake.bottom_price_first",
        ),
        (
            "drill_price_objection",
            "squeeze",
            3,
            "mistake.bottom_price_first",
        ),
        (
            "mystery_quote_review",
            "objection",
            4,
            "mistake.dismiss_incumbent",
        ),
        (
            "mystery_quote_review",
            "objection",
            4,
            "mistake.badmouth_competitor",
        ),
    ];
    for (id, beat, number, technique) in cases {
        let mut visit = Visit::begin(&library, id, 1, Some(Driver)).unwrap();
        while visit.current().unwrap().beat_id != beat {
            visit.choose(0).unwrap();
        }
        visit.choose(number - 1).unwrap();
        let reply = visit.transcript().last().unwrap().reply.clone();
        // The rest of the visit: the first reply each time, until it ends.
        for _ in 0..100 {
            if visit.finish().is_some() {
                break;
            }
            visit.choose(0).unwrap();
        }
        let score = scoring::score(&visit, &library.catalogue, &library.rubric).unwrap();
        let entry = library.technique(technique).unwrap();
        let event = score
            .events
            .iter()
            .find(|e| e.technique == technique && e.evidence == reply)
            .unwrap_or_else(|| panic!("{id} {beat} {number}: {technique} not scored on the reply"));
        assert!(event.points < 0, "{technique}");
        assert_eq!(event.section, entry.section);
    }
}

/// The portrait's face reads the visit as the meters do: every pinned best path ends with the
/// customer warm or neutral and never cooler than on the poor path, and most poor paths show
/// the customer doubting or closing up on the way (a polite Expressive may stay neutral while
/// showing the trainee out).
#[test]
fn the_customers_face_follows_good_and_poor_visits() {
    let library = library();
    let warmth = |face: Expression| {
        Expression::ALL.len() - Expression::ALL.iter().position(|&f| f == face).unwrap()
    };
    let mut failures = Vec::new();
    let mut poor_that_show_it = 0;
    for pinned in LIBRARY {
        let (poor, _) = play(&library, pinned.id, None, pinned.poor);
        let poor_end = Expression::of(poor.mood());
        for &(persona, path) in pinned.best {
            let (visit, _) = play(&library, pinned.id, persona, path);
            let face = Expression::of(visit.mood());
            if !matches!(face, Expression::Warm | Expression::Neutral)
                || warmth(face) < warmth(poor_end)
            {
                failures.push(format!(
                    "{} best {persona:?}: ends {face:?}, poor {poor_end:?}",
                    pinned.id
                ));
            }
        }
        let shows_it = poor.transcript().iter().any(|e| {
            matches!(
                Expression::of(e.mood_after),
                Expression::Sceptical | Expression::Closed
            )
        });
        poor_that_show_it += usize::from(shows_it);
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        poor_that_show_it * 4 >= LIBRARY.len() * 3,
        "only {poor_that_show_it} of {} poor paths show doubt or a closed face",
        LIBRARY.len()
    );
}
