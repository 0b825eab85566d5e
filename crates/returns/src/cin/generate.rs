//! Synthetic CIN censuses for tests, benchmarks and the reference check: plausible
//! children (referrals, assessments, plans, enquiries, protection plans) with
//! deliberate errors mixed in so that every rule has something to find. Never real
//! data: identifiers are made up, and the same seed gives the same file.

use std::fmt::Write;

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::year::CollectionYear;

const ETHNICITIES: &[&str] = &[
    "WBRI", "WOTH", "MWBC", "ABAN", "BAFR", "CHNE", "OOTH", "REFU",
];
const DISABILITIES: &[&str] = &[
    "AUT", "BEH", "COMM", "CON", "DDA", "HAND", "HEAR", "INC", "LD", "MOB", "PC", "VIS",
];
const SOURCES: &[&str] = &["1A", "1B", "2A", "3A", "3F", "4", "5A", "6", "9", "10"];
const FACTORS: &[&str] = &[
    "1A", "1B", "2A", "2B", "3A", "4A", "5A", "6C", "8B", "10A", "16A", "18B", "19C", "22A",
];
const ABUSE: &[&str] = &["EMO", "MUL", "NEG", "PHY", "SAB"];

/// A census of `children` synthetic children for `year`, as XML text.
pub fn generate(year: CollectionYear, children: usize, seed: u64) -> String {
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(seed),
        end: year.end_date(),
        start: year.start_date(),
        xml: String::with_capacity(children * 1500 + 1000),
        upns: Vec::new(),
    };
    let end = g.end;
    // One census in seven states a Year that does not match its ReferenceDate (rule 100).
    let year_written = if seed.is_multiple_of(7) {
        end.year() + 1
    } else {
        end.year()
    };
    let _ = write!(
        g.xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n<Header>\n<CollectionDetails><Collection>CIN</Collection><Year>{}</Year><ReferenceDate>{}</ReferenceDate></CollectionDetails>\n<Source><SourceLevel>L</SourceLevel><LEA>801</LEA><SoftwareCode>Carebridge</SoftwareCode><Release>1</Release><SerialNo>{seed}</SerialNo><DateTime>{}T00:00:00</DateTime></Source>\n</Header>\n<Children>\n",
        year_written,
        end,
        end,
    );
    for n in 0..children {
        g.child(n);
    }
    g.xml.push_str("</Children>\n</Message>\n");
    g.xml
}

struct Generator {
    rng: ChaCha8Rng,
    start: NaiveDate,
    end: NaiveDate,
    xml: String,
    upns: Vec<String>,
}

impl Generator {
    /// Whether a one-in-`n` error happens.
    fn one_in(&mut self, n: u32) -> bool {
        self.rng.gen_ratio(1, n)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from.choose(&mut self.rng).copied().unwrap_or("")
    }

    fn days_after(&mut self, date: NaiveDate, max: u64) -> NaiveDate {
        let days = self.rng.gen_range(0..=max);
        date.checked_add_days(Days::new(days)).unwrap_or(date)
    }

    fn days_before(&mut self, date: NaiveDate, max: u64) -> NaiveDate {
        let days = self.rng.gen_range(0..=max);
        date.checked_sub_days(Days::new(days)).unwrap_or(date)
    }

    /// A date as the file writes it: mostly ISO, now and then not a date at all.
    fn date(&mut self, date: NaiveDate) -> String {
        if self.one_in(150) {
            return self
                .pick(&["2025-02-30", "31/03/2025", "not a date", "2025-13-01"])
                .to_owned();
        }
        date.to_string()
    }

    fn element(&mut self, tag: &str, value: Option<String>) {
        if let Some(value) = value {
            let _ = write!(self.xml, "<{tag}>{value}</{tag}>");
        }
    }

    fn upn(&mut self) -> String {
        let la = if self.one_in(60) {
            "999".to_owned()
        } else {
            self.pick(&["801", "802", "873", "003"]).to_owned()
        };
        let mut digits: String = la;
        for _ in 0..8 {
            digits.push(char::from(b'0' + self.rng.gen_range(0..10u8)));
        }
        let last = if self.one_in(60) {
            'I'
        } else {
            char::from(b'0' + self.rng.gen_range(0..10u8))
        };
        digits.push(last);
        if self.one_in(60) {
            digits.replace_range(5..6, "X");
        }
        let sum: u32 = digits
            .chars()
            .take(11)
            .enumerate()
            .map(|(i, c)| c.to_digit(10).unwrap_or(0) * (i as u32 + 2))
            .sum::<u32>()
            + if last.is_ascii_digit() {
                last.to_digit(10).unwrap_or(0) * 13
            } else {
                0
            };
        let check = b"ABCDEFGHJKLMNPQRTUVWXYZ"[(sum % 23) as usize];
        let check = if self.one_in(40) {
            'A'
        } else {
            char::from(check)
        };
        let upn = format!("{check}{digits}");
        if self.one_in(50) {
            return upn[..9].to_owned();
        }
        upn
    }

