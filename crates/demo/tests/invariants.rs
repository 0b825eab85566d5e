//! The demo data keeps the domain's rules: provision never overlaps, employers follow
//! provision (TUPE), nobody has two employments at once, children's histories stay in
//! their window, ids are unique, and the same parameters always give the same data.

// Helpers outside #[test] functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use carebridge_demo::{
    authority, children, DemoAuthority, DemoParams, DEMO_PASSWORD, MAX_INVOLVEMENTS_PER_CHILD,
    STANDARD_POSTS,
};
use carebridge_domain::casework::WorkerChange;
use carebridge_domain::child::{Child, Involvement, InvolvementKind};
use carebridge_domain::provision::ProvisionHistory;
use carebridge_domain::staff::Role;
use carebridge_domain::{OrganisationId, ServiceId};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 1, 15)
}

fn histories(a: &DemoAuthority) -> BTreeMap<ServiceId, ProvisionHistory> {
    a.services
        .iter()
        .map(|s| {
            let periods = a
                .provision
                .iter()
                .filter(|p| p.service == s.id)
                .cloned()
                .collect();
            let h = ProvisionHistory::new(&s.name, periods, |o| o.to_string()).unwrap();
            (s.id, h)
        })
        .collect()
}

fn org(a: &DemoAuthority, short: &str) -> OrganisationId {
    a.organisations
        .iter()
        .find(|o| o.short_name == short)
        .unwrap()
        .id
}

fn service(a: &DemoAuthority, code: &str) -> ServiceId {
    a.services
        .iter()
        .find(|s| s.code.as_str() == code)
        .unwrap()
        .id
}

fn assert_dense<T: Ord + Copy + std::fmt::Debug>(
    what: &str,
    ids: impl Iterator<Item = T>,
    as_i64: impl Fn(T) -> i64,
) {
    let ids: Vec<i64> = ids.map(as_i64).collect();
    let expected: Vec<i64> = (1..=ids.len() as i64).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "{what} ids are not 1..=n");
}

