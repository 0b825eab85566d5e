//! Finding a person from one search box: what a query means, the keys a person is
//! indexed under, and how a found name ranks.
//!
//! The technique (see "Decisions" in `docs/ARCHITECTURE.md`): every name a child has or
//! had is indexed under keys computed here, in Rust, and stored in one key table that
//! both backends index the same way, so SQLite and PostgreSQL find exactly the same
//! people. For each word of a name there are three keys:
//!
//! - `w:` the word itself, lower case, letters only (exact);
//! - `p:` its Double Metaphone codes, primary and alternate (phonetic: "Smyth" and
//!   "Smith" share no trigram but both sound `SM0`; "Jon" and "John" are both `JN`);
//! - `f:` its first three letters (fuzzy: catches typos that change how a word sounds,
//!   such as "Smiht", which Jaro–Winkler similarity then ranks).
//!
//! A name's words are also keyed in pairs (`W:`, `P:`, `F:` with two words), so that a
//! query of two words is one index range lookup, however common each word is alone.
//!
//! Identifiers are keys too (`nhs:`, `upn:`, `pc:` for every postcode in the address
//! history). A search tries the exact keys, then the phonetic, then the fuzzy ones, each
//! scoped by the policy in the same SQL, and stops as soon as it has enough: results
//! rank exact before phonetic before fuzzy, then by Jaro–Winkler similarity.

use chrono::NaiveDate;
use rphonetic::DoubleMetaphone;

use crate::identifiers::{NhsNumber, Postcode, Upn};

/// How well a name matched a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchTier {
    /// Every word of the query is a word of the name (or an identifier matched).
    Exact,
    /// Every word sounds like a word of the name.
    Phonetic,
    /// Every word is close to a word of the name.
    Fuzzy,
}

impl MatchTier {
    /// In words, for the results list.
    pub fn label(self) -> &'static str {
        match self {
            MatchTier::Exact => "Exact match",
            MatchTier::Phonetic => "Sounds like",
            MatchTier::Fuzzy => "Similar spelling",
        }
    }
}

/// The lowest Jaro–Winkler similarity a fuzzy word match may have.
pub const FUZZY_THRESHOLD: f64 = 0.85;
/// The most words of a name query that are used (a longer query is cut).
pub const MAX_NAME_WORDS: usize = 4;

/// Folds a name into its search words: lower case ASCII letters, common accented
/// letters folded ("José" → "jose"), apostrophes dropped ("O'Neil" → "oneil"), split on
/// anything else ("Smith-Jones" → "smith", "jones").
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let folded = fold(c);
        match folded {
            Some(f) => current.push(f),
            None if matches!(c, '\'' | '’' | '`') => {}
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A letter folded to lower-case ASCII, or None for anything that is not a letter.
fn fold(c: char) -> Option<char> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase());
    }
    let folded = match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' | 'ļ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' | 'ŕ' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => return None,
    };
    Some(folded)
}

/// The Double Metaphone codes of a word (primary, then alternate when it differs).
///
/// `rphonetic` is a maintained port of Apache commons-codec's Double Metaphone; it is
/// handed only the ASCII letters [`words`] produces.
pub fn phonetic(word: &str) -> Vec<String> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Vec::new();
    }
    let encoder = DoubleMetaphone::default();
    let result = encoder.double_metaphone(word);
    let mut codes = vec![result.primary()];
    let alternate = result.alternate();
    if !alternate.is_empty() && alternate != codes[0] {
        codes.push(alternate);
    }
    codes.retain(|c| !c.is_empty());
    codes
}

/// The fuzzy key of a word: its first three letters (shorter words have none).
fn prefix(word: &str) -> Option<&str> {
    word.get(..3).filter(|_| word.len() > 3)
}

