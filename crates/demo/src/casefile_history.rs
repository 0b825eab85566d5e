//! What the demo's practitioners recorded on each child's work: contacts, decisions,
//! assessments, strategy discussions and conferences, visits at the statutory
//! frequency (with the occasional late one), placements, reviews, PEPs, health and
//! dental checks, pathway plans and short breaks, with a case note now and then.
//!
//! Each child's record comes from its own random stream (seed, child id), so it is the
//! same however the children are chunked. Text is made up from a few phrases, and names
//! only the child's given name. Nothing is dated after today.

use carebridge_domain::casefile::events::{
    Event, EventKind, ASSESSMENT_FACTORS, CATEGORY_OF_ABUSE, CATEGORY_OF_NEED, LEGAL_STATUS,
    REASON_PLACE_CHANGE, REFERRAL_SOURCE,
};
use carebridge_domain::casefile::notes::{Note, NoteKind};
use carebridge_domain::casework::ClosureReason;
use carebridge_domain::child::{Child, Involvement, InvolvementKind};
use carebridge_domain::{EventId, InvolvementId, NoteId};
use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::days::{chance, date_of, day};

/// Placement types the demo uses most (DfE `PLACE` codes).
const PLACEMENTS: &[&str] = &[
    "U6", "U6", "U6", "U4", "U4", "U3", "U1", "K2", "K2", "P1", "K3",
];

const MOODS: &[&str] = &[
    "settled and chatty",
    "quiet at first, then talked more",
    "tired after school",
    "cheerful",
    "upset about contact being cancelled",
    "proud of a certificate from school",
];

const TOPICS: &[&str] = &[
    "school and their friends",
    "football at the weekend",
    "their little brother",
    "what they want for their birthday",
    "the new carer's dog",
    "worries about moving schools",
    "seeing their nan",
];

/// The record of one child: events and notes (ids are given by the database), and why
/// each closed piece of work was closed.
#[derive(Debug, Clone, Default)]
pub struct Casefile {
    /// Events.
    pub events: Vec<Event>,
    /// Notes and visits.
    pub notes: Vec<Note>,
    /// The closure reason of every closed piece of work.
    pub closures: Vec<(InvolvementId, ClosureReason)>,
}

/// Factors an assessment of a child in need often identifies (CIN census codes).
const FACTORS: [&str; 12] = [
    "3B", "4B", "1B", "2B", "16A", "17A", "4A", "10A", "23A", "11A", "6B", "3C",
];

struct Writer<'a> {
    rng: ChaCha8Rng,
    child: &'a Child,
    all_work: &'a [Involvement],
    today: i32,
    events: Vec<Event>,
    notes: Vec<Note>,
}