    fn child(&mut self, n: usize) {
        let end = self.end;
        self.xml.push_str("<Child>\n<ChildIdentifiers>");
        let id = if self.one_in(100) {
            None
        } else if n > 0 && self.one_in(80) {
            Some(format!("C{}", n - 1))
        } else if self.one_in(100) {
            Some(format!("C-{n}"))
        } else if self.one_in(100) {
            Some(format!("CHILD{n:0>20}"))
        } else {
            Some(format!("C{n}"))
        };
        self.element("LAchildID", id);
        let upn = if self.one_in(6) {
            None
        } else if !self.upns.is_empty() && self.one_in(80) {
            self.upns.last().cloned()
        } else {
            Some(self.upn())
        };
        if let Some(u) = &upn {
            self.upns.push(u.clone());
        }
        let upn_missing = upn.is_none();
        self.element("UPN", upn);
        if self.one_in(20) {
            let former = if self.one_in(3) {
                "X12".to_owned()
            } else {
                self.upn()
            };
            self.element("FormerUPN", Some(former));
        }
        if upn_missing || self.one_in(30) {
            let reason = self.pick(&["UN1", "UN2", "UN3", "UN5", "UN7"]).to_owned();
            self.element("UPNunknown", Some(reason));
        }
        let unborn = self.one_in(25);
        let birth = self.days_before(end, 17 * 365);
        // Now and then a young adult over 25 still open to the service (8775Q).
        let birth = if self.one_in(120) {
            self.days_before(
                end.checked_sub_days(Days::new(26 * 365)).unwrap_or(end),
                300,
            )
        } else {
            birth
        };
        if unborn {
            let expected = self.days_after(end.checked_sub_days(Days::new(40)).unwrap_or(end), 330);
            if self.one_in(8) {
                let b = self.date(birth);
                self.element("PersonBirthDate", Some(b));
            }
            let e = self.date(expected);
            self.element("ExpectedPersonBirthDate", Some(e));
        } else {
            let birth = if self.one_in(80) {
                self.days_after(end, 60)
            } else {
                birth
            };
            if !self.one_in(80) {
                let b = self.date(birth);
                self.element("PersonBirthDate", Some(b));
            }
        }
        let gender = self.pick(&["1", "2", "0", "9"]).to_owned();
        self.element("GenderCurrent", Some(gender));
        let sex = if unborn && !self.one_in(5) {
            Some("U".to_owned())
        } else if self.one_in(60) {
            None
        } else if self.one_in(60) {
            Some("X".to_owned())
        } else {
            Some(self.pick(&["M", "F"]).to_owned())
        };
        self.element("Sex", sex);
        let died = self.one_in(60);
        let death = if died {
            let d = self.days_before(end, 500);
            let d = self.date(d);
            self.element("PersonDeathDate", Some(d.clone()));
            crate::dates::parse_iso(&d)
        } else {
            None
        };
        self.xml
            .push_str("</ChildIdentifiers>\n<ChildCharacteristics>");
        let ethnicity = if self.one_in(50) {
            None
        } else if self.one_in(50) {
            Some("XXXX".to_owned())
        } else {
            Some(self.pick(ETHNICITIES).to_owned())
        };
        self.element("Ethnicity", ethnicity);
        if !self.one_in(30) {
            self.xml.push_str("<Disabilities>");
            let count = self.rng.gen_range(1..=3);
            for i in 0..count {
                let code = if i == 0 && self.rng.gen_bool(0.6) {
                    "NONE".to_owned()
                } else if self.one_in(30) {
                    "XYZ".to_owned()
                } else {
                    self.pick(DISABILITIES).to_owned()
                };
                self.element("Disability", Some(code));
            }
            self.xml.push_str("</Disabilities>");
        }
        self.xml.push_str("</ChildCharacteristics>\n");
        let episodes = if self.one_in(40) {
            0
        } else {
            self.rng.gen_range(1..=2)
        };
        let mut from = self.days_before(end, 600);
        for _ in 0..episodes {
            from = self.episode(from, death);
        }
        self.xml.push_str("</Child>\n");
    }

