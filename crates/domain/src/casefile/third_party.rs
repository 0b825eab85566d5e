//! # Third-party information in a subject access bundle
//!
//! A child (or someone acting for them) may ask for a copy of everything held about
//! them (UK GDPR article 15, a *subject access request*). A children's social care
//! record is full of other people: parents, siblings, partners, neighbours, teachers,
//! the person who made the referral. Their information is not the requester's to have
//! unless they consent or it is reasonable to disclose without it (Data Protection Act
//! 2018, schedule 2 paragraphs 16–17), so the information governance lead reviews every
//! passage that may be about someone else before the bundle is released.
//!
//! This module finds those passages in free text so that none is missed. It flags, with
//! the reason for each:
//!
//! - **names**: capitalised name-like words that are not among the child's own names
//!   (current, previous, aliases), whole runs such as "Daniel Okafor", with a title
//!   ("Mrs Patel") however they stand; a word at the start of a sentence only when the
//!   same word is used as a name elsewhere in the text, follows a title, or is a name of
//!   another child known to Carebridge (those are flagged as such, whatever their place);
//! - **relationships**: words that refer to relatives and other people in the child's
//!   life (mother, stepdad, brother, partner, neighbour, lodger, ...);
//! - **professionals**: references to other professionals (teacher, GP, health visitor,
//!   police officer, solicitor, ...), whose views and details may be theirs;
//! - **contact details**: UK telephone numbers, email addresses, and postcodes other than
//!   the child's own.
//!
//! It errs towards flagging: a false flag costs the reviewer a glance, a missed one a
//! disclosure. Items that are about someone else by their nature (who made a referral,
//! who recorded a note, the access log's staff names) are flagged by the bundle itself,
//! not from text.
//!
//! Pure: the caller hands in what is known ([`Known`]); offsets are byte offsets into
//! the text, always on character boundaries.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::identifiers::Postcode;
use crate::search::words;

/// Why a passage is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// A name that is not the child's.
    Name,
    /// The name of another child known to Carebridge.
    OtherChild,
    /// A relative or other person in the child's life.
    Relationship,
    /// Another professional.
    Professional,
    /// A telephone number.
    Phone,
    /// An email address.
    Email,
    /// A postcode other than the child's own.
    Postcode,
    /// Who made a contact or referral.
    Referrer,
    /// The member of staff who recorded the entry.
    Author,
    /// The staff named in the record's access log.
    AccessLog,
}

impl FlagKind {
    /// The stable code (JSON and the page's filter).
    pub fn code(self) -> &'static str {
        match self {
            FlagKind::Name => "name",
            FlagKind::OtherChild => "other-child",
            FlagKind::Relationship => "relationship",
            FlagKind::Professional => "professional",
            FlagKind::Phone => "phone",
            FlagKind::Email => "email",
            FlagKind::Postcode => "postcode",
            FlagKind::Referrer => "referrer",
            FlagKind::Author => "author",
            FlagKind::AccessLog => "access-log",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Name => "Name of another person",
            FlagKind::OtherChild => "Name of another child",
            FlagKind::Relationship => "Relative or other person",
            FlagKind::Professional => "Another professional",
            FlagKind::Phone => "Telephone number",
            FlagKind::Email => "Email address",
            FlagKind::Postcode => "Postcode",
            FlagKind::Referrer => "Who made the referral",
            FlagKind::Author => "Member of staff",
            FlagKind::AccessLog => "Staff in the access log",
        }
    }
}

/// A passage of text that may be about someone other than the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Why.
    pub kind: FlagKind,
    /// Where it starts (byte offset, on a character boundary).
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
    /// The passage.
    pub text: String,
    /// The reason in words, for the reviewer.
    pub reason: String,
}

/// What the detector knows: the child's own names and details (never flagged) and the
/// names of other children known to Carebridge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    own_names: BTreeSet<String>,
    own_postcodes: BTreeSet<String>,
    own_numbers: BTreeSet<String>,
    other_children: BTreeSet<String>,
}

