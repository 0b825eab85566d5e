//! The statutory timescales as data: what must happen, by when, from which event, and
//! which document says so.
//!
//! Citations name what we are sure of. Where the paragraph number of a guidance document
//! is not certain, the chapter is given instead; a local practice standard is marked as
//! such rather than dressed up as law.
//!
//! # Calendar months
//!
//! "Within three months of" is counted with [`Interval::Months`]: the same day of the
//! month, n months later; when that month is shorter, its last day. So 30 November +
//! 3 months is 29 February in a leap year, and 31 August + 6 months is 28 February
//! (29 in a leap year). Weeks are seven calendar days. Neither moves when the day is a
//! weekend or bank holiday: the regulations do not move them, so the work has to be
//! done by the working day before (see [`DueItem::plan_by`](super::DueItem::plan_by)).

use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::WorkingDayCalendar;
use crate::DomainError;

/// A length of time counted from an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Interval {
    /// Working days, day 0 being the event (see the calendar's counting convention).
    WorkingDays(u32),
    /// Calendar weeks of seven days.
    Weeks(u32),
    /// Calendar months, clamped to the end of a shorter month.
    Months(u32),
}

impl Interval {
    /// The last day on which something due `self` after `from` is on time.
    pub fn after(
        self,
        calendar: &WorkingDayCalendar,
        from: NaiveDate,
    ) -> Result<NaiveDate, DomainError> {
        let out_of_range = || DomainError::DateOutOfRange {
            what: format!("{self} after {from}"),
        };
        match self {
            Interval::WorkingDays(n) => calendar.add_working_days(from, n),
            Interval::Weeks(n) => from
                .checked_add_days(Days::new(7 * u64::from(n)))
                .ok_or_else(out_of_range),
            Interval::Months(n) => from
                .checked_add_months(Months::new(n))
                .ok_or_else(out_of_range),
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match self {
            Interval::WorkingDays(n) => (n, "working day"),
            Interval::Weeks(n) => (n, "week"),
            Interval::Months(n) => (n, "month"),
        };
        write!(f, "{n} {unit}{}", if *n == 1 { "" } else { "s" })
    }
}

/// How often, or by when, a rule wants something done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Timescale {
    /// Within this long of the event that starts the clock.
    Within(Interval),
    /// Once in every school term (see [`SchoolTerms`](super::SchoolTerms)).
    EachSchoolTerm,
}

impl fmt::Display for Timescale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timescale::Within(interval) => write!(f, "within {interval}"),
            Timescale::EachSchoolTerm => f.write_str("each school term"),
        }
    }
}

/// What kind of document a rule comes from: how binding it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// Regulations: the authority must.
    Regulation,
    /// Statutory guidance: the authority must follow it unless there is good reason not to.
    StatutoryGuidance,
    /// A standard common in local procedures, not set nationally; an authority may set
    /// its own.
    LocalPracticeStandard,
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Source {
    /// How binding it is.
    pub kind: SourceKind,
    /// The document and place in it, e.g. "Care Planning, Placement and Case Review
    /// (England) Regulations 2010, regulation 33(1)".
    pub citation: &'static str,
}

/// The rules, each one a [`Rule`] in [`RULES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleId {
    /// Decide what happens to a referral.
    ReferralDecision,
    /// Complete the child and family assessment.
    Assessment,
    /// Hold the initial child protection conference.
    InitialConference,
    /// Hold the first child protection review conference.
    FirstReviewConference,
    /// Hold each later child protection review conference.
    ReviewConference,
    /// Visit a child who has a child protection plan.
    ChildProtectionVisit,
    /// Hold the first review of a looked-after child's case.
    FirstLookedAfterReview,
    /// Hold the second review of a looked-after child's case.
    SecondLookedAfterReview,
    /// Hold each later review of a looked-after child's case.
    LookedAfterReview,
    /// Visit a looked-after child in a new placement.
    FirstPlacementVisit,
    /// Visit a looked-after child in their placement.
    PlacementVisit,
    /// Review the child's personal education plan.
    PersonalEducationPlan,
    /// Review a care leaver's pathway plan.
    PathwayPlanReview,
}

