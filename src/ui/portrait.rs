//! The customer's portrait, drawn in code with egui's painter (no image files, so nothing to
//! license): a look for each personality type, and a face that follows the mood
//! (`sim::Expression`). A mystery customer gets a plain look, so the portrait never gives the
//! type away; only the expression shows.

use bevy_egui::egui::{self, Color32, Shape, Stroke, Vec2, epaint};

use crate::content::PersonaKind;
use crate::i18n::{Lang, tr};
use crate::sim::Expression;

/// What sets one type apart at a glance.
struct Look {
    jacket: Color32,
    shirt: Color32,
    hair: Color32,
    /// A tie (Driver), glasses (Analytical), a quiff (Expressive); customers of every type are
    /// men and women, so nothing here says which.
    tie: Option<Color32>,
    glasses: bool,
    quiff: bool,
    /// Round face and rosy cheeks.
    soft: bool,
}

fn look(kind: Option<PersonaKind>) -> Look {
    let plain = Look {
        jacket: Color32::from_rgb(120, 124, 132),
        shirt: Color32::from_rgb(235, 235, 235),
        hair: Color32::from_rgb(70, 60, 55),
        tie: None,
        glasses: false,
        quiff: false,
        soft: false,
    };
    match kind {
        None => plain,
        Some(PersonaKind::Driver) => Look {
            jacket: Color32::from_rgb(38, 44, 62),
            tie: Some(Color32::from_rgb(170, 30, 35)),
            hair: Color32::from_rgb(30, 28, 28),
            ..plain
        },
        Some(PersonaKind::Expressive) => Look {
            jacket: Color32::from_rgb(226, 120, 40),
            shirt: Color32::from_rgb(250, 230, 120),
            hair: Color32::from_rgb(95, 50, 30),
            quiff: true,
            ..plain
        },
        Some(PersonaKind::Analytical) => Look {
            jacket: Color32::from_rgb(110, 118, 128),
            shirt: Color32::from_rgb(205, 220, 235),
            hair: Color32::from_rgb(55, 55, 60),
            glasses: true,
            ..plain
        },
        Some(PersonaKind::Amiable) => Look {
            jacket: Color32::from_rgb(96, 150, 110),
            shirt: Color32::from_rgb(245, 235, 220),
            hair: Color32::from_rgb(80, 55, 40),
            soft: true,
            ..plain
        },
    }
}

/// The face in words: the hover text, and what a screen reader would say.
pub(crate) fn expression_name(expression: Expression, lang: Lang) -> &'static str {
    match expression {
        Expression::Warm => tr(lang, "神情热情，身体前倾", "warm, leaning in"),
        Expression::Neutral => tr(lang, "神情平静", "neutral"),
        Expression::Sceptical => tr(lang, "将信将疑，有些不耐烦", "doubtful, a little impatient"),
        Expression::Closed => tr(lang, "双臂交叉，想结束谈话", "arms folded, ready to end it"),
    }
}

const SKIN: Color32 = Color32::from_rgb(240, 204, 170);
const INK: Color32 = Color32::from_rgb(50, 38, 34);

