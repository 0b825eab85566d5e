//! Change of provider: what a transfer of services from one provider to another
//! writes, and why it writes nothing else.
//!
//! The rule. A child's record belongs to the local authority: the duties to safeguard
//! and promote children's welfare and to co-operate stay with the authority whoever
//! delivers its services (Children Act 2004 s.10–11). Who delivers a service is
//! therefore data, a provision period citing the instrument that made it so: a
//! contract, a cabinet decision, a notice, or a direction of the Secretary of State
//! (Education Act 1996 s.497A, applied to children's social care by the Children Act
//! 2004 s.50), which may take effect immediately. When a service moves, the staff
//! assigned to it move with it to the new employer on the same terms, and their
//! continuity of employment is kept (TUPE 2006 reg. 4); the old employer must give the
//! new one employee liability information at least 28 days before the transfer
//! (reg. 11), which a direction with immediate effect can make impossible.
//!
//! Who may work on a child's record at a moment is derived at request time from
//! provision, employment and post at that moment. So a transfer writes provision,
//! employment and post rows only: its cost grows with the number of staff and posts,
//! never with the number of children or case notes, and no child's record changes.
//!
//! [`plan_moves`] is the one place that turns a transfer request into those rows. It is
//! pure: the store executes its result in one transaction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::day_before;
use crate::instrument::Instrument;
use crate::provision::{ProvisionChange, ProvisionEdit, ProvisionHistory};
use crate::service::Service;
use crate::staff::{Employment, Post, Team};
use crate::{
    DomainError, EmploymentId, InstrumentId, OrganisationId, Period, PostId, ServiceId, StaffId,
    TeamId,
};

/// What a transfer plan asks for: these services move from one provider to another
/// from a date, under an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    /// What people call it, e.g. "Return of children's services to the council".
    pub title: String,
    /// The instrument that moves them.
    pub instrument: InstrumentId,
    /// The services that move.
    pub services: Vec<ServiceId>,
    /// The provider they leave.
    pub from: OrganisationId,
    /// The provider they go to.
    pub to: OrganisationId,
    /// The first day the new provider provides them.
    pub effective_from: NaiveDate,
}

/// Where a plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanStatus {
    /// Planned, not yet executed: may be dry-run, executed or cancelled.
    Draft,
    /// Executed: its rows are written. Reversed only by a new plan.
    Executed,
    /// Cancelled before execution.
    Cancelled,
}

impl PlanStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Executed => "executed",
            PlanStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        match code {
            "draft" => Ok(PlanStatus::Draft),
            "executed" => Ok(PlanStatus::Executed),
            "cancelled" => Ok(PlanStatus::Cancelled),
            other => Err(DomainError::invalid(
                "plan status",
                format!("expected draft, executed or cancelled, not {other:?}"),
            )),
        }
    }

    /// How a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Executed => "Executed",
            PlanStatus::Cancelled => "Cancelled",
        }
    }
}

/// A new employment row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEmployment {
    /// Who.
    pub staff: StaffId,
    /// The new employer.
    pub employer: OrganisationId,
    /// The same post as before.
    pub post: PostId,
    /// From the transfer date to the old employment's end, if it had one.
    pub period: Period,
    /// Kept from the old employment (TUPE reg. 4).
    pub continuous_since: NaiveDate,
}

/// One person's move to the new employer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentMove {
    /// The employment with the old provider, which ends the day before the transfer.
    pub close: EmploymentId,
    /// Its new last day.
    pub last_day: NaiveDate,
    /// The employment with the new provider.
    pub open: NewEmployment,
}

/// Everything executing a transfer writes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransferMoves {
    /// One provision edit per service.
    pub provision: Vec<ProvisionEdit>,
    /// Teams of the moving services (they move with their service; no row changes).
    pub teams: Vec<TeamId>,
    /// Posts in those teams (likewise).
    pub posts: Vec<PostId>,
    /// Staff in those posts on the day, moving employer.
    pub employments: Vec<EmploymentMove>,
}

/// The workforce a transfer reads.
#[derive(Debug, Clone, Copy)]
pub struct Workforce<'a> {
    /// Every team.
    pub teams: &'a [Team],
    /// Every post.
    pub posts: &'a [Post],
    /// Every employment.
    pub employments: &'a [Employment],
}