impl RuleId {
    /// Every rule, in the order a case moves through them.
    pub const ALL: [RuleId; 13] = [
        RuleId::ReferralDecision,
        RuleId::Assessment,
        RuleId::InitialConference,
        RuleId::FirstReviewConference,
        RuleId::ReviewConference,
        RuleId::ChildProtectionVisit,
        RuleId::FirstLookedAfterReview,
        RuleId::SecondLookedAfterReview,
        RuleId::LookedAfterReview,
        RuleId::FirstPlacementVisit,
        RuleId::PlacementVisit,
        RuleId::PersonalEducationPlan,
        RuleId::PathwayPlanReview,
    ];

    /// The rule itself.
    pub fn rule(self) -> &'static Rule {
        match self {
            RuleId::ReferralDecision => &REFERRAL_DECISION,
            RuleId::Assessment => &ASSESSMENT,
            RuleId::InitialConference => &INITIAL_CONFERENCE,
            RuleId::FirstReviewConference => &FIRST_REVIEW_CONFERENCE,
            RuleId::ReviewConference => &REVIEW_CONFERENCE,
            RuleId::ChildProtectionVisit => &CHILD_PROTECTION_VISIT,
            RuleId::FirstLookedAfterReview => &FIRST_LOOKED_AFTER_REVIEW,
            RuleId::SecondLookedAfterReview => &SECOND_LOOKED_AFTER_REVIEW,
            RuleId::LookedAfterReview => &LOOKED_AFTER_REVIEW,
            RuleId::FirstPlacementVisit => &FIRST_PLACEMENT_VISIT,
            RuleId::PlacementVisit => &PLACEMENT_VISIT,
            RuleId::PersonalEducationPlan => &PERSONAL_EDUCATION_PLAN,
            RuleId::PathwayPlanReview => &PATHWAY_PLAN_REVIEW,
        }
    }

    /// The stored code, e.g. `initial_conference`.
    pub fn code(self) -> &'static str {
        self.rule().code
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        RuleId::ALL
            .into_iter()
            .find(|id| id.code() == code.trim())
            .ok_or_else(|| DomainError::invalid("timescale rule", format!("unknown rule {code:?}")))
    }
}

/// One statutory timescale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Which rule.
    pub id: RuleId,
    /// Stable code for storage and exports.
    pub code: &'static str,
    /// What must be done, as a social worker would say it.
    pub what: &'static str,
    /// By when.
    pub timescale: Timescale,
    /// The event the clock runs from, in words.
    pub clock_starts: &'static str,
    /// Where the rule comes from.
    pub source: Source,
}

const WORKING_TOGETHER_CHAPTER_3: &str =
    "Working Together to Safeguard Children 2023 (DfE statutory guidance), chapter 3";

/// The referral decision.
pub static REFERRAL_DECISION: Rule = Rule {
    id: RuleId::ReferralDecision,
    code: "referral_decision",
    what: "Decide on the referral and the type of response needed",
    timescale: Timescale::Within(Interval::WorkingDays(1)),
    clock_starts: "the day the referral is received",
    source: Source {
        kind: SourceKind::StatutoryGuidance,
        citation: WORKING_TOGETHER_CHAPTER_3,
    },
};

/// The child and family assessment.
pub static ASSESSMENT: Rule = Rule {
    id: RuleId::Assessment,
    code: "assessment",
    what: "Complete the child and family assessment",
    timescale: Timescale::Within(Interval::WorkingDays(45)),
    clock_starts:
        "the day the referral is received (the assessment's start if it follows no referral)",
    source: Source {
        kind: SourceKind::StatutoryGuidance,
        citation: WORKING_TOGETHER_CHAPTER_3,
    },
};

/// The initial child protection conference.
pub static INITIAL_CONFERENCE: Rule = Rule {
    id: RuleId::InitialConference,
    code: "initial_conference",
    what: "Hold the initial child protection conference",
    timescale: Timescale::Within(Interval::WorkingDays(15)),
    clock_starts: "the strategy discussion at which section 47 enquiries were started",
    source: Source {
        kind: SourceKind::StatutoryGuidance,
        citation: WORKING_TOGETHER_CHAPTER_3,
    },
};