/// Draws the customer, `width` wide (and a little taller), on a light card.
pub(crate) fn portrait(
    ui: &mut egui::Ui,
    kind: Option<PersonaKind>,
    expression: Expression,
    width: f32,
) -> egui::Response {
    let (response, painter) =
        ui.allocate_painter(egui::vec2(width, width * 1.15), egui::Sense::hover());
    let frame = response.rect;
    painter.rect_filled(frame, 8.0, Color32::from_rgb(226, 232, 238));
    let look = look(kind);
    // Everything is placed in units of the portrait's width from the face's centre.
    let unit = width / 10.0;
    let centre = frame.center_top() + egui::vec2(0.0, 4.6 * unit);
    let at = |x: f32, y: f32| centre + egui::vec2(x * unit, y * unit);
    let line = |w: f32| Stroke::new(w * unit / 4.0, INK);

    // Shoulders and jacket; arms folded when closed.
    let body = [at(-4.6, 6.4), at(-3.6, 3.6), at(3.6, 3.6), at(4.6, 6.4)];
    painter.add(Shape::convex_polygon(
        body.to_vec(),
        look.jacket,
        Stroke::NONE,
    ));
    painter.add(Shape::convex_polygon(
        vec![at(-1.1, 3.4), at(1.1, 3.4), at(0.0, 5.6)],
        look.shirt,
        Stroke::NONE,
    ));
    if let Some(tie) = look.tie {
        painter.add(Shape::convex_polygon(
            vec![
                at(-0.35, 3.5),
                at(0.35, 3.5),
                at(0.5, 5.3),
                at(0.0, 5.8),
                at(-0.5, 5.3),
            ],
            tie,
            Stroke::NONE,
        ));
    }
    painter.rect_filled(
        egui::Rect::from_center_size(at(0.0, 3.1), egui::vec2(1.6 * unit, 1.2 * unit)),
        0.0,
        SKIN,
    );
    if expression == Expression::Closed {
        // A shade darker than the jacket, and opaque.
        let [r, g, b, _] = look.jacket.to_array();
        let sleeve = Color32::from_rgb(r / 5 * 4, g / 5 * 4, b / 5 * 4);
        painter.add(Shape::convex_polygon(
            vec![at(-3.6, 4.0), at(2.4, 4.4), at(2.4, 5.3), at(-3.6, 5.0)],
            sleeve,
            Stroke::new(1.0, INK),
        ));
        painter.add(Shape::convex_polygon(
            vec![at(-2.4, 4.4), at(3.6, 4.0), at(3.6, 5.0), at(-2.4, 5.3)],
            sleeve,
            Stroke::new(1.0, INK),
        ));
        for side in [-1.0, 1.0] {
            painter.circle_filled(at(side * 2.3, 4.85), 0.45 * unit, SKIN);
        }
    }

    // The face, then hair on top.
    let face = if look.soft {
        Vec2::new(2.75, 3.0)
    } else {
        Vec2::new(2.5, 3.1)
    };
    // Leaning in when warm, drawn back when closed.
    let tilt = match expression {
        Expression::Warm => -0.2,
        Expression::Closed => 0.25,
        Expression::Neutral | Expression::Sceptical => 0.0,
    };
    let face_at = |x: f32, y: f32| at(x, y + tilt);
    painter.add(Shape::ellipse_filled(face_at(0.0, 0.0), face * unit, SKIN));
    painter.add(Shape::ellipse_filled(
        face_at(-2.55, 0.3),
        Vec2::splat(0.45 * unit),
        SKIN,
    ));
    painter.add(Shape::ellipse_filled(
        face_at(2.55, 0.3),
        Vec2::splat(0.45 * unit),
        SKIN,
    ));
    painter.add(Shape::convex_polygon(
        vec![
            face_at(-2.6, -0.6),
            face_at(-2.3, -2.5),
            face_at(0.0, -3.4),
            face_at(2.3, -2.5),
            face_at(2.6, -0.6),
            face_at(1.4, -2.0),
        ],
        look.hair,
        Stroke::NONE,
    ));
    if look.quiff {
        painter.add(Shape::convex_polygon(
            vec![
                face_at(-2.0, -2.6),
                face_at(-0.8, -4.0),
                face_at(1.4, -4.1),
                face_at(2.4, -2.5),
            ],
            look.hair,
            Stroke::NONE,
        ));
    }
    if look.soft || expression == Expression::Warm {
        let blush = Color32::from_rgba_unmultiplied(230, 120, 120, 90);
        painter.circle_filled(face_at(-1.5, 1.0), 0.5 * unit, blush);
        painter.circle_filled(face_at(1.5, 1.0), 0.5 * unit, blush);
    }

    // Eyes: open, or narrowed when doubting and closed.
    let eye_height = match expression {
        Expression::Warm | Expression::Neutral => 0.32,
        Expression::Sceptical => 0.2,
        Expression::Closed => 0.12,
    };
    for side in [-1.0, 1.0] {
        painter.add(Shape::ellipse_filled(
            face_at(side * 1.0, -0.2),
            Vec2::new(0.3, eye_height) * unit,
            INK,
        ));
    }
    if look.glasses {
        for side in [-1.0, 1.0] {
            painter.circle_stroke(face_at(side * 1.0, -0.2), 0.75 * unit, line(1.0));
        }
        painter.line_segment([face_at(-0.25, -0.25), face_at(0.25, -0.25)], line(1.0));
    }

    // Brows: (inner height, outer height) per side, negative is up.
    let (left, right) = match expression {
        Expression::Warm => ((-1.2, -1.3), (-1.2, -1.3)),
        Expression::Neutral => ((-1.1, -1.1), (-1.1, -1.1)),
        // One brow up, one down.
        Expression::Sceptical => ((-1.5, -1.7), (-0.85, -0.95)),
        Expression::Closed => ((-0.7, -1.2), (-0.7, -1.2)),
    };
    for (side, (inner, outer)) in [(-1.0, left), (1.0, right)] {
        painter.line_segment(
            [face_at(side * 0.45, inner), face_at(side * 1.6, outer)],
            line(1.6),
        );
    }

    // Mouth: the middle point pulls the curve up (a smile) or down.
    let (ends, middle, slant) = match expression {
        Expression::Warm => (1.6, 2.3, 0.0),
        Expression::Neutral => (1.75, 1.8, 0.0),
        Expression::Sceptical => (1.8, 1.8, 0.3),
        Expression::Closed => (1.95, 1.45, 0.0),
    };
    let half = if expression == Expression::Warm {
        1.0
    } else {
        0.8
    };
    painter.add(epaint::QuadraticBezierShape::from_points_stroke(
        [
            face_at(-half, ends + slant),
            face_at(0.0, middle),
            face_at(half, ends - slant),
        ],
        false,
        Color32::TRANSPARENT,
        line(1.4),
    ));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_looks_different_and_a_mystery_looks_like_none_of_them() {
        let jackets: Vec<Color32> = [None]
            .into_iter()
            .chain(PersonaKind::ALL.map(Some))
            .map(|kind| look(kind).jacket)
            .collect();
        for (i, a) in jackets.iter().enumerate() {
            for b in &jackets[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // The plain look has none of the types' marks.
        let plain = look(None);
        assert!(plain.tie.is_none() && !plain.glasses && !plain.quiff && !plain.soft);
    }
}