/// Works out the rows a transfer writes, or says why it cannot be done.
///
/// `services` pairs each service asked for with its provision history. Refused, with
/// nothing to write: no service, the same provider on both sides, an effective date
/// before the instrument takes effect, a service the `from` provider does not provide
/// on the day, a person employed in two moving posts on the day, and an employment in a
/// moving post that starts after the transfer with the old provider.
pub fn plan_moves(
    request: &TransferRequest,
    instrument: &Instrument,
    services: &[(&Service, &ProvisionHistory)],
    workforce: Workforce<'_>,
    name_of: impl Fn(OrganisationId) -> String,
) -> Result<TransferMoves, DomainError> {
    if services.is_empty() {
        return Err(DomainError::invalid(
            "services",
            "choose at least one service to transfer",
        ));
    }
    if request.from == request.to {
        return Err(DomainError::invalid(
            "to",
            "the new provider must be a different organisation from the one the services leave",
        ));
    }
    let day = request.effective_from;
    let mut moves = TransferMoves::default();
    for (i, (service, history)) in services.iter().enumerate() {
        if services[..i].iter().any(|(s, _)| s.id == service.id) {
            return Err(DomainError::invalid(
                "services",
                format!("{} is named twice", service.name),
            ));
        }
        let current = history.on(day);
        if current.map(|p| p.provider) != Some(request.from) {
            return Err(DomainError::NotProvider {
                service: service.name.clone(),
                provider: name_of(request.from),
                date: day,
                actual: current.map(|p| name_of(p.provider)),
            });
        }
        let change = ProvisionChange {
            service: service.id,
            service_name: &service.name,
            provider: request.to,
            effective_from: day,
            instrument,
        };
        moves
            .provision
            .push(history.plan_change(&change, &name_of)?);
        moves.teams.extend(
            workforce
                .teams
                .iter()
                .filter(|t| t.service == service.id)
                .map(|t| t.id),
        );
    }
    moves.posts = workforce
        .posts
        .iter()
        .filter(|p| moves.teams.contains(&p.team))
        .map(|p| p.id)
        .collect();

    let mut moving: Vec<&Employment> = Vec::new();
    for e in workforce.employments {
        if !moves.posts.contains(&e.post) || e.employer != request.from {
            continue;
        }
        if e.period.start() >= day {
            return Err(DomainError::TransferConflict(format!(
                "employment {} of staff {} in post {} starts on {}, on or after the transfer, with {}: \
                 end it or move it to the new provider first",
                e.id,
                e.staff,
                e.post,
                e.period.start(),
                name_of(request.from)
            )));
        }
        if e.period.contains(day) {
            if let Some(other) = moving.iter().find(|m| m.staff == e.staff) {
                return Err(DomainError::TransferConflict(format!(
                    "staff {} is employed in two moving posts ({} and {}) on {day}: a person transfers once",
                    e.staff, other.post, e.post
                )));
            }
            moving.push(e);
        }
    }
    moves.employments = moving
        .into_iter()
        .map(|e| {
            Ok(EmploymentMove {
                close: e.id,
                last_day: day_before(day),
                open: NewEmployment {
                    staff: e.staff,
                    employer: request.to,
                    post: e.post,
                    period: Period::new("employment", day, e.period.end())?,
                    continuous_since: e.continuous_since,
                },
            })
        })
        .collect::<Result<_, DomainError>>()?;
    Ok(moves)
}

/// How far past the effective date a plan looks for statutory work due on the cases
/// that move: the new provider's first four weeks.
pub const DUE_WINDOW_DAYS: u64 = 28;