/// The first child protection review conference.
pub static FIRST_REVIEW_CONFERENCE: Rule = Rule {
    id: RuleId::FirstReviewConference,
    code: "first_review_conference",
    what: "Hold the first child protection review conference",
    timescale: Timescale::Within(Interval::Months(3)),
    clock_starts: "the conference that made the child protection plan",
    source: Source {
        kind: SourceKind::StatutoryGuidance,
        citation: WORKING_TOGETHER_CHAPTER_3,
    },
};

/// Later child protection review conferences.
pub static REVIEW_CONFERENCE: Rule = Rule {
    id: RuleId::ReviewConference,
    code: "review_conference",
    what: "Hold the next child protection review conference",
    timescale: Timescale::Within(Interval::Months(6)),
    clock_starts: "the previous review conference",
    source: Source {
        kind: SourceKind::StatutoryGuidance,
        citation: WORKING_TOGETHER_CHAPTER_3,
    },
};

/// Visits to a child with a child protection plan.
pub static CHILD_PROTECTION_VISIT: Rule = Rule {
    id: RuleId::ChildProtectionVisit,
    code: "child_protection_visit",
    what: "Visit the child (child protection plan)",
    timescale: Timescale::Within(Interval::WorkingDays(10)),
    clock_starts: "the start of the plan, then each visit",
    source: Source {
        kind: SourceKind::LocalPracticeStandard,
        citation: "Common local safeguarding procedure standard; Working Together to Safeguard \
                   Children 2023 sets no national visiting frequency and leaves it to the child \
                   protection plan",
    },
};

/// The first looked-after review.
pub static FIRST_LOOKED_AFTER_REVIEW: Rule = Rule {
    id: RuleId::FirstLookedAfterReview,
    code: "first_looked_after_review",
    what: "Hold the first review of the looked-after child's case",
    timescale: Timescale::Within(Interval::WorkingDays(20)),
    clock_starts: "the day the child became looked after",
    source: Source {
        kind: SourceKind::Regulation,
        citation: "Care Planning, Placement and Case Review (England) Regulations 2010, \
                   regulation 33(1)",
    },
};

/// The second looked-after review.
pub static SECOND_LOOKED_AFTER_REVIEW: Rule = Rule {
    id: RuleId::SecondLookedAfterReview,
    code: "second_looked_after_review",
    what: "Hold the second review of the looked-after child's case",
    timescale: Timescale::Within(Interval::Months(3)),
    clock_starts: "the first review",
    source: Source {
        kind: SourceKind::Regulation,
        citation: "Care Planning, Placement and Case Review (England) Regulations 2010, \
                   regulation 33(2)",
    },
};

/// Later looked-after reviews.
pub static LOOKED_AFTER_REVIEW: Rule = Rule {
    id: RuleId::LookedAfterReview,
    code: "looked_after_review",
    what: "Hold the next review of the looked-after child's case",
    timescale: Timescale::Within(Interval::Months(6)),
    clock_starts: "the previous review",
    source: Source {
        kind: SourceKind::Regulation,
        citation: "Care Planning, Placement and Case Review (England) Regulations 2010, \
                   regulation 33(2)",
    },
};

/// The first visit in a placement.
pub static FIRST_PLACEMENT_VISIT: Rule = Rule {
    id: RuleId::FirstPlacementVisit,
    code: "first_placement_visit",
    what: "Visit the child in their new placement",
    timescale: Timescale::Within(Interval::Weeks(1)),
    clock_starts: "the start of the placement",
    source: Source {
        kind: SourceKind::Regulation,
        citation: "Care Planning, Placement and Case Review (England) Regulations 2010, \
                   regulation 28(2)(a)",
    },
};

/// Later visits in a placement.
pub static PLACEMENT_VISIT: Rule = Rule {
    id: RuleId::PlacementVisit,
    code: "placement_visit",
    what: "Visit the looked-after child",
    timescale: Timescale::Within(Interval::Weeks(6)),
    clock_starts: "the previous visit in the placement",
    source: Source {
        kind: SourceKind::Regulation,
        citation: "Care Planning, Placement and Case Review (England) Regulations 2010, \
                   regulation 28(2)(b) and (c)(ii)",
    },
};

