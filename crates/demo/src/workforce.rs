//! The demo workforce: teams, posts, the people who held them, and who employed them.
//!
//! The rule this module keeps (TUPE, Transfer of Undertakings (Protection of Employment)
//! Regulations 2006): a post's holder is employed by whoever provides the post's service
//! on that day. When a service moves, every person in its posts moves to the new
//! provider on the transfer date with their continuity of employment kept; nobody's
//! employment is ended or restarted by the move. So the employments here are not drawn
//! at random: they are the holders' time in post cut at each change of provider.
//!
//! Who held each post is a small simulation from 2010 to today: people leave at random
//! dates, posts stay vacant for a while or are filled at once, some vacancies are filled
//! by promoting someone from the grade below in the same service, and a few posts are
//! vacant today. The scale is [`crate::DemoParams::posts`]: the standard establishment
//! of [`STANDARD_POSTS`] posts (a metropolitan borough's children's services, and more
//! people than that over the years) whatever the number of children, or a larger one
//! with more frontline posts in every team, in proportion (for benchmarks at the size
//! of a large authority).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use carebridge_domain::child::InvolvementKind;
use carebridge_domain::provision::ProvisionHistory;
use carebridge_domain::staff::{
    Employment, Post, PostCode, Role, StaffMember, SweRegistration, Team,
};
use carebridge_domain::{
    DomainError, EmploymentId, OrganisationId, Period, PostId, ServiceId, StaffId, TeamId,
};
use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::days::{between, chance, date_of, day};
use crate::names::{person_name, GivenNames};
use crate::story::{self, Story, CORP, CSC, DCS, EH, FOST, STORY_BEGINS, TRUST, VS};

/// What a post is, which fixes its title, reference prefix, grades and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostKind {
    DirectorOfChildrensServices,
    DirectorOfSocialCare,
    ServiceManager,
    TeamManager,
    SeniorPractitioner,
    SocialWorker,
    FamilySupportWorker,
    PersonalAdviser,
    EarlyHelpPractitioner,
    VirtualSchoolHead,
    EducationAdviser,
    PerformanceAnalyst,
    InformationGovernanceLead,
    SystemsAdministrator,
}

impl PostKind {
    /// How many posts of this kind a team has in the standard establishment, from the
    /// team table's count: frontline posts are scaled up so the authority has about 400
    /// posts (a metropolitan borough's children's services), managers and single posts
    /// stay as listed.
    const fn establishment(self, listed: u32) -> u32 {
        match self {
            PostKind::SocialWorker
            | PostKind::FamilySupportWorker
            | PostKind::PersonalAdviser
            | PostKind::EarlyHelpPractitioner
            | PostKind::EducationAdviser => listed * 5 / 2,
            PostKind::SeniorPractitioner => listed * 2,
            _ => listed,
        }
    }

    /// Whether a larger workforce has more posts of this kind (practitioners grow with
    /// the caseload; each team keeps its one manager).
    const fn grows(self) -> bool {
        matches!(
            self,
            PostKind::SocialWorker
                | PostKind::FamilySupportWorker
                | PostKind::PersonalAdviser
                | PostKind::EarlyHelpPractitioner
                | PostKind::EducationAdviser
                | PostKind::SeniorPractitioner
        )
    }