    /// One CINdetails starting on or after `from`; returns a date after it ends.
    fn episode(&mut self, from: NaiveDate, death: Option<NaiveDate>) -> NaiveDate {
        let (start, end) = (self.start, self.end);
        let referral = if self.one_in(3) {
            self.days_after(start, 300)
        } else {
            self.days_after(from, 200)
        };
        let referral = death
            .filter(|_| self.one_in(2))
            .map_or(referral, |d| self.days_before(d, 30));
        self.xml.push_str("<CINdetails>");
        let r = self.date(referral);
        if !self.one_in(80) {
            self.element("CINreferralDate", Some(r));
        }
        let source = if self.one_in(60) {
            None
        } else {
            Some(self.pick(SOURCES).to_owned())
        };
        self.element("ReferralSource", source);
        let nfa = self.one_in(8);
        let need = if (nfa && self.one_in(2)) || self.one_in(80) {
            None
        } else if self.one_in(60) {
            Some("N10".to_owned())
        } else {
            Some(format!("N{}", self.rng.gen_range(0..10)))
        };
        self.element("PrimaryNeedCode", need);
        let closed = nfa || self.rng.gen_bool(0.5);
        let closure = self.days_after(referral, 250);
        let closure = if self.one_in(60) {
            referral.checked_sub_days(Days::new(3)).unwrap_or(referral)
        } else {
            closure
        };
        if closed && !self.one_in(60) {
            let c = self.date(closure);
            self.element("CINclosureDate", Some(c));
        }
        if closed && !self.one_in(60) || self.one_in(80) {
            let reason = if self.one_in(60) {
                "RC0".to_owned()
            } else {
                self.pick(&["RC1", "RC2", "RC3", "RC4", "RC7", "RC8", "RC9"])
                    .to_owned()
            };
            self.element("ReasonForClosure", Some(reason));
        }
        let cin_conference = self.one_in(30).then(|| self.days_after(referral, 30));
        if let Some(d) = cin_conference {
            let d = self.date(d);
            self.element("DateOfInitialCPC", Some(d));
        }
        let nfa_text = if self.one_in(60) {
            "maybe"
        } else if nfa {
            self.pick(&["1", "true"])
        } else {
            self.pick(&["0", "false", "0"])
        };
        if !self.one_in(80) {
            self.element("ReferralNFA", Some(nfa_text.to_owned()));
        }
        self.xml.push('\n');
        let busy = !nfa || self.one_in(10);
        if busy {
            for _ in 0..self.rng.gen_range(0..=2) {
                self.assessment(referral, end);
            }
            for _ in 0..self.rng.gen_range(0..=2) {
                self.xml.push_str("<CINPlanDates>");
                let s = self.days_after(referral, 120);
                let s = if self.one_in(40) {
                    referral.checked_sub_days(Days::new(5)).unwrap_or(referral)
                } else {
                    s
                };
                let sd = self.date(s);
                self.element("CINPlanStartDate", Some(sd));
                if self.rng.gen_bool(0.6) {
                    let e = self.days_after(s, 200);
                    let e = if self.one_in(40) { s } else { e };
                    let ed = self.date(e);
                    self.element("CINPlanEndDate", Some(ed));
                }
                self.xml.push_str("</CINPlanDates>\n");
            }
            let enquiries = if self.one_in(10) {
                2
            } else {
                self.rng.gen_range(0..=1)
            };
            for _ in 0..enquiries {
                self.xml.push_str("<Section47>");
                let s = self.days_after(referral, 60);
                let sd = self.date(s);
                self.element("S47ActualStartDate", Some(sd));
                let target = self.days_after(s, 20);
                // Now and then written day first, as some systems do (the reference
                // reads only that form for its weekend check).
                let td = if self.one_in(4) {
                    target.format("%d-%m-%Y").to_string()
                } else {
                    self.date(target)
                };
                self.element("InitialCPCtarget", Some(td));
                if let Some(c) = cin_conference.filter(|_| self.one_in(2)) {
                    // Recorded at both levels (2884).
                    self.element("DateOfInitialCPC", Some(c.to_string()));
                } else if self.rng.gen_bool(0.6) {
                    let c = self.days_after(s, 25);
                    let cd = self.date(c);
                    self.element("DateOfInitialCPC", Some(cd));
                }
                let not_required = self.pick(&["0", "1", "false", "true"]).to_owned();
                self.element("ICPCnotRequired", Some(not_required));
                self.xml.push_str("</Section47>\n");
            }
            if self.one_in(4) {
                self.cpp(referral, end);
                if self.one_in(6) {
                    self.cpp(referral, end);
                }
            }
        }
        self.xml.push_str("</CINdetails>\n");
        closure.checked_add_days(Days::new(1)).unwrap_or(closure)
    }