/// Every rule the authority's data must keep, for any parameters.
fn check_authority(a: &DemoAuthority, today: NaiveDate) {
    assert_dense("organisation", a.organisations.iter().map(|o| o.id), |i| {
        i.0
    });
    assert_dense("service", a.services.iter().map(|s| s.id), |i| i.0);
    assert_dense("instrument", a.instruments.iter().map(|i| i.id), |i| i.0);
    assert_dense("provision", a.provision.iter().map(|p| p.id), |i| i.0);
    assert_dense("team", a.teams.iter().map(|t| t.id), |i| i.0);
    assert_dense("post", a.posts.iter().map(|p| p.id), |i| i.0);
    assert_dense("staff", a.staff.iter().map(|s| s.id), |i| i.0);
    assert_dense("employment", a.employments.iter().map(|e| e.id), |i| i.0);

    for i in &a.instruments {
        i.validate().unwrap();
        assert!(i.made_on <= today);
    }
    let post_codes: BTreeSet<_> = a.posts.iter().map(|p| &p.code).collect();
    assert_eq!(
        post_codes.len(),
        a.posts.len(),
        "post references are unique"
    );
    let emails: BTreeSet<_> = a.staff.iter().map(|s| &s.email).collect();
    assert_eq!(emails.len(), a.staff.len(), "emails are unique");

    // Exactly one provider of every service on every day of the story, and every period
    // starts no earlier than its instrument allows.
    let hs = histories(a);
    assert_eq!(hs.len(), a.services.len());
    let mut day = d(2010, 4, 1);
    while day <= today {
        for (service, h) in &hs {
            let covering = h
                .periods()
                .iter()
                .filter(|p| p.period.contains(day))
                .count();
            assert_eq!(covering, 1, "service {service} on {day}");
        }
        day = day + Days::new(1);
    }
    for p in &a.provision {
        let started_by = a.instruments.iter().find(|i| i.id == p.started_by).unwrap();
        assert!(started_by.earliest_effect() <= p.period.start());
        assert!(a
            .organisations
            .iter()
            .any(|o| o.id == p.provider && o.kind.can_provide()));
    }

    // The employer is the provider of the post's service, on every day we sample.
    let team_service: BTreeMap<_, _> = a.teams.iter().map(|t| (t.id, t.service)).collect();
    let post_service: BTreeMap<_, _> = a
        .posts
        .iter()
        .map(|p| (p.id, team_service[&p.team]))
        .collect();
    for e in &a.employments {
        let h = &hs[&post_service[&e.post]];
        let last = e.period.end().unwrap_or(today);
        assert!(last <= today && e.period.start() <= last);
        assert!(e.continuous_since <= e.period.start());
        let middle =
            e.period.start() + Days::new(((last - e.period.start()).num_days() / 2) as u64);
        for sample in [e.period.start(), middle, last] {
            assert_eq!(
                h.on(sample).map(|p| p.provider),
                Some(e.employer),
                "employment {} on {sample}",
                e.id
            );
        }
    }

    // One post at a time per person, and one person at a time per post.
    let mut by_staff: BTreeMap<_, Vec<_>> = BTreeMap::new();
    let mut by_post: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for e in &a.employments {
        by_staff.entry(e.staff).or_default().push(e);
        by_post.entry(e.post).or_default().push(e);
    }
    for (who, list) in by_staff
        .iter()
        .chain(by_post.values().map(|l| (&a.staff[0].id, l)))
    {
        for (i, x) in list.iter().enumerate() {
            for y in &list[i + 1..] {
                assert!(
                    !x.period.overlaps(&y.period),
                    "{who}: {} overlaps {}",
                    x.id,
                    y.id
                );
            }
        }
    }
    assert_eq!(by_staff.len(), a.staff.len(), "everyone has held a post");

    // Each linked account's person holds a post with the account's role today.
    assert!(a.accounts.iter().all(|acc| acc.password == DEMO_PASSWORD));
    let names: BTreeSet<_> = a.accounts.iter().map(|acc| acc.username.as_str()).collect();
    for u in [
        "sw.demo",
        "tm.demo",
        "sm.demo",
        "director.demo",
        "analyst.demo",
        "ig.demo",
        "admin.demo",
    ] {
        assert!(names.contains(u), "{u}");
    }
    for acc in &a.accounts {
        let Some(staff) = acc.staff else {
            assert_eq!(acc.role, Role::SystemAdministrator);
            continue;
        };
        let holds = a.employments.iter().any(|e| {
            let post = a.posts.iter().find(|p| p.id == e.post).unwrap();
            e.staff == staff && e.period.contains(today) && post.role == acc.role
        });
        assert!(
            holds,
            "{} does not hold a {:?} post today",
            acc.username, acc.role
        );
    }
    let sw = a
        .accounts
        .iter()
        .find(|acc| acc.username == "sw.demo")
        .unwrap();
    let sw_post = a
        .employments
        .iter()
        .find(|e| Some(e.staff) == sw.staff && e.period.contains(today))
        .unwrap()
        .post;
    let sw_team = a.posts.iter().find(|p| p.id == sw_post).unwrap().team;
    assert_eq!(team_service[&sw_team], service(a, "DCS"));
}

/// Every rule the children's data must keep.
fn check_children(
    a: &DemoAuthority,
    params: &DemoParams,
    kids: &[(Child, Vec<Involvement>)],
    first_index: u32,
) {
    let from = params.history_starts();
    assert!(
        from >= params.today - chrono::Months::new(params.years.min(1000) * 12)
            || params.years > 1000
    );
    let team_service: BTreeMap<_, _> = a.teams.iter().map(|t| (t.id, t.service)).collect();
    let mut ids = BTreeSet::new();
    for (n, (child, involvements)) in kids.iter().enumerate() {
        assert_eq!(child.id.0, i64::from(first_index) + n as i64 + 1);
        let unborn = child.date_of_birth > params.today;
        let age = params.today.years_since(child.date_of_birth).unwrap_or(0);
        assert!(age <= 21, "{} is {age}", child.id);
        if unborn {
            assert_eq!(child.given_name, "Unborn");
            assert!(child.date_of_birth <= params.today + chrono::Days::new(140));
            assert!(involvements.iter().any(|i| i.period.end().is_none()));
        }
        assert!(involvements.len() <= MAX_INVOLVEMENTS_PER_CHILD);
        for inv in involvements {
            assert!(ids.insert(inv.id), "involvement id {} twice", inv.id);
            assert_eq!(inv.child, child.id);
            let index = child.id.0 - 1;
            assert!((index * 64 + 1..=index * 64 + 64).contains(&inv.id.0));
            let start = inv.period.start();
            assert!(
                from <= start && start <= params.today,
                "{inv:?} starts outside {from}..={}",
                params.today
            );
            assert!(
                start >= child.date_of_birth || unborn && inv.kind.may_start_before_birth(),
                "{inv:?} before birth"
            );
            if let Some(end) = inv.period.end() {
                assert!(start <= end && end <= params.today, "{inv:?}");
            }
            let code = match inv.kind {
                InvolvementKind::EarlyHelp => "EH",
                InvolvementKind::DisabledChildren => "DCS",
                InvolvementKind::VirtualSchool => "VS",
                _ => "CSC",
            };
            assert_eq!(inv.service, service(a, code), "{inv:?}");
            if let Some(team) = inv.team {
                assert_eq!(team_service[&team], inv.service, "{inv:?}");
            }
            if inv.kind == InvolvementKind::CareLeaver {
                assert!(involvements
                    .iter()
                    .any(|i| i.kind == InvolvementKind::LookedAfter));
                assert_eq!(
                    params
                        .today
                        .years_since(child.date_of_birth)
                        .map(|a| a >= 18),
                    Some(true)
                );
            } else {
                let eighteen = child.date_of_birth + chrono::Months::new(216);
                assert!(
                    inv.period.end().unwrap_or(params.today) < eighteen
                        || inv.period.end().is_none() && params.today < eighteen,
                    "{inv:?}"
                );
            }
            if inv.kind == InvolvementKind::VirtualSchool {
                let in_care = involvements.iter().any(|i| {
                    i.kind == InvolvementKind::LookedAfter
                        && i.period.contains(start)
                        && inv.period.end().is_none_or(|e| i.period.contains(e))
                });
                assert!(in_care, "{inv:?} outside care");
            }
        }
    }
}