/// The keys of one word, for the given tier and those above it.
pub fn word_keys(word: &str, tier: MatchTier) -> Vec<String> {
    let mut keys = vec![format!("w:{word}")];
    if tier >= MatchTier::Phonetic {
        keys.extend(phonetic(word).into_iter().map(|p| format!("p:{p}")));
    }
    if tier >= MatchTier::Fuzzy {
        keys.extend(prefix(word).map(|p| format!("f:{p}")));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The keys of two words of one name, in this order, for the given tier and those
/// above it: `W:` both words, `P:` every pair of their phonetic codes, `F:` both
/// prefixes. A query of two or more words looks its first two up with one of these
/// (in both orders), which finds "John Smith"-sounding names in one index range
/// rather than intersecting everyone called something like John with everyone called
/// something like Smith.
pub fn pair_keys(first: &str, second: &str, tier: MatchTier) -> Vec<String> {
    let mut keys = vec![format!("W:{first} {second}")];
    if tier >= MatchTier::Phonetic {
        let (a, b) = (phonetic(first), phonetic(second));
        for x in &a {
            for y in &b {
                keys.push(format!("P:{x} {y}"));
            }
        }
    }
    if tier >= MatchTier::Fuzzy {
        if let (Some(x), Some(y)) = (prefix(first), prefix(second)) {
            keys.push(format!("F:{x} {y}"));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Every key a name is indexed under: each word's keys, and the pair keys of every two
/// of its words in the order they are written.
pub fn name_keys(given: &str, family: &str) -> Vec<String> {
    let all: Vec<String> = words(given).into_iter().chain(words(family)).collect();
    let mut keys: Vec<String> = all
        .iter()
        .flat_map(|w| word_keys(w, MatchTier::Fuzzy))
        .collect();
    for (i, a) in all.iter().enumerate() {
        for b in all.iter().skip(i + 1) {
            keys.extend(pair_keys(a, b, MatchTier::Fuzzy));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The key of an NHS number.
pub fn nhs_key(nhs: &NhsNumber) -> String {
    format!("nhs:{}", nhs.digits())
}

/// The key of a UPN.
pub fn upn_key(upn: &Upn) -> String {
    format!("upn:{}", upn.as_str())
}

/// The key of a postcode.
pub fn postcode_key(postcode: &Postcode) -> String {
    format!("pc:{}", postcode.compact())
}

/// What a search box's text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// Nothing: list everyone in scope.
    Everyone,
    /// An identifier: a Carebridge id and/or the keys of an NHS number, UPN or postcode.
    Identifier {
        /// The Carebridge id, if the text is a number.
        id: Option<i64>,
        /// Identifier keys.
        keys: Vec<String>,
    },
    /// Names (words) and/or a date of birth.
    Name {
        /// Search words (at most [`MAX_NAME_WORDS`]).
        words: Vec<String>,
        /// A date of birth given with them.
        born: Option<NaiveDate>,
    },
}

/// Reads a date as people type it: 14/03/2015, 14-3-2015, 14.03.2015 or 2015-03-14.
pub fn typed_date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if ![a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|x| x.is_ascii_digit()))
    {
        return None;
    }
    let n = |s: &str| s.parse::<u32>().ok();
    if a.len() == 4 {
        NaiveDate::from_ymd_opt(a.parse().ok()?, n(b)?, n(c)?)
    } else if c.len() == 4 {
        NaiveDate::from_ymd_opt(c.parse().ok()?, n(b)?, n(a)?)
    } else {
        None
    }
}

impl SearchQuery {
    /// What `text` asks for. Never fails: text that is nothing recognisable becomes a
    /// name search for whatever letters it has (possibly none, which finds nobody).
    pub fn parse(text: &str) -> SearchQuery {
        let text = text.trim();
        if text.is_empty() {
            return SearchQuery::Everyone;
        }
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let mut keys = Vec::new();
        if let Ok(nhs) = NhsNumber::parse(&compact) {
            keys.push(nhs_key(&nhs));
        }
        if let Ok(upn) = Upn::parse(&compact) {
            keys.push(upn_key(&upn));
        }
        if let Ok(pc) = Postcode::parse(&compact) {
            keys.push(postcode_key(&pc));
        }
        let id = compact
            .strip_prefix(['#'])
            .unwrap_or(&compact)
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0);
        if id.is_some() || !keys.is_empty() {
            return SearchQuery::Identifier { id, keys };
        }
        let mut born = None;
        let mut name_words = Vec::new();
        for part in text.split_whitespace() {
            match typed_date(part) {
                Some(d) if born.is_none() => born = Some(d),
                Some(_) => {}
                None => name_words.extend(words(part)),
            }
        }
        name_words.truncate(MAX_NAME_WORDS);
        SearchQuery::Name {
            words: name_words,
            born,
        }
    }
}

/// How well a name matches the query's words: every query word must match some word
/// of the name (exactly, by sound, or closely); the tier is the weakest of those, and
/// the score the mean Jaro–Winkler similarity of each query word to its best word.
/// `None` when some query word matches no word of the name.
pub fn rank_name(query: &[String], given: &str, family: &str) -> Option<(MatchTier, f64)> {
    let name: Vec<String> = words(given).into_iter().chain(words(family)).collect();
    if query.is_empty() || name.is_empty() {
        return None;
    }
    let mut worst = MatchTier::Exact;
    let mut total = 0.0;
    for q in query {
        let q_codes = phonetic(q);
        let mut best: Option<(MatchTier, f64)> = None;
        for w in &name {
            let similarity = strsim::jaro_winkler(q, w);
            let tier = if q == w {
                Some(MatchTier::Exact)
            } else if phonetic(w).iter().any(|c| q_codes.contains(c)) {
                Some(MatchTier::Phonetic)
            } else if similarity >= FUZZY_THRESHOLD {
                Some(MatchTier::Fuzzy)
            } else {
                None
            };
            if let Some(tier) = tier {
                let better = best.is_none_or(|(t, s)| (tier, -similarity) < (t, -s));
                if better {
                    best = Some((tier, similarity));
                }
            }
        }
        let (tier, similarity) = best?;
        worst = worst.max(tier);
        total += similarity;
    }
    Some((worst, total / query.len() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn smyth_sounds_like_smith() {
        assert_eq!(phonetic("smyth"), phonetic("smith"));
        assert!(phonetic("jon").iter().any(|c| phonetic("john").contains(c)));
        let (tier, score) = rank_name(&words("Jon Smyth"), "John", "Smith").unwrap();
        assert_eq!(tier, MatchTier::Phonetic);
        assert!(score > 0.8);
        assert_eq!(
            rank_name(&words("john smith"), "John", "Smith").map(|r| r.0),
            Some(MatchTier::Exact)
        );
        assert_eq!(
            rank_name(&words("snith"), "John", "Smith").map(|r| r.0),
            Some(MatchTier::Fuzzy)
        );
        assert_eq!(rank_name(&words("jones"), "John", "Smith"), None);
    }

    #[test]
    fn the_keys_of_a_name_include_every_tier() {
        let keys = name_keys("Jon", "Smyth");
        for k in ["w:jon", "w:smyth", "p:JN", "p:SM0", "f:smy"] {
            assert!(keys.contains(&k.to_owned()), "{k} in {keys:?}");
        }
        // Some phonetic-tier key of "Smith" is among the keys Smyth is indexed under,
        // and so is a pair key of "John Smith".
        let smith = word_keys("smith", MatchTier::Phonetic);
        assert!(smith.iter().any(|k| keys.contains(k)));
        let pair = pair_keys("john", "smith", MatchTier::Phonetic);
        assert!(pair.iter().any(|k| keys.contains(k)), "{pair:?}");
        assert!(keys.contains(&"W:jon smyth".to_owned()));
    }

    #[test]
    fn words_fold_accents_and_punctuation() {
        assert_eq!(words("José O'Neil-Brown"), ["jose", "oneil", "brown"]);
        assert_eq!(words("  "), Vec::<String>::new());
    }

    #[test]
    fn queries_are_classified() {
        let nhs = (999_123_456..)
            .find_map(NhsNumber::with_check_digit)
            .unwrap();
        assert_eq!(
            SearchQuery::parse(&nhs.spaced()),
            SearchQuery::Identifier {
                id: Some(nhs.digits().parse().unwrap()),
                keys: vec![nhs_key(&nhs)]
            }
        );
        assert_eq!(
            SearchQuery::parse("nm1 2ab"),
            SearchQuery::Identifier {
                id: None,
                keys: vec!["pc:NM12AB".to_owned()]
            }
        );
        assert_eq!(
            SearchQuery::parse("42"),
            SearchQuery::Identifier {
                id: Some(42),
                keys: vec![]
            }
        );
        let born = NaiveDate::from_ymd_opt(2015, 3, 14);
        for text in ["14/03/2015", "2015-03-14", "14-3-2015"] {
            assert_eq!(
                SearchQuery::parse(text),
                SearchQuery::Name {
                    words: vec![],
                    born
                }
            );
        }
        assert_eq!(
            SearchQuery::parse("Jon Smyth 14/03/2015"),
            SearchQuery::Name {
                words: vec!["jon".into(), "smyth".into()],
                born
            }
        );
        assert_eq!(SearchQuery::parse(""), SearchQuery::Everyone);
        assert_eq!(typed_date("31/02/2015"), None);
    }

    proptest! {
        #[test]
        fn searching_never_panics(s in "\\PC{0,30}") {
            let q = SearchQuery::parse(&s);
            if let SearchQuery::Name { words, .. } = q {
                let _ = rank_name(&words, &s, "Smith");
                for w in &words {
                    let _ = word_keys(w, MatchTier::Fuzzy);
                }
            }
            let _ = name_keys(&s, &s);
        }

        #[test]
        fn a_name_always_finds_itself_exactly(given in "[A-Za-z]{1,12}", family in "[A-Za-z]{1,12}") {
            let query = words(&format!("{given} {family}"));
            prop_assert_eq!(rank_name(&query, &given, &family).map(|r| r.0), Some(MatchTier::Exact));
            let keys = name_keys(&given, &family);
            for w in &query {
                let key = format!("w:{w}");
                prop_assert!(keys.contains(&key));
            }
        }
    }
}