impl Known {
    /// Nothing known.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a name of the child (every word of it).
    pub fn own_name(&mut self, name: &str) -> &mut Self {
        self.own_names.extend(words(name));
        self
    }

    /// Adds one of the child's postcodes.
    pub fn own_postcode(&mut self, postcode: &Postcode) -> &mut Self {
        self.own_postcodes.insert(postcode.compact());
        self
    }

    /// Adds one of the child's numbers (NHS number, ...): digits only are compared.
    pub fn own_number(&mut self, number: &str) -> &mut Self {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            self.own_numbers.insert(digits);
        }
        self
    }

    /// Adds a name word of another child (as [`words`] folds it).
    pub fn other_child_word(&mut self, word: &str) -> &mut Self {
        self.other_children.extend(words(word));
        self
    }

    fn is_own(&self, word: &str) -> bool {
        let folded = words(word);
        !folded.is_empty() && folded.iter().all(|w| self.own_names.contains(w))
    }

    fn is_other_child(&self, word: &str) -> bool {
        let folded = words(word);
        !folded.is_empty()
            && folded.iter().all(|w| self.other_children.contains(w))
            && !self.is_own(word)
    }
}

/// The name-like words of `text` (capitalised, folded as the search index folds them),
/// for looking up which are names of other children.
pub fn name_candidates(text: &str) -> BTreeSet<String> {
    tokens(text)
        .iter()
        .filter(|t| t.capitalised)
        .flat_map(|t| words(t.word(text)))
        .collect()
}

/// Words that are capitalised in notes without being names (lower case).
const NOT_NAMES: &[&str] = &[
    "a",
    "about",
    "after",
    "afterwards",
    "again",
    "agreed",
    "all",
    "also",
    "although",
    "an",
    "and",
    "any",
    "april",
    "are",
    "as",
    "at",
    "august",
    "because",
    "before",
    "both",
    "but",
    "by",
    "can",
    "christmas",
    "could",
    "daily",
    "december",
    "did",
    "do",
    "does",
    "due",
    "during",
    "each",
    "easter",
    "english",
    "every",
    "february",
    "for",
    "friday",
    "from",
    "further",
    "going",
    "good",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "january",
    "july",
    "june",
    "later",
    "march",
    "may",
    "monday",
    "more",
    "most",
    "much",
    "my",
    "next",
    "no",
    "not",
    "november",
    "now",
    "october",
    "of",
    "on",
    "once",
    "one",
    "or",
    "our",
    "overall",
    "please",
    "plan",
    "saturday",
    "september",
    "she",
    "since",
    "so",
    "some",
    "sunday",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "thursday",
    "to",
    "today",
    "tomorrow",
    "tuesday",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "was",
    "we",
    "wednesday",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "within",
    "would",
    "yes",
    "yesterday",
    "you",
    "your",
    "ok",
    "okay",
    "child",
    "children",
    "young",
    "person",
    "home",
    "school",
    "visit",
    "visited",
    "meeting",
    "review",
    "contact",
    "referral",
    "assessment",
    "strategy",
    "conference",
    "council",
    "trust",
    "service",
    "services",
    "team",
    "court",
    "police",
    "hospital",
    "centre",
    "center",
    "nursery",
    "academy",
    "college",
    "primary",
    "secondary",
    "high",
    "infant",
    "junior",
    "surgery",
    "practice",
    "road",
    "street",
    "avenue",
    "lane",
    "close",
    "drive",
    "way",
    "house",
    "flat",
    "ward",
    "unit",
    "department",
    "local",
    "authority",
    "northmoor",
    "england",
    "uk",
    "nhs",
];

/// Words that make a capitalised run a place or organisation, not a person.
const PLACE_WORDS: &[&str] = &[
    "school",
    "academy",
    "college",
    "council",
    "trust",
    "service",
    "services",
    "team",
    "court",
    "hospital",
    "centre",
    "center",
    "nursery",
    "surgery",
    "practice",
    "road",
    "street",
    "avenue",
    "lane",
    "close",
    "drive",
    "way",
    "house",
    "ward",
    "unit",
    "department",
    "police",
    "station",
    "church",
    "mosque",
    "temple",
    "library",
    "park",
    "estate",
];