/// Every allocation is of a case held by a team (an open one, or a closed period of
/// care), to a practitioner holding a post in that team from its first day to the
/// case's last (today, when open), starting within the case, the first since the case
/// opened a "first social worker", a later start "the previous worker left"; one per
/// case; and the same however the children are chunked.
fn check_allocations(a: &DemoAuthority, params: &DemoParams, kids: &[(Child, Vec<Involvement>)]) {
    let allocations = carebridge_demo::allocations(params, a, kids);
    let mut seen = BTreeSet::new();
    for x in &allocations {
        assert!(
            seen.insert(x.involvement),
            "two allocations of {}",
            x.involvement
        );
        let case = kids
            .iter()
            .flat_map(|(_, w)| w)
            .find(|w| w.id == x.involvement)
            .unwrap();
        let last = match case.period.end() {
            None => params.today,
            Some(end) => {
                assert_eq!(case.kind, InvolvementKind::LookedAfter, "{x:?}");
                end
            }
        };
        assert_eq!(case.team, Some(x.team));
        assert!(x.starts_on >= case.period.start() && x.starts_on <= last);
        let change = if x.starts_on == case.period.start() {
            WorkerChange::FirstContact
        } else {
            WorkerChange::LeftRole
        };
        assert_eq!(x.change, Some(change), "{x:?}");
        for day in [x.starts_on, last] {
            let in_team = a.employments.iter().any(|e| {
                e.staff == x.staff
                    && e.period.contains(day)
                    && a.posts.iter().any(|p| {
                        p.id == e.post
                            && p.team == x.team
                            && matches!(p.role, Role::SocialWorker | Role::SeniorPractitioner)
                    })
            });
            assert!(in_team, "{x:?}: not a practitioner in the team on {day}");
        }
    }
    let (head, tail) = kids.split_at(kids.len() / 2);
    let mut chunked = carebridge_demo::allocations(params, a, head);
    chunked.extend(carebridge_demo::allocations(params, a, tail));
    assert_eq!(chunked, allocations);
}

#[test]
fn the_same_parameters_give_the_same_data_however_it_is_chunked() {
    let params = DemoParams::standard(today());
    let a = authority(&params).unwrap();
    assert_eq!(a, authority(&params).unwrap());
    let whole = children(&params, &a, 0..250);
    assert_eq!(whole, children(&params, &a, 0..250));
    check_allocations(&a, &params, &whole);
    assert!(carebridge_demo::allocations(&params, &a, &whole).len() > 30);
    let mut chunked = children(&params, &a, 0..100);
    chunked.extend(children(&params, &a, 100..250));
    assert_eq!(whole, chunked);
    // Past the requested number of children there are none.
    assert!(children(&params, &a, 2990..4000).len() == 10);
    // A different seed gives different data.
    let other = DemoParams { seed: 7, ..params };
    assert_ne!(a.staff, authority(&other).unwrap().staff);
    assert_ne!(whole, children(&other, &a, 0..250));
}