fn pick<'a>(rng: &mut impl Rng, from: &'a [&'a str]) -> &'a str {
    from[rng.gen_range(0..from.len())]
}

impl Writer<'_> {
    fn event(&mut self, work: &Involvement, kind: EventKind, on: i32, details: &[(&str, &str)]) {
        // Nothing happens on work before it starts or after it ends (a plan cut short
        // at 18 holds no conference after), nor after today.
        let ended = work.period.end().is_some_and(|e| on > day(e));
        if on > self.today || on < day(work.period.start()) || ended {
            return;
        }
        let mut details: std::collections::BTreeMap<String, String> = details
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if kind == EventKind::LookedAfterReview {
            details.insert(
                "participation".to_owned(),
                self.participation(on).to_owned(),
            );
        }
        self.events.push(Event {
            id: EventId(0),
            child: self.child.id,
            involvement: work.id,
            kind,
            occurred_on: date_of(on),
            details,
            recorded_by: String::new(),
            recorded_at: recorded_at(on),
        });
    }

    /// Whether the child is at least `years` old on day `on`.
    fn aged(&self, years: u32, on: i32) -> bool {
        date_of(on)
            .years_since(self.child.date_of_birth)
            .is_some_and(|age| age >= years)
    }

    /// A placement the child's age and legal status allow: supported accommodation
    /// (K3) only from 16, and no placement with parents (P1) under section 20 (V2),
    /// which is accommodation away from them (DfE rules 371 and 378).
    fn placement_for(&self, place: &'static str, ls: &str, on: i32) -> &'static str {
        match place {
            "K3" if !self.aged(16, on) => "K2",
            "P1" if ls == "V2" => "U6",
            other => other,
        }
    }

    /// How the child took part in a review on day `on`: under-fours cannot (PN0);
    /// otherwise mostly in person. Derived from the child and the day, not drawn from
    /// the generator's stream, so adding it left every other generated fact as it was.
    fn participation(&self, on: i32) -> &'static str {
        if !self.aged(4, on) {
            return "PN0";
        }
        const WAYS: [&str; 10] = [
            "PN1", "PN1", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7",
        ];
        let i = usize::try_from((self.child.id.0 + i64::from(on)).rem_euclid(10)).unwrap_or(0);
        WAYS[i]
    }

    /// Who provides a placement of type `place`: parents for a placement at home, the
    /// authority's own carers for most fostering, private or voluntary providers for
    /// the rest (derived like [`Writer::participation`]).
    fn provider(&self, place: &str, on: i32) -> &'static str {
        let n = (self.child.id.0 + i64::from(on)).rem_euclid(4);
        match place {
            "P1" => "PR0",
            "K2" | "K3" => {
                if n == 0 {
                    "PR1"
                } else {
                    "PR4"
                }
            }
            _ => match n {
                0 => "PR4",
                1 => "PR5",
                _ => "PR1",
            },
        }
    }

    /// A fictional placement postcode in the NM area for a placement starting on day
    /// `on` (from its own generator, seeded by the child and the day, so the rest of
    /// the history is as it was).
    fn placement_postcode(&self, on: i32) -> String {
        const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
        let seed =
            u64::try_from(self.child.id.0).unwrap_or(0) << 32 | u64::try_from(on).unwrap_or(0);
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        let mut letter = || char::from(INWARD[r.gen_range(0..INWARD.len())]);
        let (a, b) = (letter(), letter());
        let district = (seed % 24) + 1;
        let sector = (seed / 24 % 9) + 1;
        format!("NM{district} {sector}{a}{b}")
    }

    /// Why a period of care that ended on day `on`, in placement `place`, ended: from a
    /// placement for adoption, adopted; at 18, staying put or independent living;
    /// before, mostly home as planned, and a special guardianship order to foster
    /// carers only from foster care (derived like
    /// [`Writer::participation`]).
    fn reason_ceased(&self, on: i32, place: &str) -> &'static str {
        let n = usize::try_from(self.child.id.0.rem_euclid(6)).unwrap_or(0);
        if place.starts_with('A') {
            "E11"
        } else if self.aged(18, on) {
            ["E17", "E5", "E5", "E6", "E17", "E5"][n]
        } else if place.starts_with('U') {
            ["E4A", "E4A", "E13", "E45", "E41", "E8"][n]
        } else {
            ["E4A", "E4A", "E13", "E41", "E41", "E8"][n]
        }
    }

    /// Whether the child had permanence before the care `w` begun on `start`, recorded
    /// that day (derived, not drawn): mostly none; now and then a special guardianship
    /// or child arrangements order that broke down, made some years before by this or
    /// another authority, its day (or day and month) not always known.
    fn permanence_before(&mut self, w: &Involvement, start: i32) {
        let option = match self.derived(start, 20) {
            0 => "P2",
            1 => "P3",
            _ => {
                self.event(w, EventKind::PreviousPermanence, start, &[("option", "Z1")]);
                return;
            }
        };
        let years = i32::try_from(self.derived(start + 1, 4)).unwrap_or(0) + 1;
        let made = date_of(start - 365 * years - 30);
        let date = match self.derived(start + 2, 3) {
            0 => made.format("ZZ/%m/%Y").to_string(),
            _ => made.format("%d/%m/%Y").to_string(),
        };
        let la = ["886", "850", "340", "SCO"][self.derived(start + 3, 4)];
        if made < self.child.date_of_birth {
            self.event(w, EventKind::PreviousPermanence, start, &[("option", "Z1")]);
            return;
        }
        self.event(
            w,
            EventKind::PreviousPermanence,
            start,
            &[("option", option), ("la", la), ("date", &date)],
        );
    }

    /// A number from the child and the day, for choices that must not draw from the
    /// generator's stream (so adding them left every other generated fact as it was).
    fn derived(&self, on: i32, modulo: i64) -> usize {
        usize::try_from((self.child.id.0 * 31 + i64::from(on)).rem_euclid(modulo)).unwrap_or(0)
    }

    /// Whether support as a child in need, under a protection plan or in care follows
    /// `w` without a break (it starts after `w` did, by the day after `w` ended).
    fn followed(&self, w: &Involvement) -> bool {
        let Some(end) = w.period.end() else {
            return false;
        };
        self.all_work.iter().any(|o| {
            matches!(
                o.kind,
                InvolvementKind::ChildInNeed
                    | InvolvementKind::ChildProtection
                    | InvolvementKind::LookedAfter
            ) && o.period.start() > w.period.start()
                && day(o.period.start()) <= day(end) + 1
        })
    }

    /// The primary need and the factors identified at an assessment completed on day
    /// `on`: abuse or neglect where protection follows; mostly a family under stress
    /// otherwise; "no factors identified" for a third of those closed after assessment.
    fn assessment_findings(&self, w: &Involvement, on: i32) -> [(&'static str, String); 2] {
        const NEEDS: [&str; 10] = ["N1", "N1", "N4", "N5", "N3", "N8", "N6", "N4", "N7", "N5"];
        let protection = self.all_work.iter().any(|o| {
            o.kind == InvolvementKind::ChildProtection
                && o.period.start() > w.period.start()
                && w.period
                    .end()
                    .is_some_and(|e| day(o.period.start()) <= day(e) + 1)
        });
        let need = match w.kind {
            InvolvementKind::DisabledChildren => "N2",
            InvolvementKind::ChildProtection => "N1",
            _ if protection => "N1",
            _ => NEEDS[self.derived(day(w.period.start()), 10)],
        };
        let n = self.derived(on, 97);
        let chosen: Vec<&str> = if w.kind == InvolvementKind::DisabledChildren {
            vec![["6A", "5A", "4A"][n % 3]]
        } else if w.kind == InvolvementKind::Referral
            && w.period.end().is_some()
            && !self.followed(w)
            && n.is_multiple_of(3)
        {
            vec!["21"]
        } else {
            let mut chosen: Vec<&str> = (0..=n % 3).map(|k| FACTORS[(n + 5 * k) % 12]).collect();
            if protection || w.kind == InvolvementKind::ChildProtection {
                chosen.push("16A");
            }
            chosen
        };
        let factors = ASSESSMENT_FACTORS
            .iter()
            .filter(|(c, _)| chosen.contains(c))
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(" ");
        [("need", need.to_owned()), ("factors", factors)]
    }

    /// Why closed work was closed: a referral with no further action as services
    /// ceased (RC7), one closed after its assessment as no further action (RC8) or with
    /// a step down to early help (RC9); care as the reason it ended says; disabled
    /// children's work at 18 as a transfer to adult services; the rest as services
    /// ceased.
    fn closure(&self, w: &Involvement) -> Option<ClosureReason> {
        let end = w.period.end()?;
        if day(end) > self.today {
            return None;
        }
        let recorded = |kind: EventKind, name: &str| {
            self.events
                .iter()
                .find(|e| e.involvement == w.id && e.kind == kind)
                .and_then(|e| e.detail(name))
                .map(str::to_owned)
        };
        Some(match w.kind {
            InvolvementKind::Referral => {
                let assessed = self
                    .events
                    .iter()
                    .any(|e| e.involvement == w.id && e.kind == EventKind::AssessmentCompleted);
                let early_help = self.all_work.iter().any(|o| {
                    o.kind == InvolvementKind::EarlyHelp && day(o.period.start()) == day(end) + 1
                });
                if !assessed || self.followed(w) {
                    ClosureReason::ServicesCeased
                } else if early_help {
                    ClosureReason::ReferredToEarlyHelp
                } else {
                    ClosureReason::NoFurtherAction
                }
            }
            InvolvementKind::LookedAfter => ClosureReason::when_care_ended(
                recorded(EventKind::CeasedLookedAfter, "rec")
                    .as_deref()
                    .unwrap_or(""),
            ),
            InvolvementKind::DisabledChildren if self.aged(18, day(end) + 1) => {
                ClosureReason::TransferredToAdultServices
            }
            _ => ClosureReason::ServicesCeased,
        })
    }

    fn note(&mut self, work: &Involvement, kind: NoteKind, on: i32) {
        if on > self.today || on < day(work.period.start()) {
            return;
        }
        let name = self.child.given_name.clone();
        let (child_seen, seen_alone, summary, body) = match kind {
            NoteKind::Visit => {
                let seen = !chance(&mut self.rng, 4);
                let alone = seen && chance(&mut self.rng, 60);
                let body = if seen {
                    format!(
                        "Visited {name}, who was {}. We talked about {}.{}",
                        pick(&mut self.rng, MOODS),
                        pick(&mut self.rng, TOPICS),
                        if alone {
                            format!(" Saw {name} alone in their room.")
                        } else {
                            String::new()
                        }
                    )
                } else {
                    format!("Visited; {name} was out. Spoke to the carer and arranged to come back this week.")
                };
                (Some(seen), alone.then_some(true).or(seen.then_some(false)), "Statutory visit".to_owned(), body)
            }
            NoteKind::Call => (
                None,
                None,
                "Call with the school".to_owned(),
                format!("The designated safeguarding lead said {name}'s attendance is {}.", if chance(&mut self.rng, 70) { "improving" } else { "still a worry" }),
            ),
            NoteKind::Meeting => (
                None,
                None,
                "Core group meeting".to_owned(),
                "Reviewed the plan with the family and the professionals. Actions agreed and shared.".to_owned(),
            ),
            NoteKind::DirectWork => (
                None,
                None,
                "Direct work session".to_owned(),
                format!("Worked with {name} on a life story book; talked about {}.", pick(&mut self.rng, TOPICS)),
            ),
            NoteKind::CaseNote => (
                None,
                None,
                "Supervision discussion".to_owned(),
                "Case discussed in supervision. Plan remains appropriate; next steps agreed.".to_owned(),
            ),
        };
        self.notes.push(Note {
            id: NoteId(0),
            child: self.child.id,
            involvement: work.id,
            kind,
            occurred_on: date_of(on),
            child_seen,
            seen_alone,
            summary,
            body,
            recorded_by: String::new(),
            recorded_at: recorded_at(on),
        });
    }

    /// Visits from `first` every `every` days (give or take), to the end of the work;
    /// now and then one is late.
    fn visits(&mut self, work: &Involvement, first: i32, every: i32) {
        let end = work.period.end().map_or(self.today, day).min(self.today);
        let mut on = first;
        while on <= end {
            self.note(work, NoteKind::Visit, on);
            let late = if chance(&mut self.rng, 6) {
                self.rng.gen_range(3..12)
            } else {
                0
            };
            on += every - self.rng.gen_range(0..every / 4 + 1) + late;
        }
    }

    /// A case note, call, meeting or direct work every month or so.
    fn notes_monthly(&mut self, work: &Involvement) {
        let end = work.period.end().map_or(self.today, day).min(self.today);
        let mut on = day(work.period.start()) + self.rng.gen_range(5..30);
        while on <= end {
            let kind = match self.rng.gen_range(0..4) {
                0 => NoteKind::Call,
                1 => NoteKind::Meeting,
                2 => NoteKind::DirectWork,
                _ => NoteKind::CaseNote,
            };
            self.note(work, kind, on);
            on += self.rng.gen_range(25..45);
        }
    }

    /// Once a year in care: the strengths and difficulties questionnaire (4 to 16; at 3
    /// and 17, not due),
    /// immunisations checked, a development review (under 5); now and then a substance
    /// misuse problem (from 13) or a conviction (from 12). Derived, not drawn.
    fn wellbeing(&mut self, w: &Involvement, start: i32, end: i32) {
        let mut on = start + 40 + self.derived(start, 20) as i32;
        while on <= end {
            if (self.aged(3, on) && !self.aged(4, on)) || (self.aged(17, on) && !self.aged(18, on))
            {
                // Not due at this age, but the year's return asks why there is none.
                self.event(w, EventKind::SdqNotScored, on, &[("reason", "SDQ1")]);
            } else if self.aged(4, on) && !self.aged(17, on) {
                match self.derived(on, 12) {
                    0 => self.event(w, EventKind::SdqNotScored, on, &[("reason", "SDQ2")]),
                    1 if self.aged(13, on) => {
                        self.event(w, EventKind::SdqNotScored, on, &[("reason", "SDQ5")])
                    }
                    _ => {
                        let score = (4 + self.derived(on + 3, 24)).to_string();
                        self.event(w, EventKind::SdqScored, on, &[("score", &score)]);
                    }
                }
            }
            let up_to_date = if self.derived(on + 1, 10) == 0 {
                "N"
            } else {
                "Y"
            };
            self.event(
                w,
                EventKind::ImmunisationsChecked,
                on,
                &[("up-to-date", up_to_date)],
            );
            if !self.aged(5, on) {
                self.event(w, EventKind::DevelopmentReview, on + 7, &[]);
            }
            if self.aged(13, on) && self.derived(on + 2, 9) == 0 {
                let received = if self.derived(on, 2) == 0 { "Y" } else { "N" };
                let details: &[(&str, &str)] = if received == "Y" {
                    &[("intervention-received", "Y")]
                } else {
                    &[
                        ("intervention-received", "N"),
                        ("intervention-offered", "Y"),
                    ]
                };
                self.event(w, EventKind::SubstanceMisuse, on + 30, details);
            }
            if self.aged(12, on) && self.derived(on + 4, 20) == 0 {
                self.event(w, EventKind::Convicted, on + 60, &[]);
            }
            on += 330 + self.derived(on, 30) as i32;
        }
    }

    /// Around each birthday from 17 to 21, what the personal adviser knows: mostly in
    /// touch, in education, training or work, living somewhere suitable.
    fn keeping_in_touch(&mut self, w: &Involvement) {
        const ACTIVITY: [&str; 8] = ["F2", "F5", "F1", "G5", "P5", "F4", "G6", "F2"];
        const HOME: [&str; 8] = ["D1", "U1", "E1", "D1", "B1", "U2", "Z1", "K1"];
        for age in 17..=21 {
            let Some(birthday) = self
                .child
                .date_of_birth
                .checked_add_months(chrono::Months::new(12 * age))
            else {
                continue;
            };
            // Up to forty days before, or the day the work began if that was later.
            let on =
                (day(birthday) - self.derived(day(birthday), 40) as i32).max(day(w.period.start()));
            let in_touch = match self.derived(on, 20) {
                0 | 1 => "NO",
                2 => "REFU",
                3 => "NREQ",
                _ => "YES",
            };
            let activity = ACTIVITY[self.derived(on + 1, 8)];
            // Staying put with former foster carers only from 18.
            let home = match HOME[self.derived(on + 2, 8)] {
                "Z1" if age < 18 => "D1",
                other => other,
            };
            let details: &[(&str, &str)] = if in_touch == "YES" {
                &[
                    ("in-touch", "YES"),
                    ("activity", activity),
                    ("accommodation", home),
                ]
            } else {
                &[("in-touch", in_touch)]
            };
            self.event(w, EventKind::CareLeaverContact, on, details);
        }
    }

    /// A placement starting on day `on`, with the Ofsted unique reference number of a
    /// registered one: a children's home, or foster care through an agency.
    fn placement(&mut self, w: &Involvement, on: i32, place: &str, provider: &str, postcode: &str) {
        let registered = place == "K2"
            || (matches!(place, "U4" | "U5" | "U6") && matches!(provider, "PR4" | "PR5"));
        let urn = format!("SC{:06}", 100_000 + self.derived(on, 800_000));
        let mut details = vec![
            ("place", place),
            ("provider", provider),
            ("postcode", postcode),
        ];
        if registered {
            details.push(("urn", &urn));
        }
        self.event(w, EventKind::PlacementStarted, on, &details);
    }

    /// The match with adopters, on day `on`: mostly a man and a woman, married.
    fn adoption_match(&mut self, w: &Involvement, on: i32) {
        let (adopters, status) = match self.derived(on, 8) {
            0 => ("F1", "L0"),
            1 => ("FF", "L12"),
            2 => ("MM", "L2"),
            3 => ("MF", "L3"),
            _ => ("MF", "L11"),
        };
        // The demo's adopters are never the child's foster carers (placement A4).
        let foster = "N";
        self.event(
            w,
            EventKind::AdoptionMatched,
            on,
            &[
                ("adopters", adopters),
                ("status", status),
                ("foster-carers", foster),
            ],
        );
    }

    /// Now and then a young person of twelve or over in a children's home (`place`,
    /// from day `from` until the placement ends on day `until`) is deprived of their
    /// liberty by a court order, for a few months and never beyond the placement.
    fn liberty_deprived(&mut self, w: &Involvement, place: &str, from: i32, until: i32) {
        let made = from + 7;
        if place != "K2" || !self.aged(12, made) || self.derived(from, 4) != 0 {
            return;
        }
        let ends = (made + 60 + self.derived(from, 90) as i32).min(until - 1);
        if ends <= made {
            return;
        }
        self.event(w, EventKind::LibertyDeprived, made, &[]);
        self.event(w, EventKind::LibertyDeprivedEnded, ends, &[]);
    }

    /// Now and then a child in care of ten or over goes missing, or is away without
    /// permission, and is back within days; roughly one such child in six in a year.
    /// Derived, not drawn, so that every other generated fact stays as it was.
    fn missing_periods(&mut self, w: &Involvement, start: i32, end: i32) {
        let mut on = start + 30 + self.derived(start, 60) as i32;
        while on + 6 < end {
            if self.derived(on, 25) == 0 && self.aged(10, on) {
                let kind = if self.derived(on, 3) == 0 { "A" } else { "M" };
                self.event(w, EventKind::Missing, on, &[("missing", kind)]);
                let back = on + self.derived(on + 1, 6) as i32;
                // A return interview is offered almost always, and mostly taken up.
                let offered = if self.derived(on, 10) == 0 { "N" } else { "Y" };
                let accepted = if offered == "N" || self.derived(on + 2, 3) == 0 {
                    "N"
                } else {
                    "Y"
                };
                self.event(
                    w,
                    EventKind::MissingEnded,
                    back,
                    &[
                        ("interview-offered", offered),
                        ("interview-accepted", accepted),
                    ],
                );
            }
            on += 50 + self.derived(on, 70) as i32;
        }
    }

    /// Events every `every` days from `first` to the end of the work.
    fn every(&mut self, work: &Involvement, kind: EventKind, first: i32, every: i32) {
        let end = work.period.end().map_or(self.today, day).min(self.today);
        let mut on = first;
        while on <= end {
            self.event(work, kind, on, &[]);
            on += every - self.rng.gen_range(0..10);
        }
    }

    fn work(&mut self, w: &Involvement) {
        let start = day(w.period.start());
        let end = w.period.end().map_or(self.today, day).min(self.today);
        match w.kind {
            InvolvementKind::Referral => {
                let source = REFERRAL_SOURCE[self.rng.gen_range(0..REFERRAL_SOURCE.len())].0;
                self.event(w, EventKind::Contact, start, &[("source", source)]);
                let closed = w.period.end().is_some();
                let by_end = |d: i32| if closed { d.min(end) } else { d };
                let decided = by_end(
                    start
                        + if chance(&mut self.rng, 90) {
                            self.rng.gen_range(0..2)
                        } else {
                            3
                        },
                );
                // No further action: a short referral closed with nothing after it.
                let nfa = if closed && end - start < 10 && !self.followed(w) {
                    "Y"
                } else {
                    "N"
                };
                if nfa == "Y" {
                    self.event(w, EventKind::ReferralDecision, decided, &[("nfa", nfa)]);
                } else {
                    let [need, _] = self.assessment_findings(w, decided);
                    self.event(
                        w,
                        EventKind::ReferralDecision,
                        decided,
                        &[("nfa", nfa), (need.0, &need.1)],
                    );
                    self.event(w, EventKind::AssessmentStarted, by_end(decided + 1), &[]);
                    // A referral closes the day its assessment is authorised (the
                    // day drawn is kept so the rest of the story stays as it was).
                    let drawn = start + self.rng.gen_range(15..60);
                    let done = if closed { end } else { drawn };
                    if done <= end {
                        let [need, factors] = self.assessment_findings(w, done);
                        self.event(
                            w,
                            EventKind::AssessmentCompleted,
                            done,
                            &[(need.0, &need.1), (factors.0, &factors.1)],
                        );
                    }
                    self.visits(w, decided + 3, 14);
                }
            }
            InvolvementKind::ChildProtection => {
                self.event(w, EventKind::StrategyDiscussion, start, &[("s47", "Y")]);
                // Conferences are held on weekdays (rule 8875).
                let mut icpc = start + self.rng.gen_range(7..21);
                while matches!(date_of(icpc).weekday(), Weekday::Sat | Weekday::Sun) {
                    icpc += 1;
                }
                // The enquiry comes with a child and family assessment, authorised
                // before the conference.
                self.event(w, EventKind::AssessmentStarted, start, &[]);
                // (Work cut short before the conference, at 18, closes its
                // assessment when it ends.)
                let done = (icpc - 1).min(end);
                let [need, factors] = self.assessment_findings(w, done);
                self.event(
                    w,
                    EventKind::AssessmentCompleted,
                    done,
                    &[(need.0, &need.1), (factors.0, &factors.1)],
                );
                let category = CATEGORY_OF_ABUSE[self.rng.gen_range(0..CATEGORY_OF_ABUSE.len())].0;
                self.event(
                    w,
                    EventKind::InitialConference,
                    icpc,
                    &[("plan", "Y"), ("category", category)],
                );
                self.every(w, EventKind::ReviewConference, icpc + 88, 182);
                self.visits(w, icpc + 5, 13);
                self.notes_monthly(w);
            }
            InvolvementKind::ChildInNeed => {
                self.visits(w, start + 10, 42);
                self.notes_monthly(w);
            }
            InvolvementKind::LookedAfter => {
                let ls = if chance(&mut self.rng, 60) {
                    "C2"
                } else {
                    "V2"
                };
                debug_assert!(LEGAL_STATUS.iter().any(|(c, _)| *c == ls));
                let need =
                    CATEGORY_OF_NEED[usize::try_from(self.child.id.0.rem_euclid(8)).unwrap_or(0)].0;
                self.event(
                    w,
                    EventKind::LegalStatus,
                    start,
                    &[("ls", ls), ("need", need)],
                );
                self.permanence_before(w, start);
                let mut placed = start;
                // Some young children on a full care order are adopted: a decision,
                // a placement order, then a move to their adopters (and, if care has
                // ended, an adoption order).
                let adopted = ls == "C2"
                    && !self.aged(5, start)
                    && end - start >= 420
                    && self.child.id.0.rem_euclid(3) == 0;
                let chosen = pick(&mut self.rng, PLACEMENTS);
                let place = match self.placement_for(chosen, ls, placed) {
                    // A child to be adopted waits in foster care (DfE rule 336).
                    p if adopted && !p.starts_with('U') => "U3",
                    p => p,
                };
                let provider = self.provider(place, placed);
                let postcode = self.placement_postcode(placed);
                self.placement(w, placed, place, provider, &postcode);
                let mut current = place;
                if adopted {
                    self.event(w, EventKind::AdoptionDecision, start + 120, &[]);
                    self.event(w, EventKind::LegalStatus, start + 240, &[("ls", "E1")]);
                    self.adoption_match(w, start + 270);
                    let on = start + 300;
                    self.event(w, EventKind::PlacementEnded, on, &[("reason", "CARPL")]);
                    let postcode = self.placement_postcode(on);
                    self.placement(w, on, "A4", "PR1", &postcode);
                    current = "A4";
                } else {
                    // Now and then a young child's plan for adoption is given up.
                    let given_up = ls == "C2"
                        && !self.aged(5, start)
                        && end - start >= 400
                        && self.child.id.0.rem_euclid(3) == 1
                        && self.derived(start, 2) == 0;
                    if given_up {
                        self.event(w, EventKind::AdoptionDecision, start + 150, &[]);
                        let reason = if self.derived(start, 3) == 0 {
                            "RD1"
                        } else {
                            "RD3"
                        };
                        self.event(
                            w,
                            EventKind::AdoptionDecisionReversed,
                            start + 330,
                            &[("reason", reason)],
                        );
                    }
                    loop {
                        let next = placed + self.rng.gen_range(200..900);
                        if next >= end {
                            break;
                        }
                        self.liberty_deprived(w, current, placed, next);
                        let reason = match REASON_PLACE_CHANGE
                            [self.rng.gen_range(0..REASON_PLACE_CHANGE.len())]
                        .0
                        {
                            // Custody is for children of 10 and over, by their age
                            // when the placement began (DfE rule 234 as the DfE checks it).
                            "CUSTOD" if !self.aged(10, placed) => "CARPL",
                            other => other,
                        };
                        self.event(w, EventKind::PlacementEnded, next, &[("reason", reason)]);
                        let chosen = pick(&mut self.rng, PLACEMENTS);
                        let place = self.placement_for(chosen, ls, next);
                        let provider = self.provider(place, next);
                        let postcode = self.placement_postcode(next);
                        self.placement(w, next, place, provider, &postcode);
                        placed = next;
                        current = place;
                    }
                }
                if !adopted {
                    self.liberty_deprived(w, current, placed, end + 1);
                }
                self.missing_periods(w, start, end);
                if let Some(last) = w.period.end().map(day) {
                    let rec = self.reason_ceased(last, current);
                    self.event(w, EventKind::CeasedLookedAfter, last, &[("rec", rec)]);
                }
                self.event(w, EventKind::LookedAfterReview, start + 26, &[]);
                self.every(w, EventKind::LookedAfterReview, start + 110, 182);
                self.visits(w, start + 5, 40);
                self.every(w, EventKind::HealthAssessment, start + 25, 365);
                self.every(w, EventKind::DentalCheck, start + 60, 365);
                self.wellbeing(w, start, end);
                self.school_terms(w, EventKind::PepMeeting);
                let sixteen = day(self.child.date_of_birth) + 16 * 365 + 4;
                if sixteen > start && sixteen <= end {
                    self.event(w, EventKind::PathwayPlanMade, sixteen + 20, &[]);
                }
                self.notes_monthly(w);
            }
            InvolvementKind::CareLeaver => {
                self.event(w, EventKind::PathwayPlanMade, start + 5, &[]);
                self.every(w, EventKind::PathwayPlanReview, start + 180, 182);
                self.visits(w, start + 20, 56);
                self.keeping_in_touch(w);
            }
            InvolvementKind::EarlyHelp | InvolvementKind::DisabledChildren => {
                let disabled = w.kind == InvolvementKind::DisabledChildren;
                if disabled {
                    // Health services, schools and families ask the service directly.
                    let source = ["3A", "3B", "2A", "1A", "5A", "3F"][self.derived(start, 6)];
                    self.event(w, EventKind::Contact, start, &[("source", source)]);
                }
                self.event(w, EventKind::AssessmentStarted, start, &[]);
                let done = start + self.rng.gen_range(20..50);
                if done <= end {
                    if disabled {
                        let [need, factors] = self.assessment_findings(w, done);
                        self.event(
                            w,
                            EventKind::AssessmentCompleted,
                            done,
                            &[(need.0, &need.1), (factors.0, &factors.1)],
                        );
                    } else {
                        self.event(w, EventKind::AssessmentCompleted, done, &[]);
                    }
                }
                if w.kind == InvolvementKind::DisabledChildren {
                    self.every(w, EventKind::ShortBreak, start + 30, 45);
                } else {
                    self.notes_monthly(w);
                }
            }
            InvolvementKind::VirtualSchool => self.school_terms(w, EventKind::PepMeeting),
        }
    }

    /// One event a school term (in October, February and June) while the work is open
    /// and the child is of school age.
    fn school_terms(&mut self, w: &Involvement, kind: EventKind) {
        let born = self.child.date_of_birth;
        let start = w.period.start();
        let end = w
            .period
            .end()
            .map_or(date_of(self.today), |e| e.min(date_of(self.today)));
        for year in start.year()..=end.year() {
            for month in [2, 6, 10] {
                let Some(on) = NaiveDate::from_ymd_opt(year, month, self.rng.gen_range(3..25))
                else {
                    continue;
                };
                let age = on.year() - born.year();
                if on >= start && on <= end && (5..=16).contains(&age) {
                    self.event(w, kind, day(on), &[]);
                }
            }
        }
    }
}

/// When a demo entry was written: 16:30 on its day.
fn recorded_at(on: i32) -> DateTime<Utc> {
    date_of(on)
        .and_hms_opt(16, 30, 0)
        .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
}

/// The record of `child`'s `work` as at `today`, from the stream (seed, child id).
pub(crate) fn casefile(
    seed: u64,
    today: NaiveDate,
    child: &Child,
    work: &[Involvement],
) -> Casefile {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6361_7365_6669_6c65);
    rng.set_stream(u64::try_from(child.id.0).unwrap_or_default());
    let mut writer = Writer {
        rng,
        child,
        all_work: work,
        today: day(today),
        events: Vec::new(),
        notes: Vec::new(),
    };
    for w in work {
        writer.work(w);
    }
    let closures = work
        .iter()
        .filter_map(|w| Some((w.id, writer.closure(w)?)))
        .collect();
    Casefile {
        events: writer.events,
        notes: writer.notes,
        closures,
    }
}