/// Titles that come before a name.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"];

/// Relatives and other people in the child's life (lower case; phrases of two words).
const RELATIONSHIPS: &[&str] = &[
    "mother",
    "mum",
    "mummy",
    "mom",
    "father",
    "dad",
    "daddy",
    "stepmother",
    "stepmum",
    "step-mum",
    "stepfather",
    "stepdad",
    "step-dad",
    "step-father",
    "step-mother",
    "parent",
    "parents",
    "step-parent",
    "brother",
    "brothers",
    "sister",
    "sisters",
    "sibling",
    "siblings",
    "half-brother",
    "half-sister",
    "stepbrother",
    "stepsister",
    "grandmother",
    "grandma",
    "gran",
    "granny",
    "nan",
    "nana",
    "nanna",
    "grandfather",
    "grandad",
    "granddad",
    "grandpa",
    "grandparent",
    "grandparents",
    "aunt",
    "auntie",
    "aunty",
    "uncle",
    "cousin",
    "cousins",
    "niece",
    "nephew",
    "partner",
    "ex-partner",
    "boyfriend",
    "girlfriend",
    "husband",
    "wife",
    "ex-husband",
    "ex-wife",
    "fiance",
    "fiancee",
    "neighbour",
    "neighbours",
    "neighbor",
    "friend",
    "friends",
    "lodger",
    "relative",
    "relatives",
    "carer",
    "carers",
    "family friend",
    "foster carer",
    "foster carers",
    "foster mum",
    "foster dad",
    "birth mother",
    "birth father",
    "birth parents",
];

/// Other professionals (lower case; phrases of two words).
const PROFESSIONALS: &[&str] = &[
    "teacher",
    "headteacher",
    "head teacher",
    "deputy head",
    "teaching assistant",
    "senco",
    "gp",
    "doctor",
    "nurse",
    "school nurse",
    "health visitor",
    "midwife",
    "paediatrician",
    "psychiatrist",
    "psychologist",
    "therapist",
    "counsellor",
    "camhs",
    "dentist",
    "police",
    "police officer",
    "officer",
    "detective",
    "solicitor",
    "barrister",
    "guardian",
    "cafcass",
    "iro",
    "youth worker",
    "support worker",
    "key worker",
    "family support worker",
    "housing officer",
    "probation officer",
    "childminder",
    "landlord",
    "interpreter",
];

/// A word of the text: its byte range and what the detector needs to know about it.
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    /// Starts with an upper-case letter and has a lower-case one (not an acronym).
    capitalised: bool,
    /// The first word of a sentence (or of the text, or of a line).
    sentence_start: bool,
    /// Only whitespace (no line break) between this word and the next.
    joined_to_next: bool,
}

impl Token {
    fn word<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '\'' | '’' | '-')
}

/// The words of `text`: letters with inner apostrophes and hyphens ("O'Brien",
/// "step-dad"); a possessive "'s" is left out of the word.
fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut sentence_start = true;
    while let Some((i, c)) = chars.next() {
        if !c.is_alphabetic() {
            if matches!(c, '.' | '!' | '?' | '\n' | ':' | ';' | '•') {
                sentence_start = true;
            } else if !c.is_whitespace() && !matches!(c, '"' | '(' | '“' | '‘' | '-' | '*') {
                sentence_start = false;
            }
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if !is_word_char(d) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        // Trailing apostrophes and hyphens are not part of the word; nor is "'s".
        let mut word = &text[start..end];
        loop {
            let trimmed = word.trim_end_matches(['\'', '’', '-']);
            let trimmed = trimmed
                .strip_suffix("'s")
                .or_else(|| trimmed.strip_suffix("’s"))
                .unwrap_or(trimmed);
            if trimmed.len() == word.len() {
                break;
            }
            word = trimmed;
        }
        if word.is_empty() {
            continue;
        }
        let end = start + word.len();
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        let capitalised =
            letters.next().is_some_and(char::is_uppercase) && word.chars().any(char::is_lowercase);
        out.push(Token {
            start,
            end,
            capitalised,
            sentence_start,
            joined_to_next: false,
        });
        sentence_start = false;
    }
    for k in 1..out.len() {
        let gap = text.get(out[k - 1].end..out[k].start).unwrap_or("");
        // "Dr. Hughes" is one name; "Okafor. Leon" is two sentences.
        let title = TITLES.contains(&lower(out[k - 1].word(text)).as_str());
        out[k - 1].joined_to_next = gap == " " || (gap == ". " && title);
    }
    out
}