    fn title(self) -> &'static str {
        match self {
            PostKind::DirectorOfChildrensServices => "Director of children's services",
            PostKind::DirectorOfSocialCare => "Director of children's social care",
            PostKind::ServiceManager => "Service manager",
            PostKind::TeamManager => "Team manager",
            PostKind::SeniorPractitioner => "Senior practitioner",
            PostKind::SocialWorker => "Social worker",
            PostKind::FamilySupportWorker => "Family support worker",
            PostKind::PersonalAdviser => "Personal adviser",
            PostKind::EarlyHelpPractitioner => "Early help practitioner",
            PostKind::VirtualSchoolHead => "Virtual school headteacher",
            PostKind::EducationAdviser => "Education adviser",
            PostKind::PerformanceAnalyst => "Performance analyst",
            PostKind::InformationGovernanceLead => "Information governance lead",
            PostKind::SystemsAdministrator => "Systems administrator",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            PostKind::DirectorOfChildrensServices | PostKind::DirectorOfSocialCare => "DIR",
            PostKind::ServiceManager => "SM",
            PostKind::TeamManager => "TM",
            PostKind::SeniorPractitioner => "SP",
            PostKind::SocialWorker => "SW",
            PostKind::FamilySupportWorker => "FSW",
            PostKind::PersonalAdviser => "PA",
            PostKind::EarlyHelpPractitioner => "EHP",
            PostKind::VirtualSchoolHead => "VSH",
            PostKind::EducationAdviser => "VSA",
            PostKind::PerformanceAnalyst => "PI",
            PostKind::InformationGovernanceLead => "IG",
            PostKind::SystemsAdministrator => "ICT",
        }
    }

    /// The grades a post of this kind may be on; one is drawn per post.
    fn grades(self) -> &'static [&'static str] {
        match self {
            PostKind::DirectorOfChildrensServices => &["CO1"],
            PostKind::DirectorOfSocialCare => &["CO2"],
            PostKind::ServiceManager => &["SM1", "SM2"],
            PostKind::TeamManager => &["TM1", "TM1", "TM2"],
            PostKind::SeniorPractitioner => &["SP1"],
            PostKind::SocialWorker => &["SW1", "SW2", "SW2", "SW3"],
            PostKind::FamilySupportWorker => &["FSW1", "FSW2"],
            PostKind::PersonalAdviser => &["PA1", "PA2"],
            PostKind::EarlyHelpPractitioner => &["EH1", "EH2", "EH2"],
            PostKind::VirtualSchoolHead => &["VS4"],
            PostKind::EducationAdviser => &["VS2", "VS3"],
            PostKind::PerformanceAnalyst => &["PI2", "PI2", "PI3"],
            PostKind::InformationGovernanceLead => &["IG3"],
            PostKind::SystemsAdministrator => &["ICT2"],
        }
    }

    /// The role a holder of this post has in Carebridge.
    pub(crate) fn role(self) -> Role {
        match self {
            PostKind::DirectorOfChildrensServices | PostKind::DirectorOfSocialCare => {
                Role::Director
            }
            PostKind::ServiceManager => Role::ServiceManager,
            PostKind::TeamManager | PostKind::VirtualSchoolHead => Role::TeamManager,
            PostKind::SeniorPractitioner => Role::SeniorPractitioner,
            PostKind::SocialWorker
            | PostKind::FamilySupportWorker
            | PostKind::PersonalAdviser
            | PostKind::EarlyHelpPractitioner
            | PostKind::EducationAdviser => Role::SocialWorker,
            PostKind::PerformanceAnalyst => Role::PerformanceAnalyst,
            PostKind::InformationGovernanceLead => Role::InformationGovernanceLead,
            PostKind::SystemsAdministrator => Role::SystemAdministrator,
        }
    }

    /// The kind of post whose holders are promoted into this one.
    fn promoted_from(self) -> Option<PostKind> {
        match self {
            PostKind::SeniorPractitioner => Some(PostKind::SocialWorker),
            PostKind::TeamManager => Some(PostKind::SeniorPractitioner),
            PostKind::ServiceManager => Some(PostKind::TeamManager),
            _ => None,
        }
    }

    fn may_be_part_time(self) -> bool {
        matches!(
            self,
            PostKind::SocialWorker
                | PostKind::FamilySupportWorker
                | PostKind::PersonalAdviser
                | PostKind::EarlyHelpPractitioner
                | PostKind::EducationAdviser
                | PostKind::PerformanceAnalyst
        )
    }
}

/// One team: the service it works in, its name, the kinds of involvement it holds
/// (empty for teams that hold no children's cases), and its establishment.
#[derive(Debug)]
pub(crate) struct TeamSpec {
    pub(crate) service: &'static str,
    pub(crate) name: &'static str,
    pub(crate) takes: &'static [InvolvementKind],
    posts: &'static [(PostKind, u8)],
}

use InvolvementKind as K;
use PostKind as P;

