//! Synthetic 903 returns for tests, benchmarks and the differential check against the
//! reference validator (`scripts/returns-oracle-903`).
//!
//! Children are plausible (a date of birth, a run of episodes whose dates chain, reviews,
//! missing periods, social worker episodes, outcomes for the right ages), and a few per
//! cent of values are deliberately wrong (an unknown code, a blank, a date out of order
//! or unreadable, an episode or child missing from a table) so that every kind of rule
//! fires somewhere. The same seed gives the same files. All data is invented.

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::tables::TableName;
use crate::year::CollectionYear;

/// A generated return: each table as CSV text, this year's and last year's.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// This year's tables.
    pub this: Vec<(TableName, String)>,
    /// Last year's tables.
    pub last: Vec<(TableName, String)>,
}

/// How often a value is deliberately wrong.
const ERROR_RATE: f64 = 0.03;

/// Choices beyond the year, size and seed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Every date readable, and no one born on 29 February: the reference raises on an
    /// unreadable date in some columns (rules 388, 1007, 1016) and on a 29 February
    /// birthday moved to another year (1007), and then compares nothing for the rule.
    pub readable_dates: bool,
}

/// Generates a return of about `children` children for `year` (about five rows per
/// child across the tables), deterministic for `seed`.
pub fn generate(year: CollectionYear, children: usize, seed: u64) -> Generated {
    generate_with(year, children, seed, Options::default())
}

/// [`generate`] with `options`.
pub fn generate_with(
    year: CollectionYear,
    children: usize,
    seed: u64,
    options: Options,
) -> Generated {
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(seed),
        rng_last: ChaCha8Rng::seed_from_u64(seed ^ 0x903_1a57),
        start: year.start_date(),
        end: year.end_date(),
        this: Tables::new(),
        last: Tables::new(),
        dolo: TableName::DoLo.is_collected_in(year),
        readable_dates: options.readable_dates,
    };
    for i in 0..children {
        g.child(i);
    }
    let mut generated = Generated::default();
    for (tables, out) in [
        (&g.this, &mut generated.this),
        (&g.last, &mut generated.last),
    ] {
        for (index, name) in TableName::ALL.into_iter().enumerate() {
            let rows = tables.rows.get(index).map_or(0, Vec::len);
            if (name == TableName::DoLo && !g.dolo) || (rows == 0 && std::ptr::eq(tables, &g.last))
            {
                continue;
            }
            out.push((name, tables.csv(index, name)));
        }
    }
    generated
}

/// The day an unaccompanied asylum-seeking child's status ends: their 18th birthday (18
/// years of 365 days for someone born on 29 February whose 18th year has none).
fn eighteenth_birthday(dob: NaiveDate) -> NaiveDate {
    dob.with_year(dob.year() + 18)
        .unwrap_or(dob + Duration::days(18 * 365))
}

struct Tables {
    rows: Vec<Vec<Vec<String>>>,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            rows: vec![Vec::new(); TableName::ALL.len()],
        }
    }

    fn push(&mut self, table: TableName, row: Vec<String>) {
        if let Some(rows) = self.rows.get_mut(table.index()) {
            rows.push(row);
        }
    }

    fn csv(&self, index: usize, name: TableName) -> String {
        let mut out = name.columns().join(",");
        out.push('\n');
        for row in self.rows.get(index).into_iter().flatten() {
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }
}

struct Generator {
    rng: ChaCha8Rng,
    /// The stream last year's UASC, PlacedAdoption and Missing rows are drawn from (see
    /// [`Generator::last_year_records`]).
    rng_last: ChaCha8Rng,
    start: NaiveDate,
    end: NaiveDate,
    this: Tables,
    last: Tables,
    dolo: bool,
    readable_dates: bool,
}

/// One generated episode, before it is written.
#[derive(Clone)]
struct Episode {
    decom: NaiveDate,
    dec: Option<NaiveDate>,
    rne: &'static str,
    ls: &'static str,
    cin: &'static str,
    place: &'static str,
    provider: &'static str,
    rec: &'static str,
    reason_change: &'static str,
    home_post: String,
    pl_post: String,
    urn: String,
}