fn lower(word: &str) -> String {
    word.to_lowercase()
}

/// Flags every passage of `text` that may be about someone other than the child, in
/// order, none overlapping another.
pub fn find_third_party(text: &str, known: &Known) -> Vec<Flag> {
    let mut flags: Vec<Flag> = Vec::new();
    flags.extend(emails(text));
    flags.extend(phones(text, known));
    let toks = tokens(text);
    flags.extend(postcodes(text, &toks, known));
    let covered =
        |flags: &[Flag], t: &Token| flags.iter().any(|f| f.start < t.end && t.start < f.end);

    // Phrases first (two words), then single words, for relationships and professionals.
    let mut used = vec![false; toks.len()];
    for (i, t) in toks.iter().enumerate() {
        if used[i] || covered(&flags, t) {
            continue;
        }
        let one = lower(t.word(text));
        let two = toks
            .get(i + 1)
            .filter(|n| text.get(t.end..n.start).is_some_and(|g| g == " "))
            .map(|n| (n, format!("{one} {}", lower(n.word(text)))));
        let mut found = None;
        if let Some((n, phrase)) = &two {
            if let Some(kind) = relation_kind(phrase) {
                found = Some((kind, n.end, 2));
            }
        }
        if found.is_none() {
            if let Some(kind) = relation_kind(&one) {
                found = Some((kind, t.end, 1));
            }
        }
        if let Some((kind, end, n)) = found {
            for u in used.iter_mut().skip(i).take(n) {
                *u = true;
            }
            let passage = text.get(t.start..end).unwrap_or("");
            let reason = match kind {
                FlagKind::Relationship => format!(
                    "refers to the child's {}: information about them may be theirs, not the child's",
                    passage.to_lowercase()
                ),
                _ => format!(
                    "refers to a {}: their views and details may be theirs, not the child's",
                    passage.to_lowercase()
                ),
            };
            flags.push(Flag {
                kind,
                start: t.start,
                end,
                text: passage.to_owned(),
                reason,
            });
        }
    }
    flags.extend(names(text, &toks, &used, known, &flags));
    settle(flags)
}

fn relation_kind(phrase: &str) -> Option<FlagKind> {
    if RELATIONSHIPS.contains(&phrase) {
        Some(FlagKind::Relationship)
    } else if PROFESSIONALS.contains(&phrase) {
        Some(FlagKind::Professional)
    } else {
        None
    }
}

/// Sorts flags by position and keeps the first of any that overlap (the detectors run
/// most specific first: contact details, then relationships, then names).
fn settle(mut flags: Vec<Flag>) -> Vec<Flag> {
    // Stable order of precedence: earlier-found wins on overlap.
    let mut kept: Vec<Flag> = Vec::with_capacity(flags.len());
    for f in flags.drain(..) {
        if f.start < f.end && !kept.iter().any(|k| k.start < f.end && f.start < k.end) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|a| (a.start, a.end));
    kept
}