/// How many people were employed on `day` (the establishment is ~400; the staff list
/// also holds everyone who has left since 2010).
fn employed_on(a: &carebridge_demo::DemoAuthority, day: NaiveDate) -> usize {
    let mut ids: Vec<_> = a
        .employments
        .iter()
        .filter(|e| e.period.contains(day))
        .map(|e| e.staff)
        .collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// The workforce's size is a parameter: the standard one is the establishment as
/// listed (so the default demo did not change when the size became choosable); a
/// larger one has exactly the posts asked for, every team keeps its posts and
/// managers, the extra posts are frontline ones shared in proportion, and a smaller
/// one is refused naming the field.
#[test]
fn the_workforce_grows_to_the_size_asked_for_and_no_smaller() {
    let params = DemoParams::standard(today());
    let standard = authority(&params).unwrap();
    assert_eq!(standard.posts.len(), STANDARD_POSTS as usize);
    assert_eq!(STANDARD_POSTS, 389);
    let large = authority(&DemoParams {
        posts: 2000,
        ..params
    })
    .unwrap();
    check_authority(&large, params.today);
    assert_eq!(large.posts.len(), 2000);
    assert_eq!(large.teams, standard.teams);
    let count = |a: &DemoAuthority, team, title: &str| {
        a.posts
            .iter()
            .filter(|p| p.team == team && p.title == title)
            .count()
    };
    for team in &standard.teams {
        for title in [
            "Team manager",
            "Service manager",
            "Virtual school headteacher",
        ] {
            assert_eq!(
                count(&large, team.id, title),
                count(&standard, team.id, title)
            );
        }
        let sw = count(&standard, team.id, "Social worker");
        let grown = count(&large, team.id, "Social worker");
        assert!(
            sw == 0 && grown == 0 || grown >= sw * 4,
            "{}: {sw} social workers became {grown}",
            team.name
        );
    }
    let employed = employed_on(&large, params.today);
    assert!((1500..=2500).contains(&employed), "{employed} employed");
    let refused = authority(&DemoParams {
        posts: STANDARD_POSTS - 1,
        ..params
    })
    .unwrap_err()
    .to_string();
    assert!(refused.contains("posts"), "{refused}");
}

#[test]
fn the_standard_demo_keeps_every_rule() {
    let params = DemoParams::standard(today());
    let a = authority(&params).unwrap();
    check_authority(&a, params.today);
    let employed = employed_on(&a, params.today);
    assert!(
        (350..=450).contains(&employed),
        "{employed} staff employed today"
    );
    let kids = children(&params, &a, 0..params.children);
    assert_eq!(kids.len(), 3000);
    check_children(&a, &params, &kids, 0);

    let open = kids
        .iter()
        .filter(|(_, inv)| inv.iter().any(|i| i.period.end().is_none()))
        .count();
    let share = open as f64 / kids.len() as f64;
    assert!(
        (0.15..=0.25).contains(&share),
        "{share} of children have open work"
    );
    let known = kids
        .iter()
        .filter(|(_, inv)| {
            inv.iter().any(|i| {
                matches!(
                    i.kind,
                    InvolvementKind::EarlyHelp | InvolvementKind::Referral
                )
            })
        })
        .count();
    assert!(
        known * 100 > kids.len() * 80,
        "{known} of {} had early help or a referral",
        kids.len()
    );
    for kind in InvolvementKind::ALL {
        let n = kids
            .iter()
            .flat_map(|(_, inv)| inv)
            .filter(|i| i.kind == kind)
            .count();
        assert!(n > 10, "only {n} {kind:?}");
    }
}

#[test]
fn the_story_follows_the_timeline() {
    let a = authority(&DemoParams::standard(today())).unwrap();
    let hs = histories(&a);
    let (council, trust) = (org(&a, "Northmoor Council"), org(&a, "The trust"));
    assert_eq!(a.authority, council);
    let provider = |code: &str, day| hs[&service(&a, code)].on(day).unwrap().provider;
    assert_eq!(provider("CSC", d(2014, 9, 30)), council);
    assert_eq!(provider("CSC", d(2014, 10, 1)), trust);
    assert_eq!(provider("CSC", d(2022, 3, 31)), trust);
    assert_eq!(provider("CSC", d(2022, 4, 1)), council);
    assert_eq!(provider("DCS", d(2016, 6, 20)), council);
    assert_eq!(provider("DCS", d(2016, 6, 21)), trust);
    assert_eq!(provider("DCS", d(2022, 4, 1)), council);
    for code in ["EH", "VS"] {
        assert_eq!(
            hs[&service(&a, code)].periods().len(),
            1,
            "{code} stays with the council"
        );
    }
    let direction = a
        .instruments
        .iter()
        .find(|i| i.made_on == d(2016, 6, 21))
        .unwrap();
    assert_eq!(
        direction.kind_label(),
        "Government direction (immediate effect)"
    );
    assert!(a
        .inspections
        .iter()
        .any(|i| i.summary.contains("insufficient")
            || i.summary.contains("Insufficient")
            || i.summary.contains("is insufficient")));

    // TUPE: whoever was in a children's social care post the day before the trust
    // started moved to the trust the next day, their continuity kept.
    let csc_teams: BTreeSet<_> = a
        .teams
        .iter()
        .filter(|t| t.service == service(&a, "CSC"))
        .map(|t| t.id)
        .collect();
    let csc_posts: BTreeSet<_> = a
        .posts
        .iter()
        .filter(|p| csc_teams.contains(&p.team))
        .map(|p| p.id)
        .collect();
    let mut moved = 0;
    for before in a
        .employments
        .iter()
        .filter(|e| csc_posts.contains(&e.post) && e.period.end() == Some(d(2014, 9, 30)))
    {
        if let Some(after) = a
            .employments
            .iter()
            .find(|e| e.staff == before.staff && e.period.start() == d(2014, 10, 1))
        {
            assert_eq!(before.employer, council);
            assert_eq!(after.employer, trust);
            assert_eq!(after.post, before.post);
            assert_eq!(after.continuous_since, before.continuous_since);
            moved += 1;
        }
    }
    assert!(moved > 80, "only {moved} moved to the trust");
    let returned = a
        .employments
        .iter()
        .filter(|e| e.period.start() == d(2022, 4, 1) && e.employer == council)
        .count();
    assert!(returned > 80, "only {returned} returned to the council");
}

#[test]
fn a_today_before_the_story_is_refused_and_an_early_one_leaves_out_the_future() {
    assert!(authority(&DemoParams::standard(d(2009, 12, 31))).is_err());
    let params = DemoParams {
        children: 200,
        ..DemoParams::standard(d(2016, 1, 1))
    };
    let a = authority(&params).unwrap();
    check_authority(&a, params.today);
    assert!(a.milestones.iter().all(|m| m.occurred_on <= params.today));
    check_children(&a, &params, &children(&params, &a, 0..200), 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the seed, size, history length and date, the rules hold.
    #[test]
    fn every_demo_keeps_the_rules(
        seed in any::<u64>(),
        count in 0u32..120,
        years in 0u32..30,
        days_after in 0u64..3000,
        first in 0u32..40,
        extra_posts in prop_oneof![Just(0u32), 0u32..2500],
    ) {
        let today = d(2022, 10, 1) + Days::new(days_after);
        let posts = STANDARD_POSTS + extra_posts;
        let params = DemoParams { children: count, years, seed, today, posts };
        let a = authority(&params).unwrap();
        check_authority(&a, today);
        prop_assert_eq!(a.posts.len(), posts as usize);
        // Most posts are filled on any day (people leave, posts stay vacant a while).
        let employed = employed_on(&a, today) as u32;
        prop_assert!(
            (posts * 3 / 4..=posts * 5 / 4).contains(&employed),
            "{} staff employed on {} in {} posts", employed, today, posts
        );
        let all = children(&params, &a, 0..count);
        prop_assert_eq!(all.len(), count as usize);
        check_children(&a, &params, &all, 0);
        check_allocations(&a, &params, &all);
        let first = first.min(count);
        let tail = children(&params, &a, first..count);
        prop_assert_eq!(&all[first as usize..], &tail[..]);
    }
}

/// The demo's people are safe to show and plausible: NHS numbers only in the 999 test
/// range and unique, postcodes only in the fictional NM area, UPNs valid with LA 990,
/// addresses from birth to today without overlaps and the last one current, previous
/// names ending before today; and the same however the children are chunked.
#[test]
fn demo_people_are_fictional_plausible_and_deterministic() {
    use carebridge_demo::people;
    use carebridge_domain::person::NameKind;
    let params = DemoParams::standard(today());
    let a = authority(&params).unwrap();
    let kids = children(&params, &a, 0..3000);
    let all = people(&params, &kids);
    assert_eq!(all.len(), kids.len());
    let mut chunked = people(&params, &kids[..1000]);
    chunked.extend(people(&params, &kids[1000..]));
    assert_eq!(all, chunked);
    assert!(
        kids.len() <= 150 || all.iter().any(|p| p.expected_date_of_birth.is_some()),
        "the demo has unborn children"
    );
    let mut nhs = BTreeSet::new();
    let (mut moved, mut previous, mut aliases, mut upns) = (0, 0, 0, 0);
    for ((child, _), p) in kids.iter().zip(&all) {
        if let Some(n) = &p.nhs_number {
            assert!(n.digits().starts_with("999"), "{n}");
            assert!(nhs.insert(n.clone()), "{n} twice");
        }
        if let Some(u) = &p.upn {
            assert_eq!(&u.as_str()[1..4], "990");
            upns += 1;
        }
        assert!(!p.addresses.is_empty(), "child {} has no address", child.id);
        if p.expected_date_of_birth.is_some() {
            assert_eq!(p.expected_date_of_birth, Some(child.date_of_birth));
            assert!(child.date_of_birth > params.today);
            assert!(p.nhs_number.is_none() && p.upn.is_none() && p.other_names.is_empty());
            assert!(p.addresses[0].from < params.today);
        } else {
            assert_eq!(p.addresses[0].from, child.date_of_birth);
        }
        for pair in p.addresses.windows(2) {
            let end = pair[0].to.expect("only the last address is open");
            assert!(end < pair[1].from && pair[0].from <= end);
        }
        let last = p.addresses.last().unwrap();
        assert!(last.to.is_none() && last.from <= params.today);
        for a in &p.addresses {
            assert!(a.postcode.as_str().starts_with("NM"), "{}", a.postcode);
        }
        moved += usize::from(p.addresses.len() > 1);
        for n in &p.other_names {
            match n.kind {
                NameKind::Previous => {
                    previous += 1;
                    assert!(n.to.unwrap() <= params.today);
                }
                NameKind::Alias => aliases += 1,
                NameKind::Current => panic!("the current name is on the child"),
            }
        }
    }
    assert!(nhs.len() > 2500, "{} NHS numbers", nhs.len());
    assert!(moved > 600 && previous > 100 && aliases > 50 && upns > 1000);
}

#[test]
fn demo_families_keep_the_rules_of_parental_responsibility() {
    use carebridge_demo::families;
    use carebridge_domain::relationships::{
        check_relationship, OtherInput, RelationshipInput, RelationshipKind,
    };
    let params = DemoParams::standard(today());
    let a = authority(&params).unwrap();
    let kids = children(&params, &a, 0..3000);
    let all = families(&params, &kids);
    let mut chunked = families(&params, &kids[..1000]);
    chunked.extend(families(&params, &kids[1000..]));
    assert_eq!(all, chunked, "the same however the children are chunked");
    let mut ids = BTreeSet::new();
    let mut fathers = 0;
    for (child, _) in &kids {
        let family: Vec<_> = all.iter().filter(|r| r.child == child.id).collect();
        let mothers: Vec<_> = family
            .iter()
            .filter(|r| r.kind == RelationshipKind::Mother)
            .collect();
        assert_eq!(mothers.len(), 1, "child {} has one mother", child.id);
        fathers += family
            .iter()
            .filter(|r| r.kind == RelationshipKind::Father)
            .count();
        for r in family {
            assert!(ids.insert(r.person_id), "{:?} twice", r.person_id);
            // Each relationship passes the form's own checks.
            let input = RelationshipInput {
                kind: Some(r.kind),
                other: OtherInput::New {
                    given_name: r.person.given_name.clone(),
                    family_name: r.person.family_name.clone(),
                    date_of_birth: r.person.date_of_birth,
                },
                responsibility: Some(r.responsibility.is_some()),
                basis: r.responsibility,
                from: None,
            };
            check_relationship(child.id, input, &[], params.today)
                .unwrap_or_else(|p| panic!("child {}: {p:?}", child.id));
            if let Some(born) = r.person.date_of_birth {
                assert!(
                    born < child.date_of_birth,
                    "a relative born after the child"
                );
            }
        }
    }
    // Most children have a known father, not all.
    assert!(
        fathers > kids.len() / 2 && fathers < kids.len(),
        "{fathers}"
    );
}
