//! Statutory timescales: what must be done on a child's case, by when, and where the
//! rule comes from.
//!
//! # The rules in plain English
//!
//! | Work | By when | From | Source |
//! | --- | --- | --- | --- |
//! | Decision on a referral | 1 working day | the referral | Working Together 2023, ch. 3 |
//! | Child and family assessment | 45 working days | the referral | Working Together 2023, ch. 3 |
//! | Initial child protection conference | 15 working days | the strategy discussion that started the s47 enquiries | Working Together 2023, ch. 3 |
//! | First child protection review | 3 months | the conference that made the plan | Working Together 2023, ch. 3 |
//! | Later child protection reviews | 6 months | the previous review | Working Together 2023, ch. 3 |
//! | Child protection visits | 10 working days | the plan's start, then each visit | local practice standard |
//! | First looked-after review | 20 working days | becoming looked after | CPPCR 2010 reg. 33(1) |
//! | Second looked-after review | 3 months | the first | CPPCR 2010 reg. 33(2) |
//! | Later looked-after reviews | 6 months | the previous review | CPPCR 2010 reg. 33(2) |
//! | First visit in a placement | 1 week | the placement's start | CPPCR 2010 reg. 28(2)(a) |
//! | Later placement visits | 6 weeks | the previous visit | CPPCR 2010 reg. 28(2)(b), (c)(ii) |
//! | Personal education plan review | each school term | — | DfE statutory guidance 2018 |
//! | Pathway plan review | 6 months | the plan, then each review | Care Leavers (England) Regulations 2010 |
//!
//! The full citations are in [`rules`], one [`Rule`] each, as data.
//!
//! # Conventions
//!
//! - **Working days** exclude weekends and the bank holidays of England and Wales,
//!   which are data (`crates/domain/data/bank_holidays_england.tsv`, 2010 to 2030).
//!   Day 0 is the event; the deadline is the n-th working day after it; work done on
//!   the deadline is on time. See [`calendar`].
//! - **Months** are calendar months, clamped to the end of a shorter month (six months
//!   after 31 August is 28 February, or 29 in a leap year); **weeks** are seven days.
//!   Calendar deadlines are not moved off weekends and holidays;
//!   [`DueItem::plan_by`] gives the working day before.
//! - **Repeating work** counts from when the last one actually happened, not from when
//!   it was due: a review held late moves the next one.
//! - **School terms** for the PEP are an input ([`SchoolTerms`]), with a documented
//!   approximation when an authority's own dates are not at hand.
//!
//! # What is not modelled
//!
//! The special visiting patterns of regulation 28(3) to (6) (weekly visits when a child
//! is placed with a parent or a connected person before assessment), the three-monthly
//! option of regulation 28(2)(c)(i) for a placement intended to last until 18 (six
//! weeks, which is stricter, is used throughout), early reviews that regulation 33(3)
//! requires on particular events, and a PEP's start within the first weeks of care.
//!
//! Nothing here reads a clock: `today` is a parameter of [`what_is_due`].

pub mod calendar;
mod due;
pub mod rules;
pub mod terms;

#[cfg(test)]
mod tests;

pub use calendar::{BankHoliday, WorkingDayCalendar};
pub use due::{
    what_is_due, Assessment, CaseEvents, ChildProtection, ChildProtectionPlan, DueFor, DueItem,
    LookedAfter, PathwayPlan, PersonalEducationPlan, Placement, Referral, Status,
};
pub use rules::{Interval, Rule, RuleId, Source, SourceKind, Timescale, RULES};
pub use terms::{SchoolTerm, SchoolTerms, TermName};
