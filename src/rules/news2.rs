//! NEWS2, the National Early Warning Score 2 (Royal College of Physicians,
//! 2017), from the newest value of each parameter. Pure functions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Consciousness;
use crate::vocabulary::Vocabulary;

/// The newest value of each parameter NEWS2 scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Observations {
    pub respiration_per_min: Option<i32>,
    pub spo2_percent: Option<i32>,
    pub on_oxygen: Option<bool>,
    pub systolic_mmhg: Option<i32>,
    pub pulse_per_min: Option<i32>,
    pub consciousness: Option<Consciousness>,
    pub temperature_c: Option<f64>,
}

impl Observations {
    /// The newest value of each parameter among `rounds` (in the order
    /// they were recorded).
    pub fn newest(rounds: &[super::RoundValues]) -> Self {
        // Stable sort: of rounds taken at the same time, the one given last wins.
        let mut ordered: Vec<&super::RoundValues> = rounds.iter().collect();
        ordered.sort_by_key(|r| r.measured_at);
        let mut newest = Observations::default();
        for r in ordered {
            newest.update(r);
        }
        newest
    }

    /// The values typed into a round form, each read by the round's own
    /// rules; a value those rules refuse counts as not typed.
    pub fn typed(input: &super::RoundInput) -> Self {
        let number = |name: &str| {
            input
                .numeric(name)
                .and_then(|text| super::fields::spec(name).parse(text).ok().flatten())
        };
        let whole = |name: &str| number(name).map(|v| v as i32);
        Observations {
            respiration_per_min: whole("respiration_per_min"),
            spo2_percent: whole("spo2_percent"),
            on_oxygen: input.on_oxygen.as_deref().and_then(super::read_on_oxygen),
            systolic_mmhg: whole("systolic_mmhg"),
            pulse_per_min: whole("pulse_per_min"),
            consciousness: input
                .consciousness
                .as_deref()
                .and_then(|c| Consciousness::parse(c.trim())),
            temperature_c: number("temperature_c"),
        }
    }

    /// Whether `round` measured any NEWS2 parameter.
    pub fn measured_in(round: &super::RoundValues) -> bool {
        Self::newest(std::slice::from_ref(round)) != Self::default()
    }

    /// Takes the values `round`, newer than every one seen, carries.
    pub fn update(&mut self, round: &super::RoundValues) {
        self.respiration_per_min = round.respiration_per_min.or(self.respiration_per_min);
        self.spo2_percent = round.spo2_percent.or(self.spo2_percent);
        self.on_oxygen = round.on_oxygen.or(self.on_oxygen);
        self.systolic_mmhg = round.systolic_mmhg.or(self.systolic_mmhg);
        self.pulse_per_min = round.pulse_per_min.or(self.pulse_per_min);
        self.consciousness = round.consciousness.or(self.consciousness);
        self.temperature_c = round.temperature_c.or(self.temperature_c);
    }
}

/// The clinical response a score calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Band {
    /// 0–4: ward-based response.
    Low,
    /// A 3 in any single parameter: urgent ward review.
    LowMedium,
    /// 5–6: urgent response.
    Medium,
    /// 7 or more: emergency response.
    High,
}

impl Band {
    /// The band's name alone, e.g. `low–medium`.
    pub fn short(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::LowMedium => "low–medium",
            Band::Medium => "medium",
            Band::High => "high",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Low => "Low",
            Band::LowMedium => "Low–medium (a single 3): urgent ward review",
            Band::Medium => "Medium: urgent response",
            Band::High => "High: emergency response",
        }
    }
}

/// One parameter's points and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubScore {
    pub parameter: String,
    pub points: u8,
    /// e.g. `SpO2 91 % ≤ 91 scores 3`.
    pub reason: String,
}

/// A NEWS2 score with its band and breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct News2 {
    pub total: u8,
    pub band: Band,
    pub subscores: Vec<SubScore>,
    /// Parameters without a value (scored as if normal).
    pub missing: Vec<String>,
}