fn names(text: &str, toks: &[Token], used: &[bool], known: &Known, flags: &[Flag]) -> Vec<Flag> {
    let covered = |t: &Token| flags.iter().any(|f| f.start < t.end && t.start < f.end);
    let is_title = |t: &Token| TITLES.contains(&lower(t.word(text)).trim_end_matches('.'));
    let after_title = |i: usize| i > 0 && is_title(&toks[i - 1]) && toks[i - 1].joined_to_next;
    // A word that is plainly a name somewhere in the text (mid-sentence, capitalised, not
    // a common word) is a name at the start of a sentence too.
    let plain = |t: &Token| {
        t.capitalised
            && !NOT_NAMES.contains(&lower(t.word(text)).as_str())
            && !TITLES.contains(&lower(t.word(text)).as_str())
    };
    let used_as_name: BTreeSet<String> = toks
        .iter()
        .enumerate()
        .filter(|(i, t)| !t.sentence_start && !used[*i] && plain(t) && !known.is_own(t.word(text)))
        .map(|(_, t)| lower(t.word(text)))
        .collect();
    let nameish = |i: usize| {
        let t = &toks[i];
        if used[i] || covered(t) || !t.capitalised || known.is_own(t.word(text)) {
            return false;
        }
        if known.is_other_child(t.word(text)) || after_title(i) {
            return true;
        }
        plain(t) && (!t.sentence_start || used_as_name.contains(&lower(t.word(text))))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !nameish(i) {
            i += 1;
            continue;
        }
        // The run of name words, with a title before it.
        let first = if after_title(i) { i - 1 } else { i };
        let mut last = i;
        while last + 1 < toks.len() && toks[last].joined_to_next && nameish(last + 1) {
            last += 1;
        }
        let run = &toks[first..=last];
        let place = run
            .iter()
            .any(|t| PLACE_WORDS.contains(&lower(t.word(text)).as_str()))
            || toks
                .get(last + 1)
                .filter(|_| toks[last].joined_to_next)
                .is_some_and(|n| PLACE_WORDS.contains(&lower(n.word(text)).as_str()));
        if !place {
            let (start, end) = (toks[first].start, toks[last].end);
            let passage = text.get(start..end).unwrap_or("").to_owned();
            let other_child = run.iter().any(|t| known.is_other_child(t.word(text)));
            let (kind, reason) = if other_child {
                (
                    FlagKind::OtherChild,
                    "the name of another child known to Carebridge".to_owned(),
                )
            } else if first < i {
                (
                    FlagKind::Name,
                    "a title and name of another person".to_owned(),
                )
            } else {
                (
                    FlagKind::Name,
                    "a name that is not one of the child's own names".to_owned(),
                )
            };
            out.push(Flag {
                kind,
                start,
                end,
                text: passage,
                reason,
            });
        }
        i = last + 1;
    }
    out
}

fn emails(text: &str) -> Vec<Flag> {
    let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    let mut out: Vec<Flag> = Vec::new();
    for (at, _) in text.match_indices('@') {
        if out.iter().any(|f| f.start <= at && at < f.end) {
            continue;
        }
        let before = &text[..at];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let after = &text[at + 1..];
        let len = after
            .char_indices()
            .take_while(|(_, c)| domain(*c))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let host = after[..len].trim_end_matches(['.', '-']);
        let tld_ok = host.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
        let start = start + text[start..at].len() - text[start..at].trim_start_matches('.').len();
        if start < at && tld_ok {
            let end = at + 1 + host.len();
            out.push(Flag {
                kind: FlagKind::Email,
                start,
                end,
                text: text[start..end].to_owned(),
                reason: "an email address: whose is it?".to_owned(),
            });
        }
    }
    out
}

/// UK telephone numbers: 0 and 9–10 more digits, or +44 and 9–10 digits, in groups
/// separated by single spaces or hyphens, or with the area code in brackets.
fn phones(text: &str, known: &Known) -> Vec<Flag> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'+';
        let starts =
            (c == b'0' || c == b'+' || (c == b'(' && bytes.get(i + 1) == Some(&b'0'))) && boundary;
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = String::new();
        let mut last_digit_end = i;
        while j < bytes.len() {
            let b = bytes[j];
            if b.is_ascii_digit() {
                digits.push(char::from(b));
                last_digit_end = j + 1;
            } else if matches!(b, b' ' | b'-' | b'(' | b')') || (b == b'+' && j == i) {
                // A separator must sit between digits (one at a time).
                if j > i && matches!(bytes[j - 1], b' ' | b'-') && matches!(b, b' ' | b'-') {
                    break;
                }
            } else {
                break;
            }
            if digits.len() > 13 {
                break;
            }
            j += 1;
        }
        let national = if let Some(rest) = digits.strip_prefix("44").filter(|_| c == b'+') {
            rest.to_owned()
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest.to_owned()
        } else {
            String::new()
        };
        let followed_by_digit = bytes.get(last_digit_end).is_some_and(u8::is_ascii_digit);
        let ok = (9..=10).contains(&national.len())
            && !followed_by_digit
            && digits.len() <= 13
            && !known.own_numbers.contains(&digits);
        if ok {
            let start = i;
            let end = last_digit_end;
            out.push(Flag {
                kind: FlagKind::Phone,
                start,
                end,
                text: text[start..end].to_owned(),
                reason: "a telephone number: whose is it?".to_owned(),
            });
            i = end;
        } else {
            i = last_digit_end.max(i + 1);
        }
        // Never stop inside a multi-byte character.
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}