/// Whether a thing due on a moving case (worked out as at the effective date) belongs
/// in the plan: still outstanding on the effective date, and due no later than
/// [`DUE_WINDOW_DAYS`] after it (so overdue work is always listed; day 28 is in, day
/// 29 is not).
pub fn due_around_transfer(item: &crate::timescales::DueItem, effective_from: NaiveDate) -> bool {
    let last = effective_from
        .checked_add_days(chrono::Days::new(DUE_WINDOW_DAYS))
        .unwrap_or(NaiveDate::MAX);
    item.status.is_outstanding() && item.due <= last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::InstrumentDetails;
    use crate::provision::ProvisionPeriod;
    use crate::service::ServiceCode;
    use crate::staff::{PostCode, Role};
    use crate::ProvisionId;

    const COUNCIL: OrganisationId = OrganisationId(1);
    const TRUST: OrganisationId = OrganisationId(2);

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn name(o: OrganisationId) -> String {
        if o == COUNCIL {
            "the council".into()
        } else {
            "the trust".into()
        }
    }

    struct World {
        services: Vec<Service>,
        histories: Vec<ProvisionHistory>,
        teams: Vec<Team>,
        posts: Vec<Post>,
        employments: Vec<Employment>,
        notice: Instrument,
    }

    /// Two services provided by the trust since 2014; one team and two posts in each;
    /// four people, one of whom left in 2020.
    fn world() -> World {
        let services: Vec<Service> = [
            (1, "CSC", "Children's social care"),
            (2, "DCS", "Disabled children's service"),
        ]
        .into_iter()
        .map(|(id, code, name)| Service {
            id: ServiceId(id),
            authority: COUNCIL,
            code: ServiceCode::parse(code).unwrap(),
            name: name.into(),
            description: String::new(),
        })
        .collect();
        let histories = services
            .iter()
            .map(|s| {
                let period = ProvisionPeriod {
                    id: ProvisionId(s.id.0),
                    service: s.id,
                    provider: TRUST,
                    period: Period::open_from(d(2014, 10, 1)),
                    started_by: InstrumentId(1),
                    ended_by: None,
                };
                ProvisionHistory::new(&s.name, vec![period], name).unwrap()
            })
            .collect();
        let teams = vec![
            Team {
                id: TeamId(1),
                service: ServiceId(1),
                name: "Assessment".into(),
            },
            Team {
                id: TeamId(2),
                service: ServiceId(2),
                name: "Disabled children".into(),
            },
        ];
        let posts = (1..=4)
            .map(|i| Post {
                id: PostId(i),
                code: PostCode::parse(&format!("SW-{i:03}")).unwrap(),
                title: "Social worker".into(),
                grade: "SW2".into(),
                fte_hundredths: 100,
                team: TeamId(if i <= 2 { 1 } else { 2 }),
                role: Role::SocialWorker,
            })
            .collect();
        let employment =
            |id: i64, staff: i64, post: i64, start: NaiveDate, end: Option<NaiveDate>| Employment {
                id: EmploymentId(id),
                staff: StaffId(staff),
                employer: TRUST,
                post: PostId(post),
                period: Period::new("employment", start, end).unwrap(),
                continuous_since: d(2009, 1, 5),
            };
        let employments = vec![
            employment(1, 1, 1, d(2014, 10, 1), None),
            employment(2, 2, 2, d(2015, 3, 1), Some(d(2020, 6, 30))),
            employment(3, 3, 2, d(2020, 7, 1), Some(d(2023, 3, 31))),
            employment(4, 4, 3, d(2016, 6, 21), None),
        ];
        let notice = Instrument {
            id: InstrumentId(9),
            authority: COUNCIL,
            reference: "NOTICE/2022".into(),
            title: "Notice by mutual agreement".into(),
            made_on: d(2022, 3, 31),
            details: InstrumentDetails::CabinetDecision {
                decision: "Return".into(),
                recommendation: "Return".into(),
            },
        };
        World {
            services,
            histories,
            teams,
            posts,
            employments,
            notice,
        }
    }

    fn request(services: &[i64], effective_from: NaiveDate) -> TransferRequest {
        TransferRequest {
            title: "Return to the council".into(),
            instrument: InstrumentId(9),
            services: services.iter().map(|&s| ServiceId(s)).collect(),
            from: TRUST,
            to: COUNCIL,
            effective_from,
        }
    }

    fn plan(w: &World, services: &[i64], day: NaiveDate) -> Result<TransferMoves, DomainError> {
        let chosen: Vec<(&Service, &ProvisionHistory)> = services
            .iter()
            .map(|&s| {
                let i = w
                    .services
                    .iter()
                    .position(|x| x.id == ServiceId(s))
                    .unwrap();
                (&w.services[i], &w.histories[i])
            })
            .collect();
        let workforce = Workforce {
            teams: &w.teams,
            posts: &w.posts,
            employments: &w.employments,
        };
        plan_moves(&request(services, day), &w.notice, &chosen, workforce, name)
    }

    #[test]
    fn staff_in_moving_posts_change_employer_and_keep_continuity() {
        let w = world();
        let moves = plan(&w, &[1, 2], d(2022, 4, 1)).unwrap();
        assert_eq!(moves.provision.len(), 2);
        assert!(moves
            .provision
            .iter()
            .all(|e| e.open.provider == COUNCIL && e.close.is_some()));
        assert_eq!(
            moves.posts,
            vec![PostId(1), PostId(2), PostId(3), PostId(4)]
        );
        // Person 2 left in 2020 and does not move; person 3's fixed term keeps its end.
        let moved: Vec<_> = moves.employments.iter().map(|m| m.open.staff).collect();
        assert_eq!(moved, vec![StaffId(1), StaffId(3), StaffId(4)]);
        for m in &moves.employments {
            assert_eq!(m.last_day, d(2022, 3, 31));
            assert_eq!(m.open.period.start(), d(2022, 4, 1));
            assert_eq!(m.open.employer, COUNCIL);
            assert_eq!(m.open.continuous_since, d(2009, 1, 5));
        }
        let fixed_term = moves
            .employments
            .iter()
            .find(|m| m.open.staff == StaffId(3))
            .unwrap();
        assert_eq!(fixed_term.open.period.end(), Some(d(2023, 3, 31)));
    }

    #[test]
    fn only_the_services_named_move() {
        let w = world();
        let moves = plan(&w, &[2], d(2022, 4, 1)).unwrap();
        assert_eq!(moves.teams, vec![TeamId(2)]);
        assert_eq!(moves.posts, vec![PostId(3), PostId(4)]);
        assert_eq!(moves.employments.len(), 1);
    }

    #[test]
    fn bad_requests_are_refused_with_the_reason() {
        let w = world();
        let early = plan(&w, &[1], d(2022, 3, 1)).unwrap_err();
        assert!(
            matches!(early, DomainError::EffectBeforeInstrument { .. }),
            "{early}"
        );
        assert!(plan(&w, &[], d(2022, 4, 1)).is_err());
        assert!(plan(&w, &[1, 1], d(2022, 4, 1))
            .unwrap_err()
            .to_string()
            .contains("named twice"));

        let mut wrong_way = request(&[1], d(2022, 4, 1));
        std::mem::swap(&mut wrong_way.from, &mut wrong_way.to);
        let chosen = [(&w.services[0], &w.histories[0])];
        let workforce = Workforce {
            teams: &w.teams,
            posts: &w.posts,
            employments: &w.employments,
        };
        let err = plan_moves(&wrong_way, &w.notice, &chosen, workforce, name).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the council does not provide Children's social care on 2022-04-01 (the trust does)"
        );

        let mut same = request(&[1], d(2022, 4, 1));
        same.to = TRUST;
        assert!(plan_moves(&same, &w.notice, &chosen, workforce, name).is_err());
    }

    #[test]
    fn a_person_in_two_moving_posts_is_a_conflict() {
        let mut w = world();
        w.employments.push(Employment {
            id: EmploymentId(5),
            staff: StaffId(1),
            employer: TRUST,
            post: PostId(4),
            period: Period::new("employment", d(2021, 1, 1), None).unwrap(),
            continuous_since: d(2009, 1, 5),
        });
        let err = plan(&w, &[1, 2], d(2022, 4, 1)).unwrap_err();
        assert!(
            err.to_string()
                .contains("staff 1 is employed in two moving posts"),
            "{err}"
        );
        // Moving only one of the two services is fine: the person moves once.
        assert!(plan(&w, &[2], d(2022, 4, 1)).is_ok());
    }

    #[test]
    fn a_future_starter_with_the_old_provider_is_a_conflict() {
        let mut w = world();
        w.employments.push(Employment {
            id: EmploymentId(6),
            staff: StaffId(7),
            employer: TRUST,
            post: PostId(2),
            period: Period::new("employment", d(2023, 4, 1), None).unwrap(),
            continuous_since: d(2023, 4, 1),
        });
        let err = plan(&w, &[1], d(2022, 4, 1)).unwrap_err();
        assert!(err.to_string().contains("employment 6 of staff 7"), "{err}");
    }

    mod properties {
        use super::*;
        use chrono::Days;
        use proptest::prelude::*;

        /// Applies executed moves to the in-memory world, as the store does.
        fn apply(w: &mut World, moves: &TransferMoves, next_id: &mut i64) {
            for edit in &moves.provision {
                let i = w
                    .services
                    .iter()
                    .position(|s| s.id == edit.open.service)
                    .unwrap();
                w.histories[i].apply(edit, ProvisionId(*next_id)).unwrap();
                *next_id += 1;
            }
            for m in &moves.employments {
                let old = w.employments.iter_mut().find(|e| e.id == m.close).unwrap();
                old.period = old.period.ended_on("employment", m.last_day).unwrap();
                w.employments.push(Employment {
                    id: EmploymentId(*next_id),
                    staff: m.open.staff,
                    employer: m.open.employer,
                    post: m.open.post,
                    period: m.open.period,
                    continuous_since: m.open.continuous_since,
                });
                *next_id += 1;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

            /// Whatever sequence of transfers is asked for, between the council and the
            /// trust, of either or both services, on any days: accepted transfers keep
            /// every service with exactly one provider on every day from its first
            /// period, never give a person two employments on one day, keep everyone's
            /// continuity of employment, and leave exactly the staff of the moved posts
            /// employed by the new provider.
            #[test]
            fn transfers_keep_the_rules(
                steps in proptest::collection::vec((0usize..3, any::<bool>(), 0u64..4000), 1..12)
            ) {
                let mut w = world();
                let mut next_id = 100;
                let start = d(2014, 10, 1);
                for (which, to_council, offset) in steps {
                    let services: &[i64] = match which { 0 => &[1], 1 => &[2], _ => &[1, 2] };
                    let (from, to) = if to_council { (TRUST, COUNCIL) } else { (COUNCIL, TRUST) };
                    let day = start + Days::new(offset + 1);
                    let mut request = request(services, day);
                    request.from = from;
                    request.to = to;
                    let mut notice = w.notice.clone();
                    notice.made_on = day;
                    let chosen: Vec<(&Service, &ProvisionHistory)> = services
                        .iter()
                        .map(|&s| {
                            let i = w.services.iter().position(|x| x.id == ServiceId(s)).unwrap();
                            (&w.services[i], &w.histories[i])
                        })
                        .collect();
                    let workforce = Workforce { teams: &w.teams, posts: &w.posts, employments: &w.employments };
                    let Ok(moves) = plan_moves(&request, &notice, &chosen, workforce, name) else {
                        continue;
                    };
                    let continuity: Vec<_> = moves.employments.iter().map(|m| {
                        let old = w.employments.iter().find(|e| e.id == m.close).unwrap();
                        (old.continuous_since, m.open.continuous_since)
                    }).collect();
                    apply(&mut w, &moves, &mut next_id);
                    for (before, after) in continuity {
                        prop_assert_eq!(before, after);
                    }
                    // Everyone in a moved post on the day now works for the new provider.
                    for e in w.employments.iter().filter(|e| moves.posts.contains(&e.post) && e.period.contains(day)) {
                        prop_assert_eq!(e.employer, to);
                    }
                }
                // One provider per service per day from its first period; no gaps.
                for h in &w.histories {
                    for pair in h.periods().windows(2) {
                        prop_assert!(!pair[0].period.overlaps(&pair[1].period));
                        prop_assert_eq!(pair[0].period.end().and_then(|e| e.succ_opt()), Some(pair[1].period.start()));
                    }
                    prop_assert!(h.periods().last().unwrap().period.end().is_none());
                }
                // Nobody has two employments on one day.
                for (i, a) in w.employments.iter().enumerate() {
                    for b in &w.employments[i + 1..] {
                        prop_assert!(a.staff != b.staff || !a.period.overlaps(&b.period), "{:?} / {:?}", a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn due_work_in_the_plan_is_outstanding_and_due_by_day_28() {
        use crate::timescales::{DueFor, DueItem, RuleId, Status};
        let day = d(2027, 4, 1);
        let item = |due: NaiveDate, status: Status| DueItem {
            rule: RuleId::ChildProtectionVisit,
            due_for: DueFor::Case,
            clock_started: d(2027, 3, 1),
            due,
            status,
        };
        let in_days = |n: u32| Status::DueIn { days: n };
        assert!(due_around_transfer(&item(d(2027, 4, 29), in_days(28)), day));
        assert!(!due_around_transfer(
            &item(d(2027, 4, 30), in_days(29)),
            day
        ));
        assert!(due_around_transfer(&item(day, Status::DueToday), day));
        assert!(due_around_transfer(
            &item(d(2026, 12, 1), Status::Overdue { days: 121 }),
            day
        ));
        assert!(!due_around_transfer(
            &item(d(2027, 4, 10), Status::DoneOnTime { on: d(2027, 3, 30) }),
            day
        ));
    }
}