/// The personal education plan.
pub static PERSONAL_EDUCATION_PLAN: Rule = Rule {
    id: RuleId::PersonalEducationPlan,
    code: "personal_education_plan",
    what: "Review the personal education plan (PEP)",
    timescale: Timescale::EachSchoolTerm,
    clock_starts: "each school term the child is looked after",
    source: Source {
        kind: SourceKind::StatutoryGuidance,
        citation: "Promoting the education of looked-after children and previously \
                   looked-after children (DfE statutory guidance, February 2018)",
    },
};

/// The pathway plan review.
pub static PATHWAY_PLAN_REVIEW: Rule = Rule {
    id: RuleId::PathwayPlanReview,
    code: "pathway_plan_review",
    what: "Review the pathway plan",
    timescale: Timescale::Within(Interval::Months(6)),
    clock_starts: "the pathway plan, then each review",
    source: Source {
        kind: SourceKind::Regulation,
        citation: "Care Leavers (England) Regulations 2010 (review of pathway plans); Children \
                   Act 1989 guidance and regulations volume 3: planning transition to adulthood \
                   for care leavers, chapter 3",
    },
};

/// Every rule, in the order of [`RuleId::ALL`].
pub static RULES: [&Rule; 13] = [
    &REFERRAL_DECISION,
    &ASSESSMENT,
    &INITIAL_CONFERENCE,
    &FIRST_REVIEW_CONFERENCE,
    &REVIEW_CONFERENCE,
    &CHILD_PROTECTION_VISIT,
    &FIRST_LOOKED_AFTER_REVIEW,
    &SECOND_LOOKED_AFTER_REVIEW,
    &LOOKED_AFTER_REVIEW,
    &FIRST_PLACEMENT_VISIT,
    &PLACEMENT_VISIT,
    &PERSONAL_EDUCATION_PLAN,
    &PATHWAY_PLAN_REVIEW,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_date("date", s).unwrap()
    }

    #[test]
    fn every_rule_is_listed_once_under_its_own_id_with_a_unique_code() {
        assert_eq!(RULES.len(), RuleId::ALL.len());
        for (rule, id) in RULES.iter().zip(RuleId::ALL) {
            assert_eq!(rule.id, id);
            assert_eq!(id.rule(), *rule);
            assert_eq!(RuleId::parse(id.code()).unwrap(), id);
            assert!(!rule.source.citation.is_empty());
        }
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
        assert!(RuleId::parse("fortnightly_tea").is_err());
    }

    #[test]
    fn timescales_read_as_people_say_them() {
        assert_eq!(ASSESSMENT.timescale.to_string(), "within 45 working days");
        assert_eq!(
            REFERRAL_DECISION.timescale.to_string(),
            "within 1 working day"
        );
        assert_eq!(FIRST_PLACEMENT_VISIT.timescale.to_string(), "within 1 week");
        assert_eq!(LOOKED_AFTER_REVIEW.timescale.to_string(), "within 6 months");
        assert_eq!(
            PERSONAL_EDUCATION_PLAN.timescale.to_string(),
            "each school term"
        );
    }

    #[test]
    fn calendar_months_clamp_to_the_end_of_a_shorter_month() {
        let cal = WorkingDayCalendar::england_and_wales().unwrap();
        let months = |from: &str, n| Interval::Months(n).after(cal, d(from)).unwrap();
        assert_eq!(months("2022-08-31", 6), d("2023-02-28"));
        assert_eq!(months("2023-08-31", 6), d("2024-02-29")); // leap year
        assert_eq!(months("2023-11-30", 3), d("2024-02-29"));
        assert_eq!(months("2024-05-31", 1), d("2024-06-30"));
        assert_eq!(months("2024-01-15", 6), d("2024-07-15"));
        // Weeks are calendar days and do not step round holidays: 19 Dec 2022 + 1 week
        // is Boxing Day.
        assert_eq!(
            Interval::Weeks(1).after(cal, d("2022-12-19")).unwrap(),
            d("2022-12-26")
        );
    }
}