/// The establishment, team by team (the id of `TEAMS[i]` is `i + 1`).
pub(crate) const TEAMS: &[TeamSpec] = &[
    TeamSpec {
        service: CSC,
        name: "Front Door (MASH)",
        takes: &[K::Referral],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 2),
            (P::SocialWorker, 6),
            (P::FamilySupportWorker, 2),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Assessment (North)",
        takes: &[K::Referral],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Assessment (Central)",
        takes: &[K::Referral],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Assessment (South)",
        takes: &[K::Referral],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Child in Need (North)",
        takes: &[K::ChildInNeed],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 4),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Child in Need (Central)",
        takes: &[K::ChildInNeed],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 4),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Child in Need (South)",
        takes: &[K::ChildInNeed],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 4),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Child Protection (East)",
        takes: &[K::ChildProtection],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Child Protection (West)",
        takes: &[K::ChildProtection],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Children in Care (North)",
        takes: &[K::LookedAfter],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Children in Care (Central)",
        takes: &[K::LookedAfter],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Children in Care (South)",
        takes: &[K::LookedAfter],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Leaving Care (North)",
        takes: &[K::CareLeaver],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::PersonalAdviser, 4),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Leaving Care (South)",
        takes: &[K::CareLeaver],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::PersonalAdviser, 4),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Court Team",
        takes: &[K::ChildProtection, K::LookedAfter],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 2),
            (P::SocialWorker, 3),
        ],
    },
    TeamSpec {
        service: CSC,
        name: "Performance and Intelligence",
        takes: &[],
        posts: &[(P::PerformanceAnalyst, 4)],
    },
    TeamSpec {
        service: CSC,
        name: "Children's Social Care Management",
        takes: &[],
        posts: &[(P::DirectorOfSocialCare, 1), (P::ServiceManager, 3)],
    },
    TeamSpec {
        service: FOST,
        name: "Fostering",
        takes: &[],
        posts: &[
            (P::ServiceManager, 1),
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 5),
        ],
    },
    TeamSpec {
        service: FOST,
        name: "Adoption",
        takes: &[],
        posts: &[(P::TeamManager, 1), (P::SocialWorker, 4)],
    },
    TeamSpec {
        service: DCS,
        name: "Disabled Children (North)",
        takes: &[K::DisabledChildren],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 4),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: DCS,
        name: "Disabled Children (South)",
        takes: &[K::DisabledChildren],
        posts: &[
            (P::TeamManager, 1),
            (P::SeniorPractitioner, 1),
            (P::SocialWorker, 4),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: DCS,
        name: "Short Breaks and Transitions",
        takes: &[K::DisabledChildren],
        posts: &[
            (P::TeamManager, 1),
            (P::SocialWorker, 3),
            (P::FamilySupportWorker, 2),
        ],
    },
    TeamSpec {
        service: DCS,
        name: "Disabled Children's Service Management",
        takes: &[],
        posts: &[(P::ServiceManager, 1)],
    },
    TeamSpec {
        service: EH,
        name: "Early Help (North)",
        takes: &[K::EarlyHelp],
        posts: &[
            (P::TeamManager, 1),
            (P::EarlyHelpPractitioner, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: EH,
        name: "Early Help (Central)",
        takes: &[K::EarlyHelp],
        posts: &[
            (P::TeamManager, 1),
            (P::EarlyHelpPractitioner, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: EH,
        name: "Early Help (South)",
        takes: &[K::EarlyHelp],
        posts: &[
            (P::TeamManager, 1),
            (P::EarlyHelpPractitioner, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: EH,
        name: "Early Help (East)",
        takes: &[K::EarlyHelp],
        posts: &[
            (P::TeamManager, 1),
            (P::EarlyHelpPractitioner, 5),
            (P::FamilySupportWorker, 1),
        ],
    },
    TeamSpec {
        service: EH,
        name: "Early Help Management",
        takes: &[],
        posts: &[(P::ServiceManager, 1)],
    },
    TeamSpec {
        service: VS,
        name: "Virtual School",
        takes: &[K::VirtualSchool],
        posts: &[(P::VirtualSchoolHead, 1), (P::EducationAdviser, 4)],
    },
    TeamSpec {
        service: CORP,
        name: "Directorate",
        takes: &[],
        posts: &[(P::DirectorOfChildrensServices, 1)],
    },
    TeamSpec {
        service: CORP,
        name: "Information Governance and Systems",
        takes: &[],
        posts: &[
            (P::InformationGovernanceLead, 1),
            (P::SystemsAdministrator, 2),
        ],
    },
];

/// The posts of the standard establishment (every team of the demo as listed).
pub const STANDARD_POSTS: u32 = {
    let mut total = 0;
    let mut t = 0;
    while t < TEAMS.len() {
        let mut p = 0;
        while p < TEAMS[t].posts.len() {
            let (kind, count) = TEAMS[t].posts[p];
            total += kind.establishment(count as u32);
            p += 1;
        }
        t += 1;
    }
    total
};

/// How many posts each (team, line of its establishment) has for a workforce of
/// `posts` posts, in [`TEAMS`] order: the standard counts, with the posts beyond
/// [`STANDARD_POSTS`] shared among the lines that grow in proportion to their standard
/// size (rounded down, the remainder one each in table order). Exactly `posts` in all.
fn establishment_plan(posts: u32) -> Result<Vec<Vec<u32>>, DomainError> {
    if posts < STANDARD_POSTS {
        return Err(DomainError::invalid(
            "posts",
            format!("the demo's establishment needs at least {STANDARD_POSTS} posts, not {posts}"),
        ));
    }
    let mut plan: Vec<Vec<u32>> = TEAMS
        .iter()
        .map(|t| {
            t.posts
                .iter()
                .map(|&(kind, count)| kind.establishment(u32::from(count)))
                .collect()
        })
        .collect();
    let growing = |plan: &Vec<Vec<u32>>| -> u64 {
        TEAMS
            .iter()
            .zip(plan)
            .flat_map(|(t, counts)| t.posts.iter().zip(counts))
            .filter(|((kind, _), _)| kind.grows())
            .map(|(_, n)| u64::from(*n))
            .sum()
    };
    let base = growing(&plan).max(1);
    let target = base + u64::from(posts - STANDARD_POSTS);
    for (t, counts) in TEAMS.iter().zip(plan.iter_mut()) {
        for ((kind, _), n) in t.posts.iter().zip(counts.iter_mut()) {
            if kind.grows() {
                *n = u32::try_from(u64::from(*n) * target / base).unwrap_or(u32::MAX);
            }
        }
    }
    let mut remainder = target.saturating_sub(growing(&plan));
    'share: while remainder > 0 {
        for (t, counts) in TEAMS.iter().zip(plan.iter_mut()) {
            for ((kind, _), n) in t.posts.iter().zip(counts.iter_mut()) {
                if remainder == 0 {
                    break 'share;
                }
                if kind.grows() {
                    *n += 1;
                    remainder -= 1;
                }
            }
        }
    }
    Ok(plan)
}

/// The demo sign-ins linked to staff: the first post of `kind` in `team` is kept filled
/// so that the account's person holds it today.
pub(crate) const LINKED_ACCOUNTS: [(&str, &str, PostKind); 6] = [
    (
        "sw.demo",
        "Disabled Children (North)",
        PostKind::SocialWorker,
    ),
    ("tm.demo", "Front Door (MASH)", PostKind::TeamManager),
    (
        "sm.demo",
        "Children's Social Care Management",
        PostKind::ServiceManager,
    ),
    (
        "director.demo",
        "Directorate",
        PostKind::DirectorOfChildrensServices,
    ),
    (
        "analyst.demo",
        "Performance and Intelligence",
        PostKind::PerformanceAnalyst,
    ),
    (
        "ig.demo",
        "Information Governance and Systems",
        PostKind::InformationGovernanceLead,
    ),
];

/// The workforce as generated, plus who holds each linked account's post today.
#[derive(Debug)]
pub(crate) struct Workforce {
    pub(crate) teams: Vec<Team>,
    pub(crate) posts: Vec<Post>,
    pub(crate) staff: Vec<StaffMember>,
    pub(crate) employments: Vec<Employment>,
    /// For each entry of [`LINKED_ACCOUNTS`], the person in its post today.
    pub(crate) account_holders: Vec<(StaffId, Role)>,
}

/// One person's time in one post (before it is cut into employments by provider).
#[derive(Debug)]
struct Holding {
    person: usize,
    post: usize,
    start: i32,
    /// Last day in post, once left.
    end: Option<i32>,
    /// The day the person would leave, if before today (a promotion may come first).
    planned_end: Option<i32>,
    continuous_since: i32,
}

/// A post's vacancy that needs filling on a day: the post, and the holding whose natural
/// end made it (None when a promotion already emptied the post).
type Vacancy = Reverse<(i32, usize, Option<usize>)>;

struct Simulation<'a> {
    rng: &'a mut ChaCha8Rng,
    today: i32,
    post_kinds: Vec<PostKind>,
    post_services: Vec<&'static str>,
    keep_filled: Vec<bool>,
    holdings: Vec<Holding>,
    current: Vec<Option<usize>>,
    people: Vec<(&'static str, &'static str)>,
    vacancies: BinaryHeap<Vacancy>,
}

/// How long someone stays in a post, in days: a mix of short stays, typical stays and
/// long careers.
fn tenure(rng: &mut ChaCha8Rng) -> i32 {
    match rng.gen_range(0..100) {
        0..=24 => between(rng, 300, 1460),
        25..=69 => between(rng, 1461, 4380),
        _ => between(rng, 4381, 11000),
    }
}

impl Simulation<'_> {
    fn new_person(&mut self) -> usize {
        let given = if self.rng.gen() {
            GivenNames::Girls
        } else {
            GivenNames::Boys
        };
        self.people.push(person_name(self.rng, given));
        self.people.len() - 1
    }

    fn start_holding(
        &mut self,
        person: usize,
        post: usize,
        start: i32,
        days: i32,
        continuous_since: i32,
    ) {
        let planned = start.saturating_add(days.max(1) - 1);
        let planned_end = (planned < self.today).then_some(planned);
        let holding = self.holdings.len();
        if let Some(last_day) = planned_end {
            self.vacancies
                .push(Reverse((last_day + 1, post, Some(holding))));
        }
        self.holdings.push(Holding {
            person,
            post,
            start,
            end: None,
            planned_end,
            continuous_since,
        });
        if let Some(slot) = self.current.get_mut(post) {
            *slot = Some(holding);
        }
    }

    /// Someone in the grade below, in the same service, in post before `start` and
    /// not about to leave.
    fn promotion_candidate(&mut self, post: usize, start: i32) -> Option<usize> {
        let kind = self.post_kinds.get(post)?;
        let feeder = kind.promoted_from()?;
        let service = self.post_services.get(post)?;
        let candidates: Vec<usize> = (0..self.post_kinds.len())
            .filter(|&p| {
                self.post_kinds.get(p) == Some(&feeder)
                    && self.post_services.get(p) == Some(service)
            })
            .filter_map(|p| self.current.get(p).copied().flatten())
            .filter(|&h| {
                self.holdings.get(h).is_some_and(|h| {
                    h.start < start && h.planned_end.is_none_or(|end| end >= start)
                })
            })
            .collect();
        if candidates.is_empty() {
            return None;
        }
        candidates
            .get(self.rng.gen_range(0..candidates.len()))
            .copied()
    }

    /// Fills `post`, vacant from `from`, unless it is still vacant today.
    fn fill(&mut self, post: usize, from: i32) {
        let gap = if chance(self.rng, 35) {
            0
        } else {
            between(self.rng, 14, 200)
        };
        let mut start = from + gap;
        if self.keep_filled.get(post) == Some(&true) {
            start = start.min(self.today);
        }
        if start > self.today {
            return;
        }
        let promoted = if chance(self.rng, 40) {
            self.promotion_candidate(post, start)
        } else {
            None
        };
        let days = tenure(self.rng);
        match promoted.and_then(|h| self.holdings.get_mut(h)) {
            Some(previous) => {
                previous.end = Some(start - 1);
                let (person, old_post, since) =
                    (previous.person, previous.post, previous.continuous_since);
                if let Some(slot) = self.current.get_mut(old_post) {
                    *slot = None;
                }
                self.vacancies.push(Reverse((start, old_post, None)));
                self.start_holding(person, post, start, days, since);
            }
            None => {
                let person = self.new_person();
                self.start_holding(person, post, start, days, start);
            }
        }
    }

    fn run(&mut self, begins: i32) {
        for post in 0..self.post_kinds.len() {
            if chance(self.rng, 96) {
                // In post when the story begins: they started some years before.
                let person = self.new_person();
                let since = begins - between(self.rng, 0, 7000);
                let full = tenure(self.rng);
                let remaining = between(self.rng, 120, full);
                self.start_holding(person, post, begins, remaining, since);
            } else {
                self.vacancies.push(Reverse((begins, post, None)));
            }
        }
        while let Some(Reverse((on, post, ending))) = self.vacancies.pop() {
            match ending {
                Some(holding) => {
                    if self.current.get(post).copied().flatten() != Some(holding) {
                        continue; // promoted before this planned leaving date
                    }
                    if let Some(h) = self.holdings.get_mut(holding) {
                        h.end = Some(on - 1);
                    }
                    if let Some(slot) = self.current.get_mut(post) {
                        *slot = None;
                    }
                }
                None if self.current.get(post).copied().flatten().is_some() => continue,
                None => {}
            }
            self.fill(post, on);
        }
    }
}

/// Builds teams, posts and the history of who held them and who employed them.
pub(crate) fn build(
    story: &Story,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
    size: u32,
) -> Result<Workforce, DomainError> {
    let plan = establishment_plan(size)?;
    let mut teams = Vec::with_capacity(TEAMS.len());
    let mut posts = Vec::new();
    let mut post_kinds = Vec::new();
    let mut post_services = Vec::new();
    let mut keep_filled = Vec::new();
    let mut numbers: BTreeMap<&str, u32> = BTreeMap::new();
    for ((t, spec), counts) in TEAMS.iter().enumerate().zip(&plan) {
        let service = story::service_id(spec.service).ok_or_else(|| {
            DomainError::invalid(
                "service code",
                format!("the demo has no service {}", spec.service),
            )
        })?;
        let team = TeamId(to_id(t));
        teams.push(Team {
            id: team,
            service,
            name: spec.name.to_owned(),
        });
        for (&(kind, _), &count) in spec.posts.iter().zip(counts) {
            for n in 0..count {
                let number = numbers.entry(kind.prefix()).or_insert(0);
                *number += 1;
                let code = PostCode::parse(&format!("{}-{:03}", kind.prefix(), number))?;
                let grades = kind.grades();
                let grade = grades
                    .get(rng.gen_range(0..grades.len()))
                    .copied()
                    .unwrap_or("");
                let fte_hundredths = match (kind.may_be_part_time(), rng.gen_range(0..100)) {
                    (true, 0..=5) => 60,
                    (true, 6..=15) => 80,
                    _ => 100,
                };
                posts.push(Post {
                    id: PostId(to_id(posts.len())),
                    code,
                    title: kind.title().to_owned(),
                    grade: grade.to_owned(),
                    fte_hundredths,
                    team,
                    role: kind.role(),
                });
                post_kinds.push(kind);
                post_services.push(spec.service);
                keep_filled.push(
                    n == 0
                        && LINKED_ACCOUNTS
                            .iter()
                            .any(|(_, name, k)| *name == spec.name && *k == kind),
                );
            }
        }
    }

    let post_count = posts.len();
    let mut sim = Simulation {
        rng,
        today: day(today),
        post_kinds,
        post_services,
        keep_filled,
        holdings: Vec::new(),
        current: vec![None; post_count],
        people: Vec::new(),
        vacancies: BinaryHeap::new(),
    };
    sim.run(day(STORY_BEGINS));

    // Cut each holding at the changes of provider of its post's service.
    let mut employments = Vec::new();
    for holding in &sim.holdings {
        let (Some(post), Some(team_spec)) =
            (posts.get(holding.post), sim.post_services.get(holding.post))
        else {
            continue;
        };
        let Some(history) = story::service_id(team_spec).and_then(|s| story.histories.get(&s))
        else {
            continue;
        };
        employments.extend(employments_in_post(holding, post.id, history)?);
    }
    employments.sort_by_key(|e: &Employment| (e.staff, e.period.start()));
    for (i, e) in employments.iter_mut().enumerate() {
        e.id = EmploymentId(to_id(i));
    }

    let practice: Vec<PostId> = posts
        .iter()
        .filter(|p| {
            matches!(
                p.role,
                Role::SocialWorker | Role::SeniorPractitioner | Role::TeamManager
            )
        })
        .map(|p| p.id)
        .collect();
    let staff = staff_members(&sim.people, &employments, &practice);

    let mut account_holders = Vec::new();
    for (username, team_name, kind) in LINKED_ACCOUNTS {
        let holder = (0..post_count)
            .find(|&p| {
                sim.post_kinds.get(p) == Some(&kind)
                    && posts
                        .get(p)
                        .and_then(|post| teams.iter().find(|t| t.id == post.team))
                        .is_some_and(|t| t.name == team_name)
            })
            .and_then(|p| sim.current.get(p).copied().flatten())
            .and_then(|h| sim.holdings.get(h));
        let Some(holder) = holder else {
            return Err(DomainError::invalid(
                "demo account",
                format!("nobody holds the post for {username} today"),
            ));
        };
        account_holders.push((StaffId(to_id(holder.person)), kind.role()));
    }

    Ok(Workforce {
        teams,
        posts,
        staff,
        employments,
        account_holders,
    })
}

/// The employments of one person's time in one post: one per provider of the service
/// while they held it, keeping their continuity.
fn employments_in_post(
    holding: &Holding,
    post: PostId,
    history: &ProvisionHistory,
) -> Result<Vec<Employment>, DomainError> {
    let mut out = Vec::new();
    for provision in history.periods() {
        let start = holding.start.max(day(provision.period.start()));
        let end = match (holding.end, provision.period.end().map(day)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if end.is_some_and(|end| end < start) {
            continue;
        }
        out.push(Employment {
            id: EmploymentId(0),
            staff: StaffId(to_id(holding.person)),
            employer: provision.provider,
            post,
            period: Period::new("employment", date_of(start), end.map(date_of))?,
            continuous_since: date_of(holding.continuous_since),
        });
    }
    Ok(out)
}

/// The people, with work email addresses at their latest employer (unique: a second
/// "Jack Smith" is jack.smith2), and a Social Work England registration number for each
/// who ever held a `practice` post (made from their id: unique, no random draw).
fn staff_members(
    people: &[(&'static str, &'static str)],
    employments: &[Employment],
    practice: &[PostId],
) -> Vec<StaffMember> {
    let mut latest_employer: Vec<Option<(NaiveDate, OrganisationId)>> = vec![None; people.len()];
    for e in employments {
        let index = usize::try_from(e.staff.0 - 1).ok();
        if let Some(slot) = index.and_then(|i| latest_employer.get_mut(i)) {
            if slot.is_none_or(|(start, _)| start <= e.period.start()) {
                *slot = Some((e.period.start(), e.employer));
            }
        }
    }
    let mut used: BTreeMap<String, u32> = BTreeMap::new();
    people
        .iter()
        .zip(latest_employer)
        .enumerate()
        .map(|(i, (&(given, family), employer))| {
            let local = format!(
                "{}.{}",
                crate::names::email_part(given),
                crate::names::email_part(family)
            );
            let count = used.entry(local.clone()).or_insert(0);
            *count += 1;
            let local = if *count == 1 {
                local
            } else {
                format!("{local}{count}")
            };
            let domain = match employer {
                Some((_, TRUST)) => "northmoortrust.org.uk",
                _ => "northmoor.gov.uk",
            };
            let id = StaffId(to_id(i));
            let registered = employments
                .iter()
                .any(|e| e.staff == id && practice.contains(&e.post));
            // Distinct ids give distinct numbers: 7,919 is prime to 900,000.
            let number = 100_000 + (id.0.unsigned_abs() * 7_919) % 900_000;
            StaffMember {
                id,
                given_name: given.to_owned(),
                family_name: family.to_owned(),
                email: format!("{local}@{domain}"),
                swe_registration: registered
                    .then(|| SweRegistration::parse(&format!("SW{number}")).ok())
                    .flatten(),
            }
        })
        .collect()
}

/// The id of the item at `index` (ids start at 1).
pub(crate) fn to_id(index: usize) -> i64 {
    i64::try_from(index).map_or(i64::MAX, |i| i.saturating_add(1))
}

/// Which teams hold each kind of involvement, by service.
pub(crate) fn teams_taking(kind: InvolvementKind, teams: &[Team]) -> Vec<(TeamId, ServiceId)> {
    teams
        .iter()
        .filter(|t| {
            TEAMS
                .iter()
                .any(|spec| spec.name == t.name && spec.takes.contains(&kind))
        })
        .map(|t| (t.id, t.service))
        .collect()
}