/// What scoring a parameter gives: its points with the reason
/// ([`SubScore`]), or the points alone (`u8`, for long series).
pub trait Tally: Sized {
    /// `points` for `value` of `name` by `rule`.
    fn banded<T: std::fmt::Display>(
        name: &'static str,
        unit: &str,
        value: T,
        points: u8,
        rule: &str,
    ) -> Self;
    /// `points` for `name`, said by `reason`.
    fn said(name: &'static str, points: u8, reason: impl FnOnce() -> String) -> Self;
}

impl Tally for SubScore {
    fn banded<T: std::fmt::Display>(
        name: &'static str,
        unit: &str,
        value: T,
        points: u8,
        rule: &str,
    ) -> Self {
        SubScore {
            parameter: name.to_owned(),
            points,
            reason: format!("{name} {value}{unit} {rule} scores {points}"),
        }
    }

    fn said(name: &'static str, points: u8, reason: impl FnOnce() -> String) -> Self {
        SubScore {
            parameter: name.to_owned(),
            points,
            reason: reason(),
        }
    }
}

impl Tally for u8 {
    fn banded<T: std::fmt::Display>(_: &'static str, _: &str, _: T, points: u8, _: &str) -> Self {
        points
    }

    fn said(_: &'static str, points: u8, _: impl FnOnce() -> String) -> Self {
        points
    }
}

/// Points for a value against ordered bands: `(upper bound, points, rule)`,
/// the first band whose bound the value does not exceed wins.
fn banded<S: Tally, T: PartialOrd + Copy + std::fmt::Display>(
    name: &'static str,
    unit: &str,
    value: T,
    bands: &[(Option<T>, u8, &str)],
) -> S {
    let (_, points, rule) = bands
        .iter()
        .find(|(upper, ..)| upper.is_none_or(|u| value <= u))
        .copied()
        .expect("the last band has no upper bound");
    S::banded(name, unit, value, points, rule)
}

fn respiration<S: Tally>(v: i32) -> S {
    banded(
        "Respiration",
        " /min",
        v,
        &[
            (Some(8), 3, "≤ 8"),
            (Some(11), 1, "9–11"),
            (Some(20), 0, "12–20"),
            (Some(24), 2, "21–24"),
            (None, 3, "≥ 25"),
        ],
    )
}

fn spo2_scale1<S: Tally>(v: i32) -> S {
    banded(
        "SpO2",
        " %",
        v,
        &[
            (Some(91), 3, "≤ 91"),
            (Some(93), 2, "92–93"),
            (Some(95), 1, "94–95"),
            (None, 0, "≥ 96"),
        ],
    )
}

fn spo2_scale2<S: Tally>(v: i32, on_oxygen: bool) -> S {
    if v <= 92 || !on_oxygen {
        return banded(
            "SpO2 (scale 2)",
            " %",
            v,
            &[
                (Some(83), 3, "≤ 83"),
                (Some(85), 2, "84–85"),
                (Some(87), 1, "86–87"),
                (None, 0, "≥ 88 (on air above 92)"),
            ],
        );
    }
    banded(
        "SpO2 (scale 2)",
        " % on oxygen",
        v,
        &[
            (Some(94), 1, "93–94"),
            (Some(96), 2, "95–96"),
            (None, 3, "≥ 97"),
        ],
    )
}

fn systolic<S: Tally>(v: i32) -> S {
    banded(
        "Systolic BP",
        " mmHg",
        v,
        &[
            (Some(90), 3, "≤ 90"),
            (Some(100), 2, "91–100"),
            (Some(110), 1, "101–110"),
            (Some(219), 0, "111–219"),
            (None, 3, "≥ 220"),
        ],
    )
}

fn pulse<S: Tally>(v: i32) -> S {
    banded(
        "Pulse",
        " /min",
        v,
        &[
            (Some(40), 3, "≤ 40"),
            (Some(50), 1, "41–50"),
            (Some(90), 0, "51–90"),
            (Some(110), 1, "91–110"),
            (Some(130), 2, "111–130"),
            (None, 3, "≥ 131"),
        ],
    )
}

fn temperature<S: Tally>(v: f64) -> S {
    // Rounded to one decimal as charted, so 36.05 counts as 36.1.
    let v = (v * 10.0).round() / 10.0;
    banded(
        "Temperature",
        " °C",
        v,
        &[
            (Some(35.0), 3, "≤ 35.0"),
            (Some(36.0), 1, "35.1–36.0"),
            (Some(38.0), 0, "36.1–38.0"),
            (Some(39.0), 1, "38.1–39.0"),
            (None, 2, "≥ 39.1"),
        ],
    )
}

fn oxygen<S: Tally>(on: bool) -> S {
    S::said("Oxygen", if on { 2 } else { 0 }, || {
        if on {
            "On supplemental oxygen scores 2".into()
        } else {
            "On air scores 0".into()
        }
    })
}

fn consciousness<S: Tally>(c: Consciousness) -> S {
    let points = if c == Consciousness::Alert { 0 } else { 3 };
    S::said("Consciousness", points, || {
        format!(
            "Consciousness {} ({}) scores {points}",
            c.code(),
            c.label().to_lowercase()
        )
    })
}

/// Each parameter's name and score, when it has a value.
fn parts<S: Tally>(obs: &Observations, scale2: bool) -> [(&'static str, Option<S>); 7] {
    let on_oxygen = obs.on_oxygen.unwrap_or(false);
    [
        ("Respiration", obs.respiration_per_min.map(respiration)),
        (
            "SpO2",
            obs.spo2_percent.map(|v| {
                if scale2 {
                    spo2_scale2(v, on_oxygen)
                } else {
                    spo2_scale1(v)
                }
            }),
        ),
        ("Oxygen", obs.on_oxygen.map(oxygen)),
        ("Systolic BP", obs.systolic_mmhg.map(systolic)),
        ("Pulse", obs.pulse_per_min.map(pulse)),
        ("Consciousness", obs.consciousness.map(consciousness)),
        ("Temperature", obs.temperature_c.map(temperature)),
    ]
}

/// The numeric fields of a round that NEWS2 scores.
pub const SCORED_NUMBERS: [&str; 5] = [
    "respiration_per_min",
    "spo2_percent",
    "systolic_mmhg",
    "pulse_per_min",
    "temperature_c",
];

/// The field of the round each scored parameter comes from.
pub fn field_of(parameter: &str) -> Option<&'static str> {
    Some(match parameter {
        "Respiration" => "respiration_per_min",
        "SpO2" => "spo2_percent",
        "Oxygen" => "on_oxygen",
        "Systolic BP" => "systolic_mmhg",
        "Pulse" => "pulse_per_min",
        "Consciousness" => "consciousness",
        "Temperature" => "temperature_c",
        _ => return None,
    })
}

/// The values of one round that score NEWS2 points: field, points, why.
pub fn scoring_fields(round: &super::RoundValues, scale2: bool) -> Vec<(&'static str, SubScore)> {
    news2(&Observations::newest(std::slice::from_ref(round)), scale2)
        .subscores
        .into_iter()
        .filter(|s| s.points > 0)
        .filter_map(|s| field_of(&s.parameter).map(|f| (f, s)))
        .collect()
}

/// The value ranges of a scored numeric field over `lo..=hi` and the
/// points each scores, as a chart shades them: `(from, to, points)`, the
/// edges halfway between two charted values (whole numbers; tenths for the
/// temperature). SpO2 on scale 2 is banded as on air. Read off the scoring
/// rule itself, so the shading cannot differ from the score.
pub fn scoring_ranges(field: &str, scale2: bool, (lo, hi): (f64, f64)) -> Vec<(f64, f64, u8)> {
    let step = if field == "temperature_c" { 0.1 } else { 1.0 };
    let points = |v: f64| {
        let whole = Some(v.round() as i32);
        let obs = match field {
            "respiration_per_min" => Observations {
                respiration_per_min: whole,
                ..Observations::default()
            },
            "spo2_percent" => Observations {
                spo2_percent: whole,
                ..Observations::default()
            },
            "systolic_mmhg" => Observations {
                systolic_mmhg: whole,
                ..Observations::default()
            },
            "pulse_per_min" => Observations {
                pulse_per_min: whole,
                ..Observations::default()
            },
            "temperature_c" => Observations {
                temperature_c: Some(v),
                ..Observations::default()
            },
            _ => return None,
        };
        Some(news2_total(&obs, scale2))
    };
    let (first, last) = ((lo / step).floor() as i64, (hi / step).ceil() as i64);
    let mut ranges: Vec<(f64, f64, u8)> = Vec::new();
    for i in first..=last {
        let v = i as f64 * step;
        if v - step / 2.0 >= hi {
            break;
        }
        let Some(p) = points(v) else {
            return Vec::new();
        };
        let edge = (v - step / 2.0).max(lo);
        match ranges.last_mut() {
            Some(range) if range.2 == p => range.1 = (v + step / 2.0).min(hi),
            _ => ranges.push((edge, (v + step / 2.0).min(hi), p)),
        }
    }
    ranges
}

/// The NEWS2 total alone, for long series.
pub fn news2_total(obs: &Observations, scale2: bool) -> u8 {
    parts::<u8>(obs, scale2)
        .into_iter()
        .filter_map(|(_, points)| points)
        .sum()
}

/// Scores the observations; `scale2` selects SpO2 scale 2 (hypercapnic
/// respiratory failure, chosen per patient).
pub fn news2(obs: &Observations, scale2: bool) -> News2 {
    let parts = parts::<SubScore>(obs, scale2);
    let missing = parts
        .iter()
        .filter(|(_, s)| s.is_none())
        .map(|(n, _)| (*n).to_owned())
        .collect();
    let subscores: Vec<SubScore> = parts.into_iter().filter_map(|(_, s)| s).collect();
    let total = subscores.iter().map(|s| s.points).sum();
    let band = match total {
        7.. => Band::High,
        5..=6 => Band::Medium,
        _ if subscores.iter().any(|s| s.points == 3) => Band::LowMedium,
        _ => Band::Low,
    };
    News2 {
        total,
        band,
        subscores,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_shading_follows_the_scoring_rule() {
        assert_eq!(
            scoring_ranges("respiration_per_min", false, (0.0, 40.0)),
            [
                (0.0, 8.5, 3),
                (8.5, 11.5, 1),
                (11.5, 20.5, 0),
                (20.5, 24.5, 2),
                (24.5, 40.0, 3)
            ]
        );
        let temperature = scoring_ranges("temperature_c", false, (35.5, 40.0));
        let edges: Vec<(u8, f64)> = temperature
            .iter()
            .map(|(from, _, p)| (*p, (from * 100.0).round() / 100.0))
            .collect();
        assert_eq!(edges, [(1, 35.5), (0, 36.05), (1, 38.05), (2, 39.05)]);
        let scale2 = scoring_ranges("spo2_percent", true, (80.0, 100.0));
        assert_eq!(
            scale2[0],
            (80.0, 83.5, 3),
            "scale 2 scores 3 at 83 and below"
        );
        assert_eq!(scale2.last().map(|r| r.2), Some(0), "on air above 87");
        assert!(scoring_ranges("hematocrit_percent", false, (30.0, 50.0)).is_empty());
    }

    fn points(score: SubScore) -> u8 {
        score.points
    }

    #[test]
    fn respiration_boundaries() {
        for (v, p) in [
            (0, 3),
            (8, 3),
            (9, 1),
            (11, 1),
            (12, 0),
            (20, 0),
            (21, 2),
            (24, 2),
            (25, 3),
            (80, 3),
        ] {
            assert_eq!(points(respiration(v)), p, "respiration {v}");
        }
    }

    #[test]
    fn spo2_scale1_boundaries() {
        for (v, p) in [
            (50, 3),
            (91, 3),
            (92, 2),
            (93, 2),
            (94, 1),
            (95, 1),
            (96, 0),
            (100, 0),
        ] {
            assert_eq!(points(spo2_scale1(v)), p, "SpO2 {v}");
        }
    }

    #[test]
    fn spo2_scale2_boundaries() {
        for (v, air, oxygen) in [
            (83, 3, 3),
            (84, 2, 2),
            (85, 2, 2),
            (86, 1, 1),
            (87, 1, 1),
            (88, 0, 0),
            (92, 0, 0),
            (93, 0, 1),
            (94, 0, 1),
            (95, 0, 2),
            (96, 0, 2),
            (97, 0, 3),
            (100, 0, 3),
        ] {
            assert_eq!(points(spo2_scale2(v, false)), air, "SpO2 {v} on air");
            assert_eq!(points(spo2_scale2(v, true)), oxygen, "SpO2 {v} on oxygen");
        }
    }

    #[test]
    fn systolic_boundaries() {
        for (v, p) in [
            (40, 3),
            (90, 3),
            (91, 2),
            (100, 2),
            (101, 1),
            (110, 1),
            (111, 0),
            (219, 0),
            (220, 3),
            (300, 3),
        ] {
            assert_eq!(points(systolic(v)), p, "systolic {v}");
        }
    }

    #[test]
    fn pulse_boundaries() {
        for (v, p) in [
            (20, 3),
            (40, 3),
            (41, 1),
            (50, 1),
            (51, 0),
            (90, 0),
            (91, 1),
            (110, 1),
            (111, 2),
            (130, 2),
            (131, 3),
        ] {
            assert_eq!(points(pulse(v)), p, "pulse {v}");
        }
    }

    #[test]
    fn temperature_boundaries() {
        for (v, p) in [
            (25.0, 3),
            (35.0, 3),
            (35.1, 1),
            (36.0, 1),
            (36.1, 0),
            (38.0, 0),
            (38.1, 1),
            (39.0, 1),
            (39.1, 2),
            (45.0, 2),
        ] {
            assert_eq!(points(temperature(v)), p, "temperature {v}");
        }
        assert_eq!(points(temperature(36.04)), 1, "charted as 36.0");
        assert_eq!(points(temperature(36.05)), 0, "charted as 36.1");
    }

    #[test]
    fn oxygen_and_consciousness() {
        assert_eq!(points(oxygen(true)), 2);
        assert_eq!(points(oxygen(false)), 0);
        assert_eq!(points(consciousness(Consciousness::Alert)), 0);
        for c in [
            Consciousness::NewConfusion,
            Consciousness::Voice,
            Consciousness::Pain,
            Consciousness::Unresponsive,
        ] {
            assert_eq!(points(consciousness(c)), 3, "{c:?}");
        }
    }

    fn normal() -> Observations {
        Observations {
            respiration_per_min: Some(16),
            spo2_percent: Some(97),
            on_oxygen: Some(false),
            systolic_mmhg: Some(120),
            pulse_per_min: Some(80),
            consciousness: Some(Consciousness::Alert),
            temperature_c: Some(37.0),
        }
    }

    #[test]
    fn bands() {
        let score = news2(&normal(), false);
        assert_eq!((score.total, score.band), (0, Band::Low));
        assert!(score.missing.is_empty());

        let single_three = Observations {
            spo2_percent: Some(91),
            ..normal()
        };
        let score = news2(&single_three, false);
        assert_eq!((score.total, score.band), (3, Band::LowMedium));
        assert!(
            score
                .subscores
                .iter()
                .any(|s| s.reason == "SpO2 91 % ≤ 91 scores 3")
        );

        let four = Observations {
            pulse_per_min: Some(115),
            respiration_per_min: Some(22),
            ..normal()
        };
        assert_eq!(news2(&four, false).band, Band::Low);

        let five = Observations {
            pulse_per_min: Some(115),
            respiration_per_min: Some(22),
            temperature_c: Some(38.5),
            ..normal()
        };
        let score = news2(&five, false);
        assert_eq!((score.total, score.band), (5, Band::Medium));

        let seven = Observations {
            systolic_mmhg: Some(88),
            pulse_per_min: Some(125),
            on_oxygen: Some(true),
            ..normal()
        };
        let score = news2(&seven, false);
        assert_eq!((score.total, score.band), (7, Band::High));

        for obs in [
            normal(),
            single_three,
            four,
            five,
            seven,
            Observations::default(),
        ] {
            for scale2 in [false, true] {
                assert_eq!(
                    news2_total(&obs, scale2),
                    news2(&obs, scale2).total,
                    "the total alone agrees for {obs:?}"
                );
            }
        }
    }

    #[test]
    fn the_newest_value_of_each_parameter_counts() {
        use chrono::TimeZone;
        let at = |h| chrono::Utc.with_ymd_and_hms(2026, 11, 30, h, 0, 0).unwrap();
        let mut old = super::super::RoundValues::empty(at(8));
        old.pulse_per_min = Some(130);
        old.temperature_c = Some(39.0);
        let mut new = super::super::RoundValues::empty(at(12));
        new.pulse_per_min = Some(88);
        let obs = Observations::newest(&[new, old]);
        assert_eq!(obs.pulse_per_min, Some(88));
        assert_eq!(
            obs.temperature_c,
            Some(39.0),
            "older value when the newest round lacks it"
        );
        assert_eq!(obs.spo2_percent, None);
    }

    #[test]
    fn missing_parameters_are_listed() {
        let score = news2(
            &Observations {
                pulse_per_min: Some(95),
                ..Default::default()
            },
            false,
        );
        assert_eq!(score.total, 1);
        assert_eq!(score.missing.len(), 6);
    }

    #[test]
    fn scale2_uses_oxygen() {
        let obs = Observations {
            spo2_percent: Some(97),
            on_oxygen: Some(true),
            ..normal()
        };
        assert_eq!(news2(&obs, false).total, 2, "scale 1: SpO2 0 + oxygen 2");
        assert_eq!(
            news2(&obs, true).total,
            5,
            "scale 2: SpO2 on oxygen 3 + oxygen 2"
        );
    }

    #[test]
    fn each_scoring_value_is_named_by_its_field() {
        let mut r = super::super::RoundValues::empty(chrono::Utc::now());
        r.respiration_per_min = Some(26);
        r.pulse_per_min = Some(80);
        r.on_oxygen = Some(true);
        let found: Vec<(&str, u8)> = scoring_fields(&r, false)
            .into_iter()
            .map(|(f, s)| (f, s.points))
            .collect();
        assert_eq!(found, [("respiration_per_min", 3), ("on_oxygen", 2)]);
    }

    #[test]
    fn a_typed_form_scores_as_the_saved_round_does() {
        let input = super::super::RoundInput {
            respiration_per_min: Some("23".into()),
            spo2_percent: Some(" 94 ".into()),
            on_oxygen: Some("true".into()),
            systolic_mmhg: Some("95".into()),
            pulse_per_min: Some("131".into()),
            consciousness: Some("C".into()),
            temperature_c: Some("38,4".into()),
            ..Default::default()
        };
        let now = chrono::Utc::now();
        let saved = input.parse(now, &crate::zones::Zone::default()).unwrap();
        for scale2 in [false, true] {
            assert_eq!(
                news2(&Observations::typed(&input), scale2),
                news2(&Observations::newest(std::slice::from_ref(&saved)), scale2),
                "scale 2: {scale2}"
            );
        }
        assert_eq!(news2(&Observations::typed(&input), false).total, 14);

        let refused = super::super::RoundInput {
            pulse_per_min: Some("fast".into()),
            temperature_c: Some("50".into()),
            on_oxygen: Some("maybe".into()),
            consciousness: Some("Q".into()),
            ..Default::default()
        };
        assert_eq!(Observations::typed(&refused), Observations::default());
    }
}