    fn assessment(&mut self, referral: NaiveDate, end: NaiveDate) {
        self.xml.push_str("<Assessments>");
        let s = self.days_after(referral, 40);
        let s = if self.one_in(40) {
            referral.checked_sub_days(Days::new(2)).unwrap_or(referral)
        } else {
            s
        };
        let sd = self.date(s);
        self.element("AssessmentActualStartDate", Some(sd));
        let done = self.rng.gen_bool(0.7);
        if done {
            let a = self.days_after(s, 50);
            let a = if self.one_in(40) {
                s.checked_sub_days(Days::new(1)).unwrap_or(s)
            } else if self.one_in(60) {
                end.checked_add_days(Days::new(3)).unwrap_or(end)
            } else {
                a
            };
            let ad = self.date(a);
            self.element("AssessmentAuthorisationDate", Some(ad));
        }
        if done && !self.one_in(15) || self.one_in(20) {
            self.xml.push_str("<FactorsIdentifiedAtAssessment>");
            let count = self.rng.gen_range(1..=3);
            for _ in 0..count {
                let f = if self.one_in(15) {
                    self.pick(&["21", "18A", "19A"]).to_owned()
                } else {
                    self.pick(FACTORS).to_owned()
                };
                self.element("AssessmentFactors", Some(f));
            }
            self.xml.push_str("</FactorsIdentifiedAtAssessment>");
        }
        self.xml.push_str("</Assessments>\n");
    }

    fn cpp(&mut self, referral: NaiveDate, end: NaiveDate) {
        self.xml.push_str("<ChildProtectionPlans>");
        let s = self.days_after(referral, 60);
        let sd = self.date(s);
        self.element("CPPstartDate", Some(sd));
        let ended = self.rng.gen_bool(0.4);
        if ended {
            let e = self.days_after(s, 200);
            let e = if self.one_in(30) { s } else { e };
            let ed = self.date(e);
            self.element("CPPendDate", Some(ed));
        }
        let initial = if self.one_in(40) {
            "XXX".to_owned()
        } else {
            self.pick(ABUSE).to_owned()
        };
        self.element("InitialCategoryOfAbuse", Some(initial));
        let latest = if self.one_in(40) {
            None
        } else {
            Some(self.pick(ABUSE).to_owned())
        };
        self.element("LatestCategoryOfAbuse", latest);
        if !self.one_in(40) {
            let n = self.rng.gen_range(0..3).to_string();
            self.element("NumberOfPreviousCPP", Some(n));
        }
        for _ in 0..self.rng.gen_range(0..=3) {
            self.xml.push_str("<Reviews>");
            let r = self.days_after(s, 250).min(end);
            let r = if self.one_in(30) { s } else { r };
            let rd = if self.one_in(40) {
                String::new()
            } else {
                self.date(r)
            };
            let _ = write!(self.xml, "<CPPreviewDate>{rd}</CPPreviewDate>");
            self.xml.push_str("</Reviews>");
        }
        self.xml.push_str("</ChildProtectionPlans>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cin::{validate, Census, TableName};

    #[test]
    fn a_generated_census_reads_and_fires_rules() {
        let year = "2025-26".parse().unwrap();
        let xml = generate(year, 300, 7);
        assert_eq!(xml, generate(year, 300, 7));
        let census = Census::parse(year, "generated.xml", xml.as_bytes()).unwrap();
        assert_eq!(census.table(TableName::ChildIdentifiers).len(), 300);
        assert!(census.table(TableName::CINdetails).len() > 300);
        assert!(census.table(TableName::Reviews).len() > 10);
        let validation = validate(&census);
        let fired = validation
            .outcomes
            .iter()
            .filter(|o| !o.flags.is_empty())
            .count();
        assert!(fired >= 15, "{fired}");
    }
}