const ETHNIC: &[&str] = &[
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
];
const LS: &[&str] = &[
    "C1", "C2", "C2", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4",
];
const CIN: &[&str] = &["N1", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"];
const PLACE: &[&str] = &[
    "U1", "U2", "U3", "U4", "U5", "U6", "U1", "U3", "U4", "U6", "K2", "R1", "R2", "R3", "R5", "P1",
    "P3", "H5", "S1", "T0", "T1", "T2", "T3", "T4", "A3", "A4", "A5", "A6", "K1", "K3", "Z1",
    "Z11", "Z12", "Z13", "Z14",
];
const PROVIDER: &[&str] = &["PR0", "PR1", "PR1", "PR2", "PR3", "PR4", "PR5"];
const RNE_NEXT: &[&str] = &["P", "L", "T", "B", "U", "P", "P"];
const REC: &[&str] = &[
    "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46", "E47", "E48",
    "E4A", "E4B", "E5", "E6", "E7", "E8", "E9",
];
const REASON_CHANGE: &[&str] = &[
    "ALLEG", "APPRR", "CARPL", "CHILD", "CLOSE", "CREQB", "CREQO", "CUSTOD", "LAREQ", "OTHER",
    "PLACE", "STAND",
];
const REVIEW_CODE: &[&str] = &["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"];
const IN_TOUCH: &[&str] = &["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"];
const ACTIV: &[&str] = &[
    "F1", "P1", "F2", "P2", "F4", "G4", "P4", "F5", "G5", "P5", "G6", "0",
];
const ACCOM: &[&str] = &[
    "B1", "C1", "D1", "E1", "G1", "H1", "K1", "R1", "T1", "U1", "V1", "W1", "Y1", "Z1", "B2", "C2",
    "D2", "E2", "G2", "H2", "K2", "R2", "S2", "T2", "U2", "V2", "W2", "X2", "Y2", "Z2", "0",
];
const SW_REASON: &[&str] = &[
    "ABSENC", "CHCHAN", "FCONTA", "LEFTRL", "MANAGE", "ORGRST", "OTHERS", "PCCHAN", "SWDIED",
    "TSPROC",
];
const JUNK: &[&str] = &["XX", "0", "99", "Z", "N/A", "A1", "A2", "E1", "PN8", "Q1"];

impl Generator {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    fn pick(&mut self, list: &[&'static str]) -> &'static str {
        list.choose(&mut self.rng).copied().unwrap_or("")
    }

    /// A code from `list`, or now and then a wrong one or a blank.
    fn code(&mut self, list: &[&'static str]) -> String {
        if self.chance(ERROR_RATE) {
            if self.chance(0.4) {
                String::new()
            } else {
                self.pick(JUNK).to_owned()
            }
        } else {
            let code = self.pick(list).to_owned();
            if self.chance(0.01) {
                code.to_lowercase()
            } else {
                code
            }
        }
    }

    fn days(&mut self, low: i64, high: i64) -> Duration {
        Duration::days(self.rng.gen_range(low..=high.max(low)))
    }

    /// A date as the files write it, now and then unreadable or blank.
    fn date(&mut self, date: NaiveDate) -> String {
        if !self.readable_dates && self.chance(ERROR_RATE / 3.0) {
            match self.rng.gen_range(0..4) {
                0 => String::new(),
                1 => format!("{}/{}/{}", date.day() + 31, date.month(), date.year()),
                2 => date.format("%Y-%m-%d").to_string(),
                _ => format!("{}/{}/{}", date.day(), date.month(), date.year()),
            }
        } else {
            date.format("%d/%m/%Y").to_string()
        }
    }

    /// A date as [`Generator::date`] writes it, but never one a day-first reader cannot
    /// read (the reference reads some columns that way and raises on such a value,
    /// comparing nothing for the rule).
    fn day_first_date(&mut self, date: NaiveDate) -> String {
        let text = self.date(date);
        if text
            .split('/')
            .next()
            .and_then(|d| d.parse::<u32>().ok())
            .is_some_and(|d| d > 31)
        {
            date.format("%d/%m/%Y").to_string()
        } else {
            text
        }
    }

    fn opt_date(&mut self, date: Option<NaiveDate>) -> String {
        date.map_or_else(String::new, |d| self.date(d))
    }

    fn postcode(&mut self) -> String {
        let letters = ["AB", "B", "CF", "EH", "LS", "M", "NE", "SW", "TN", "YO"];
        let area = letters.choose(&mut self.rng).copied().unwrap_or("M");
        let district = self.rng.gen_range(1..30);
        let sector = self.rng.gen_range(1..9);
        let unit: String = (0..2)
            .map(|_| char::from(b'A' + self.rng.gen_range(0..26u8)))
            .collect();
        format!("{area}{district} {sector}{unit}")
    }

    fn child(&mut self, index: usize) {
        let id = format!("{}", 100_000 + index);
        let age_days = self.rng.gen_range(0..(22 * 365));
        let dob = self.start - Duration::days(age_days) + self.days(0, 200);
        let dob = match dob.pred_opt() {
            Some(eve) if self.readable_dates && dob.month() == 2 && dob.day() == 29 => eve,
            _ => dob,
        };
        let sex = if self.chance(0.5) { "M" } else { "F" };
        let sex = if self.chance(ERROR_RATE) {
            self.pick(&["1", "2", "X", ""])
        } else {
            sex
        };
        let ethnic = self.code(ETHNIC);
        let upn = if self.chance(0.01) {
            String::new()
        } else if self.chance(0.1) {
            self.pick(&["UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"])
                .to_owned()
        } else if self.chance(ERROR_RATE) {
            "A1234".to_owned()
        } else {
            format!("A{:012}", self.rng.gen_range(0..1_000_000_000_000u64))
        };
        let age_years = (self.start - dob).num_days() / 365;
        let (mother, mc_dob) = if sex == "F" && age_years >= 12 && self.chance(0.3) {
            let is_mother = self.chance(0.4);
            let mc = if is_mother || self.chance(ERROR_RATE) {
                let base = dob + Duration::days(13 * 365);
                let mc = base + self.days(0, 8 * 365);
                self.date(mc)
            } else {
                String::new()
            };
            (if is_mother { "1" } else { "0" }.to_owned(), mc)
        } else if self.chance(ERROR_RATE) {
            ("1".to_owned(), String::new())
        } else {
            (String::new(), String::new())
        };
        let dob_text = self.date(dob);

        // Care leavers aged 17 to 21 with no episodes this year appear in OC3 only.
        // (16-year-olds too: they turn 17 during the year; rule 3001.)
        let care_leaver = age_years >= 16 && self.chance(0.25);
        let mut episodes = if care_leaver && self.chance(0.7) {
            Vec::new()
        } else {
            self.episodes(dob)
        };
        // Now and then a care leaver is recorded as having died in care (rule 1000) or
        // moved to another local authority (rule 1011).
        if care_leaver && self.chance(0.3) {
            let rec = self.pick(&["E2", "E3"]);
            if let Some(e) = episodes.last_mut().filter(|e| e.dec.is_some()) {
                e.rec = rec;
            }
        }
        let header_row = vec![
            id.clone(),
            sex.to_owned(),
            dob_text.clone(),
            ethnic.clone(),
            upn.clone(),
            mother.clone(),
            mc_dob.clone(),
        ];
        let in_header = !self.chance(0.005);
        if in_header {
            self.this.push(TableName::Header, header_row.clone());
        }
        let was_in_care_last_year = episodes.first().is_some_and(|e| e.decom < self.start);
        if was_in_care_last_year || (care_leaver && self.chance(0.5)) {
            let mut last_header = header_row;
            if self.chance(0.03) {
                last_header[3] = self.pick(ETHNIC).to_owned();
            }
            if self.chance(0.02) {
                last_header[2] = self.date(dob + Duration::days(1));
            }
            if self.chance(0.01) {
                last_header[1] = if sex == "M" { "F" } else { "M" }.to_owned();
            }
            if self.chance(0.03) {
                // Last year's UPN: unknown, blank or another number (rule 208).
                last_header[4] = self
                    .pick(&["UN1", "UN2", "UN4", "", "A000000000001"])
                    .to_owned();
            }
            if sex == "F" && mother != "1" && age_years >= 12 && self.chance(0.05) {
                last_header[5] = "1".to_owned();
            }
            if mother == "1" && self.chance(0.1) {
                // Not a mother last year, though her child was born before (rule 626).
                last_header[5] = "0".to_owned();
            }
            self.last.push(TableName::Header, last_header);
        }

        for (i, e) in episodes.iter().enumerate() {
            let row = self.episode_row(&id, e, i == 0);
            if !self.chance(0.002) {
                self.this.push(TableName::Episodes, row);
            }
        }
        // Now and then last year's episodes are missing (rule NoE), or a care leaver's
        // episode was still open at the end of last year (rule 1010).
        if !self.chance(0.01) {
            self.last_year_episodes(&id, &episodes);
        }
        if care_leaver && episodes.is_empty() && self.chance(0.1) {
            let decom = self.start - self.days(30, 700);
            let mut row = vec![String::new(); TableName::Episodes.columns().len()];
            row[0] = id.clone();
            row[1] = decom.format("%d/%m/%Y").to_string();
            row[2] = "S".to_owned();
            row[3] = "C2".to_owned();
            row[4] = "N1".to_owned();
            row[5] = "U1".to_owned();
            row[6] = "PR1".to_owned();
            self.last.push(TableName::Episodes, row);
        }

        if care_leaver {
            self.oc3(&id, dob);
        }
        if !episodes.is_empty() {
            self.reviews(&id, dob, &episodes);
            self.missing(&id, dob, &episodes);
            self.sw_episodes(&id, dob, &episodes);
            self.outcomes(&id, dob, &episodes);
            self.adoption(&id, dob, &episodes, care_leaver);
            self.uasc(&id, sex, dob, &episodes);
            if self.dolo {
                self.dolos(&id, dob, &episodes);
            }
        }
        self.last_year_records(&id, sex, dob);
    }

    /// This year's rows of `table` for child `id` (a child's rows are written together,
    /// so they are the last ones).
    fn this_rows(&self, table: TableName, id: &str) -> Vec<Vec<String>> {
        let rows = self
            .this
            .rows
            .get(table.index())
            .map_or(&[][..], Vec::as_slice);
        let mine = rows
            .iter()
            .rev()
            .take_while(|row| row.first().is_some_and(|c| c == id))
            .count();
        rows.get(rows.len() - mine..).unwrap_or(&[]).to_vec()
    }

    /// Last year's UASC, PlacedAdoption and Missing rows of the child, mostly agreeing
    /// with this year's and now and then not (rules 205A–D, 559, 576, 584).
    ///
    /// They are drawn from a second random stream, so that a seed still gives the
    /// tables it gave before these were written.
    fn last_year_records(&mut self, id: &str, sex: &str, dob: NaiveDate) {
        std::mem::swap(&mut self.rng, &mut self.rng_last);
        self.last_uasc(id, sex, dob);
        self.last_placed_adoption(id, dob);
        self.last_missing(id, dob);
        std::mem::swap(&mut self.rng, &mut self.rng_last);
    }

    fn last_uasc(&mut self, id: &str, sex: &str, dob: NaiveDate) {
        let eighteenth = eighteenth_birthday(dob);
        let last_start = self.start - Duration::days(365);
        let duc = if !self.this_rows(TableName::Uasc, id).is_empty() {
            if !self.chance(0.6) {
                // Not UASC last year (rule 205D).
                return;
            }
            if self.chance(0.1) {
                // Last year's date ceased was not the 18th birthday (rule 205B).
                Some(last_start + self.days(0, 364))
            } else if self.chance(0.05) {
                None
            } else {
                Some(eighteenth)
            }
        } else if self.chance(0.005) {
            // UASC last year only: ceased during last year, or not (rule 205A).
            if self.chance(0.5) {
                Some(last_start + self.days(0, 364))
            } else {
                Some(eighteenth)
            }
        } else {
            return;
        };
        let dob_text = self.date(dob);
        let duc_text = self.opt_date(duc);
        self.last.push(
            TableName::Uasc,
            vec![id.to_owned(), sex.to_owned(), dob_text, duc_text],
        );
    }

    fn last_placed_adoption(&mut self, id: &str, dob: NaiveDate) {
        let rows = self.this_rows(TableName::PlacedAdoption, id);
        let Some(placed) = rows
            .first()
            .and_then(|row| row.get(2))
            .and_then(|d| NaiveDate::parse_from_str(d, "%d/%m/%Y").ok())
        else {
            return;
        };
        let (date, ceased) = if placed < self.start {
            if self.chance(0.1) {
                // Not reported last year (rule 559).
                return;
            }
            if self.chance(0.05) {
                // Reversed last year, yet the same decision this year (rule 584).
                (placed, Some(placed + self.days(1, 30)))
            } else {
                (placed, None)
            }
        } else if self.chance(0.1) {
            // An earlier decision, reversed last year, now and then dated on or after
            // this year's (rule 584).
            let earlier = if self.chance(0.3) {
                placed + self.days(0, 30)
            } else {
                placed - self.days(100, 400)
            };
            (earlier, Some(earlier + self.days(1, 60)))
        } else {
            return;
        };
        let reason = match ceased {
            Some(_) => self.code(&["RD1", "RD2", "RD3", "RD4"]),
            None => String::new(),
        };
        let row = vec![
            id.to_owned(),
            self.date(dob),
            self.date(date),
            self.opt_date(ceased),
            reason,
        ];
        self.last.push(TableName::PlacedAdoption, row);
    }

    fn last_missing(&mut self, id: &str, dob: NaiveDate) {
        let rows = self.this_rows(TableName::Missing, id);
        let Some(first) = rows
            .iter()
            .filter_map(|row| row.get(3))
            .filter_map(|d| NaiveDate::parse_from_str(d, "%d/%m/%Y").ok())
            .min()
        else {
            return;
        };
        if self.chance(0.3) {
            // A closed period last year.
            let start = self.start - self.days(20, 300);
            let end = start + self.days(0, 10);
            let row = vec![
                id.to_owned(),
                self.date(dob),
                self.code(&["M", "A"]),
                self.date(start),
                self.date(end),
            ];
            self.last.push(TableName::Missing, row);
        }
        if self.chance(0.4) {
            // Still open on 31 March last year: the same period starts this year's
            // table, or now and then another (rule 576).
            let start = if self.chance(0.2) {
                first - self.days(1, 20)
            } else {
                first
            };
            let row = vec![
                id.to_owned(),
                self.date(dob),
                self.code(&["M", "A"]),
                self.date(start),
                String::new(),
            ];
            self.last.push(TableName::Missing, row);
        }
    }

    fn episodes(&mut self, dob: NaiveDate) -> Vec<Episode> {
        let count = *[1usize, 1, 1, 2, 2, 3, 4, 6]
            .choose(&mut self.rng)
            .unwrap_or(&1);
        let earliest = dob.max(self.start - Duration::days(3 * 365));
        let span = (self.end - earliest).num_days().max(1);
        let mut decom = earliest + self.days(0, span * 2 / 3);
        if self.chance(0.01) {
            decom = dob - self.days(1, 30);
        }
        let home_post = self.postcode();
        let mut out = Vec::with_capacity(count);
        let ls = self.pick(LS);
        let cin = self.pick(CIN);
        for i in 0..count {
            let last = i + 1 == count;
            let length = self.days(1, 400);
            let dec = if last && self.chance(0.5) {
                None
            } else {
                Some(decom + length)
            };
            let dec = dec.filter(|d| *d <= self.end || self.chance(0.02));
            let changes_legal = self.chance(0.3);
            let ls = if changes_legal { self.pick(LS) } else { ls };
            let place = self.pick(PLACE);
            let provider = if matches!(place, "T0" | "T1" | "T2" | "T3" | "T4" | "Z1")
                && !self.chance(ERROR_RATE)
            {
                ""
            } else {
                self.pick(PROVIDER)
            };
            let rec = match dec {
                None => "",
                Some(_) if !last => "X1",
                Some(_) => self.pick(REC),
            };
            let rne = if i == 0 { "S" } else { self.pick(RNE_NEXT) };
            let reason_change = if i > 0 && rne != "L" && !self.chance(ERROR_RATE) {
                if self.chance(ERROR_RATE) {
                    self.pick(&["OTHERS", "XX", "0"])
                } else {
                    self.pick(REASON_CHANGE)
                }
            } else {
                ""
            };
            let urn = if self.chance(0.2) {
                format!("SC{:06}", self.rng.gen_range(0..1_000_000))
            } else if self.chance(0.1) {
                "XXXXXXX".to_owned()
            } else {
                String::new()
            };
            let pl_post = if self.chance(0.9) {
                self.postcode()
            } else {
                String::new()
            };
            out.push(Episode {
                decom,
                dec,
                rne,
                ls,
                cin,
                place,
                provider,
                rec,
                reason_change,
                home_post: home_post.clone(),
                pl_post,
                urn,
            });
            match dec {
                Some(d) if self.chance(0.03) => decom = d + self.days(1, 60),
                Some(d) if self.chance(0.02) => decom = d - self.days(1, 10),
                Some(d) => decom = d,
                None => break,
            }
        }
        out
    }

    /// An episode as written. The first episode's start is always readable: the
    /// reference raises on a child none of whose starts can be read (its `idxmin`), and
    /// would then compare nothing for the rules that look for the first episode.
    fn episode_row(&mut self, id: &str, e: &Episode, first: bool) -> Vec<String> {
        let rne = if self.chance(ERROR_RATE) {
            self.code(&["S", "P", "L", "T", "B", "U"])
        } else {
            e.rne.to_owned()
        };
        let ls = if self.chance(ERROR_RATE) {
            self.code(LS)
        } else {
            e.ls.to_owned()
        };
        let cin = if self.chance(ERROR_RATE) {
            self.code(CIN)
        } else {
            e.cin.to_owned()
        };
        let place = if self.chance(ERROR_RATE) {
            self.code(PLACE)
        } else {
            e.place.to_owned()
        };
        let rec = if self.chance(ERROR_RATE) {
            self.code(REC)
        } else {
            e.rec.to_owned()
        };
        let decom = if first {
            e.decom.format("%d/%m/%Y").to_string()
        } else {
            self.date(e.decom)
        };
        let dec = self.opt_date(e.dec);
        vec![
            id.to_owned(),
            decom,
            rne,
            ls,
            cin,
            place,
            e.provider.to_owned(),
            dec,
            rec,
            e.reason_change.to_owned(),
            e.home_post.clone(),
            e.pl_post.clone(),
            e.urn.clone(),
        ]
    }

    /// Last year's return: the episodes that began before 1 April, as they stood on
    /// 31 March (open ones had no end yet), now and then disagreeing with this year's.
    fn last_year_episodes(&mut self, id: &str, episodes: &[Episode]) {
        let start = self.start;
        let last_end = start - Duration::days(1);
        for e in episodes.iter().filter(|e| e.decom < start) {
            let mut e = e.clone();
            if e.dec.is_some_and(|d| d > last_end) {
                e.dec = None;
                e.rec = "";
            }
            if self.chance(0.05) {
                e.place = self.pick(PLACE);
            }
            if self.chance(0.05) {
                e.ls = self.pick(LS);
            }
            if self.chance(0.02) {
                e.decom += self.days(1, 5);
            }
            let row = vec![
                id.to_owned(),
                e.decom.format("%d/%m/%Y").to_string(),
                e.rne.to_owned(),
                e.ls.to_owned(),
                e.cin.to_owned(),
                e.place.to_owned(),
                e.provider.to_owned(),
                e.dec
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
                e.rec.to_owned(),
                e.reason_change.to_owned(),
                e.home_post.clone(),
                e.pl_post.clone(),
                e.urn.clone(),
            ];
            self.last.push(TableName::Episodes, row);
        }
    }

    fn reviews(&mut self, id: &str, dob: NaiveDate, episodes: &[Episode]) {
        let Some(first) = episodes.first() else {
            return;
        };
        let mut review = first.decom + self.days(15, 40);
        let until = episodes
            .last()
            .and_then(|e| e.dec)
            .unwrap_or(self.end)
            .min(self.end);
        while review <= until && self.chance(0.9) {
            if review >= self.start || self.chance(0.1) {
                let dob_text = self.date(dob);
                let date = self.date(review);
                let age = (review - dob).num_days() / 365;
                let code = if age < 4 && !self.chance(ERROR_RATE) {
                    String::new()
                } else {
                    self.code(REVIEW_CODE)
                };
                self.this.push(
                    TableName::Reviews,
                    vec![id.to_owned(), dob_text, date, code],
                );
            }
            review += self.days(60, 200);
        }
    }

    fn missing(&mut self, id: &str, dob: NaiveDate, episodes: &[Episode]) {
        if !self.chance(0.15) {
            return;
        }
        for _ in 0..self.rng.gen_range(1..4) {
            let Some(e) = episodes.choose(&mut self.rng) else {
                return;
            };
            let start = e.decom + self.days(0, 200);
            let end = if self.chance(0.2) {
                None
            } else {
                Some(start + self.days(0, 10))
            };
            let kind = self.code(&["M", "A"]);
            let dob_text = self.date(dob);
            let start_text = self.date(start);
            let end_text = self.opt_date(end);
            self.this.push(
                TableName::Missing,
                vec![id.to_owned(), dob_text, kind, start_text, end_text],
            );
        }
    }

    fn sw_episodes(&mut self, id: &str, dob: NaiveDate, episodes: &[Episode]) {
        let Some(first) = episodes.first() else {
            return;
        };
        let mut start = first.decom.max(self.start) - self.days(0, 30);
        for i in 0..self.rng.gen_range(1..4) {
            let end = if self.chance(0.4) {
                None
            } else {
                Some(start + self.days(10, 200))
            };
            let sw_id = if self.chance(ERROR_RATE) {
                String::new()
            } else {
                format!("SW{:05}", self.rng.gen_range(0..2000))
            };
            let reason = if end.is_some() {
                self.code(SW_REASON)
            } else {
                String::new()
            };
            let dob_text = self.date(dob);
            let start_text = self.day_first_date(start);
            let end_text = self.opt_date(end);
            self.this.push(
                TableName::SwEpisodes,
                vec![id.to_owned(), dob_text, sw_id, start_text, end_text, reason],
            );
            match end {
                Some(d) if i < 3 => start = d + self.days(0, 2),
                _ => break,
            }
        }
    }

    fn outcomes(&mut self, id: &str, dob: NaiveDate, episodes: &[Episode]) {
        let long = episodes
            .first()
            .is_some_and(|e| e.decom < self.start - Duration::days(365));
        let reported = long && self.chance(0.7);
        if !reported && !self.chance(0.02) {
            return;
        }
        let age = (self.end - dob).num_days() / 365;
        let yes_no = |g: &mut Generator| {
            if g.chance(ERROR_RATE) {
                g.code(&["0", "1"])
            } else {
                g.pick(&["0", "1"]).to_owned()
            }
        };
        // Now and then the SDQ, the conviction item or the health check is left blank
        // where it is required (rules 186, 197B, 543, 545).
        let sdq = if self.chance(0.05) {
            (String::new(), String::new())
        } else if (4..=17).contains(&age) && self.chance(0.7) {
            (self.rng.gen_range(0..41).to_string(), String::new())
        } else {
            (
                String::new(),
                self.code(&["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"]),
            )
        };
        let dob_text = self.date(dob);
        let row = vec![
            id.to_owned(),
            dob_text,
            sdq.0,
            sdq.1,
            if age >= 10 && !self.chance(0.05) {
                yes_no(self)
            } else {
                String::new()
            },
            if self.chance(0.05) {
                String::new()
            } else {
                yes_no(self)
            },
            yes_no(self),
            yes_no(self),
            yes_no(self),
            yes_no(self),
            yes_no(self),
            yes_no(self),
        ];
        self.this.push(TableName::Oc2, row);
    }

    fn oc3(&mut self, id: &str, dob: NaiveDate) {
        let dob_text = self.date(dob);
        let in_touch = self.code(IN_TOUCH);
        let activ = self.code(ACTIV);
        let accom = self.code(ACCOM);
        let row = vec![id.to_owned(), dob_text, in_touch, activ, accom];
        // Now and then a care leaver is reported twice (rule INT34).
        if self.chance(0.01) {
            self.this.push(TableName::Oc3, row.clone());
        }
        self.this.push(TableName::Oc3, row);
    }

    /// Adoption records; `care_leaver` children get one now and then too (rule 134).
    fn adoption(&mut self, id: &str, dob: NaiveDate, episodes: &[Episode], care_leaver: bool) {
        let adopted = episodes.iter().any(|e| matches!(e.rec, "E11" | "E12"));
        let placed = episodes
            .iter()
            .find(|e| matches!(e.place, "A3" | "A4" | "A5" | "A6") || e.ls == "E1");
        if adopted || self.chance(0.005) || care_leaver && self.chance(0.1) {
            // The decision that adoption is in the child's interest: usually the day the
            // child was placed for adoption (rule 523), now and then after it (rule 521).
            let decision = match &placed {
                Some(e) if self.chance(0.9) => {
                    e.decom + self.days(0, 1) * i32::from(self.chance(0.1))
                }
                _ => dob + self.days(30, 700),
            };
            let matched = decision + self.days(0, 300);
            let dob_text = self.date(dob);
            let int = self.date(decision);
            let mat = self.date(matched);
            let foster = self.code(&["0", "1"]);
            let nb = self.code(&["1", "2"]);
            let sex = self.code(&["F1", "M1", "FF", "MF", "MM"]);
            let ls = self.code(&["L0", "L11", "L12", "L2", "L3", "L4"]);
            self.this.push(
                TableName::Ad1,
                vec![id.to_owned(), dob_text, int, mat, foster, nb, sex, ls],
            );
        }
        if let Some(e) = placed.cloned() {
            if self.chance(0.8) {
                let dob_text = self.date(dob);
                // Now and then the decision is dated before the period of care began
                // (rule 1003) or its reversal after the episode ended (rule 117).
                let placed = if self.chance(0.05) {
                    e.decom - self.days(1, 400)
                } else if self.chance(0.05) {
                    // Decided after the child was placed (rule 552).
                    e.decom + self.days(1, 30)
                } else {
                    e.decom
                };
                let date = self.date(placed);
                let (ceased, reason) = if let Some(dec) = e.dec.filter(|_| self.chance(0.5)) {
                    let dec = if self.chance(0.1) {
                        dec + self.days(1, 30)
                    } else {
                        dec
                    };
                    (self.date(dec), self.code(&["RD1", "RD2", "RD3", "RD4"]))
                } else {
                    (String::new(), String::new())
                };
                let row = vec![id.to_owned(), dob_text, date, ceased, reason];
                // Now and then the decision is reported twice (rule 558).
                if self.chance(0.05) {
                    self.this.push(TableName::PlacedAdoption, row.clone());
                }
                self.this.push(TableName::PlacedAdoption, row);
            }
        }
        if episodes.iter().any(|e| e.rne == "S") && self.chance(0.05) {
            let dob_text = self.date(dob);
            let prev = self.code(&["P1", "P2", "P3", "P4", "Z1"]);
            let la = if prev != "Z1" && !prev.is_empty() {
                self.code(&["1", "2", "3"])
            } else {
                String::new()
            };
            let date_perm = if prev.is_empty() || prev == "Z1" {
                String::new()
            } else if self.chance(0.2) {
                format!("ZZ/ZZ/{}", dob.year() + 2)
            } else {
                let d = dob + self.days(100, 1500);
                self.date(d)
            };
            self.this.push(
                TableName::PrevPerm,
                vec![id.to_owned(), dob_text, prev, la, date_perm],
            );
        }
    }

    fn uasc(&mut self, id: &str, sex: &str, dob: NaiveDate, episodes: &[Episode]) {
        let asylum = episodes.iter().any(|e| e.cin == "N7") || self.chance(0.01);
        if !asylum || !self.chance(0.6) {
            return;
        }
        let duc = eighteenth_birthday(dob);
        let duc = if self.chance(ERROR_RATE) {
            duc + self.days(1, 50)
        } else {
            duc
        };
        let dob_text = self.date(dob);
        let duc_text = self.date(duc);
        let row = vec![id.to_owned(), sex.to_owned(), dob_text, duc_text];
        // Now and then a child is in UASC twice (rules INT36, 303).
        if self.chance(0.03) {
            self.this.push(TableName::Uasc, row.clone());
        }
        self.this.push(TableName::Uasc, row);
    }

    fn dolos(&mut self, id: &str, dob: NaiveDate, episodes: &[Episode]) {
        if !self.chance(0.05) {
            return;
        }
        let Some(e) = episodes.choose(&mut self.rng) else {
            return;
        };
        let start = e.decom + self.days(0, 100);
        let end = if self.chance(0.4) {
            None
        } else {
            Some(start + self.days(1, 120))
        };
        let dob_text = self.date(dob);
        let start_text = self.date(start);
        let end_text = self.opt_date(end);
        self.this.push(
            TableName::DoLo,
            vec![id.to_owned(), dob_text, start_text, end_text.clone()],
        );
        // Now and then a second DoLO starts before the first has ended (rule 705).
        if self.chance(0.2) {
            let second = start + self.days(1, 60);
            let second_end = second + self.days(1, 90);
            let row = vec![
                id.to_owned(),
                self.date(dob),
                self.date(second),
                self.date(second_end),
            ];
            self.this.push(TableName::DoLo, row);
        }
        if start < self.start && self.chance(0.5) {
            // Now and then last year's start disagrees with this year's (rule 706).
            let last_start = if self.chance(0.1) {
                start - self.days(1, 20)
            } else {
                start
            };
            let row = vec![
                id.to_owned(),
                self.date(dob),
                self.date(last_start),
                String::new(),
            ];
            self.last.push(TableName::DoLo, row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssda903::{validate, Return, Source};

    fn sources(files: &[(TableName, String)]) -> Vec<Source> {
        files
            .iter()
            .map(|(name, csv)| Source {
                name: format!("{name}.csv"),
                content: csv.clone().into_bytes(),
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_return() {
        let year = "2026-27".parse().unwrap();
        let a = generate(year, 50, 7);
        let b = generate(year, 50, 7);
        assert_eq!(a.this, b.this);
        assert_ne!(a.this, generate(year, 50, 8).this);
    }

    #[test]
    fn a_generated_return_reads_back_and_fires_rules() {
        let year = "2026-27".parse().unwrap();
        let generated = generate(year, 300, 1);
        let ret =
            Return::parse(year, &sources(&generated.this), &sources(&generated.last)).unwrap();
        assert!(ret.table(TableName::Header).unwrap().len() > 250);
        assert!(validate(&ret).any_flagged());
    }
}