fn postcodes(text: &str, toks: &[Token], known: &Known) -> Vec<Flag> {
    // Postcode parts are runs of ASCII letters and digits; the word tokens do not keep
    // digits, so these are read separately.
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                parts.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    let _ = toks;
    let mut out: Vec<Flag> = Vec::new();
    let mut k = 0;
    while k < parts.len() {
        let (s, e) = parts[k];
        let joined = parts
            .get(k + 1)
            .filter(|(ns, _)| text.get(e..*ns) == Some(" "))
            .map(|(_, ne)| (s, *ne));
        let mut found = None;
        for (cs, ce) in joined.into_iter().chain(std::iter::once((s, e))) {
            let candidate = &text[cs..ce];
            let has_digit = candidate.chars().any(|c| c.is_ascii_digit());
            let has_upper = candidate.chars().any(|c| c.is_ascii_uppercase());
            if !(5..=8).contains(&candidate.len()) || !has_digit || !has_upper {
                continue;
            }
            if let Ok(p) = Postcode::parse(candidate) {
                found = Some((cs, ce, p));
                break;
            }
        }
        match found {
            Some((cs, ce, p)) => {
                if !known.own_postcodes.contains(&p.compact()) {
                    out.push(Flag {
                        kind: FlagKind::Postcode,
                        start: cs,
                        end: ce,
                        text: text[cs..ce].to_owned(),
                        reason: "a postcode that is not one of the child's addresses: whose is it?"
                            .to_owned(),
                    });
                }
                k += if ce > e { 2 } else { 1 };
            }
            None => k += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn known() -> Known {
        let mut k = Known::new();
        k.own_name("Kayden Ashworth")
            .own_name("Kayden Brooks")
            .own_postcode(&Postcode::parse("NM1 2AB").unwrap())
            .own_number("999 000 0018")
            .other_child_word("Tyler")
            .other_child_word("Fairclough");
        k
    }

    fn kinds(text: &str) -> Vec<(FlagKind, String)> {
        find_third_party(text, &known())
            .into_iter()
            .map(|f| (f.kind, f.text))
            .collect()
    }

    #[test]
    fn names_of_other_people_are_flagged_and_the_childs_own_are_not() {
        let found =
            kinds("Kayden said Daniel Okafor stays most weekends. Kayden Brooks is his old name.");
        assert_eq!(found, vec![(FlagKind::Name, "Daniel Okafor".into())]);
        // A title makes a name of the word after it, even at the start of a sentence.
        let found = kinds("Mrs Patel next door called. Spoke to Dr. Hughes.");
        assert_eq!(
            found,
            vec![
                (FlagKind::Name, "Mrs Patel".into()),
                (FlagKind::Name, "Dr. Hughes".into())
            ]
        );
    }

    #[test]
    fn a_word_at_the_start_of_a_sentence_is_a_name_only_when_used_as_one() {
        // "Discussed" starts a sentence and is not a name; "Leon" is, because the text
        // also uses it mid-sentence.
        let found = kinds("Discussed school. Leon was there. Kayden likes Leon.");
        assert_eq!(
            found,
            vec![
                (FlagKind::Name, "Leon".into()),
                (FlagKind::Name, "Leon".into())
            ]
        );
        assert!(kinds("Visited at home. Agreed the plan.").is_empty());
    }

    #[test]
    fn other_children_known_to_carebridge_are_named_as_such() {
        let found = kinds("Tyler came round. Kayden plays with Tyler Fairclough.");
        assert_eq!(
            found,
            vec![
                (FlagKind::OtherChild, "Tyler".into()),
                (FlagKind::OtherChild, "Tyler Fairclough".into())
            ]
        );
    }

    #[test]
    fn relatives_and_professionals_are_flagged() {
        let found =
            kinds("Her mother and step-dad argued; the health visitor and the teacher were told.");
        assert_eq!(
            found,
            vec![
                (FlagKind::Relationship, "mother".into()),
                (FlagKind::Relationship, "step-dad".into()),
                (FlagKind::Professional, "health visitor".into()),
                (FlagKind::Professional, "teacher".into()),
            ]
        );
        let f = find_third_party("Mum's partner left.", &known());
        assert_eq!(f[0].text, "Mum");
        assert!(f[0].reason.contains("mum"));
        assert_eq!(f[1].text, "partner");
    }

    #[test]
    fn places_and_organisations_are_not_names() {
        assert!(kinds("Kayden goes to Northmoor Primary School and Hillside Academy.").is_empty());
        assert!(kinds("Seen at Kestrel Road on Monday in January.").is_empty());
    }

    #[test]
    fn contact_details_are_flagged_and_the_childs_own_are_not() {
        let found = kinds(
            "Call 07700 900123 or (0161) 496-0000 or +44 20 7946 0958; email dan.o@example.org. Lives at NM1 2AB, moved to NM9 7XY.",
        );
        assert_eq!(
            found,
            vec![
                (FlagKind::Phone, "07700 900123".into()),
                (FlagKind::Phone, "(0161) 496-0000".into()),
                (FlagKind::Phone, "+44 20 7946 0958".into()),
                (FlagKind::Email, "dan.o@example.org".into()),
                (FlagKind::Postcode, "NM9 7XY".into()),
            ]
        );
        // The child's own NHS number, a date and a short number are not telephone numbers.
        assert!(kinds("NHS 999 000 0018, seen 01/02/2024, room 0123.").is_empty());
    }

    #[test]
    fn every_flag_says_why_and_points_at_its_text() {
        let text = "Ms Jones (mother's friend) rang from 07700 900456 about Tyler.";
        for f in find_third_party(text, &known()) {
            assert_eq!(&text[f.start..f.end], f.text);
            assert!(!f.reason.is_empty());
        }
    }

    #[test]
    fn name_candidates_are_the_capitalised_words_folded() {
        let c = name_candidates("saw José O'Neil and tyler at Home");
        assert!(c.contains("jose") && c.contains("oneil") && c.contains("home"));
        assert!(!c.contains("tyler") && !c.contains("saw"));
    }

    proptest! {
        #[test]
        fn never_panics_and_flags_lie_on_boundaries_in_order(text in "\\PC{0,200}") {
            let flags = find_third_party(&text, &known());
            let mut last_end = 0;
            for f in &flags {
                prop_assert!(f.start < f.end && f.end <= text.len());
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                prop_assert_eq!(&text[f.start..f.end], f.text.as_str());
                prop_assert!(f.start >= last_end, "overlapping flags {:?}", flags);
                last_end = f.end;
            }
            // Stable: the same text and knowledge give the same flags.
            prop_assert_eq!(&flags, &find_third_party(&text, &known()));
            let _ = name_candidates(&text);
        }

        #[test]
        fn never_panics_on_note_like_text(
            parts in prop::collection::vec(prop::sample::select(vec![
                "Mrs", "Daniel", "mother", "07700", "900123", "+44", "(0", "NM1", "2AB", "@", "a@b.co",
                ".", " ", "\n", "'s", "-", "é", "Ω", "Tyler", "Police", "Station", "0", "44",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            let flags = find_third_party(&text, &known());
            for f in &flags {
                prop_assert_eq!(&text[f.start..f.end], f.text.as_str());
            }
            prop_assert_eq!(&flags, &find_third_party(&text, &known()));
        }
    }
}
