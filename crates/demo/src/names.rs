//! Synthetic names for demo people.
//!
//! Names are drawn from built-in lists grouped by the naming traditions found in English
//! towns today, so a million demo children show a believable spread rather than a
//! thousand "Jack Smith"s. A given name and a family name are paired at random: the
//! people they make up are fictional, and no list names a real individual.
//!
//! Most people take both names from one tradition; some mix two, as many families do.
//! Within a list, earlier names are drawn a little more often than later ones, which
//! gives the long tail real registers have.

use rand::Rng;

/// Which list of given names to draw from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GivenNames {
    /// Names usually given to boys.
    Boys,
    /// Names usually given to girls.
    Girls,
    /// Either list (sex not known).
    Any,
}

/// One naming tradition: its share of the population (a weight) and its lists.
struct Tradition {
    weight: u32,
    boys: &'static [&'static str],
    girls: &'static [&'static str],
    family: &'static [&'static str],
}

const TRADITIONS: [Tradition; 10] = [
    // English (with a South Yorkshire flavour to the family names).
    Tradition {
        weight: 52,
        boys: &[
            "Oliver",
            "George",
            "Harry",
            "Jack",
            "Jacob",
            "Noah",
            "Charlie",
            "Thomas",
            "Oscar",
            "William",
            "James",
            "Leo",
            "Alfie",
            "Henry",
            "Joshua",
            "Freddie",
            "Archie",
            "Ethan",
            "Isaac",
            "Alexander",
            "Joseph",
            "Edward",
            "Samuel",
            "Max",
            "Logan",
            "Lucas",
            "Daniel",
            "Theo",
            "Arthur",
            "Mason",
            "Harrison",
            "Tyler",
            "Riley",
            "Dylan",
            "Jake",
            "Kieran",
            "Liam",
            "Ryan",
            "Luke",
            "Ben",
            "Nathan",
            "Connor",
            "Lewis",
            "Jamie",
            "Reece",
            "Kyle",
            "Bradley",
            "Toby",
            "Finley",
            "Stanley",
        ],
        girls: &[
            "Olivia",
            "Amelia",
            "Ava",
            "Emily",
            "Sophia",
            "Grace",
            "Mia",
            "Poppy",
            "Ella",
            "Lily",
            "Evie",
            "Isabella",
            "Jessica",
            "Sophie",
            "Freya",
            "Chloe",
            "Daisy",
            "Phoebe",
            "Ruby",
            "Millie",
            "Holly",
            "Megan",
            "Charlotte",
            "Lucy",
            "Hannah",
            "Katie",
            "Amber",
            "Leah",
            "Abigail",
            "Summer",
            "Scarlett",
            "Lacey",
            "Paige",
            "Courtney",
            "Chelsea",
            "Bethany",
            "Jade",
            "Kayleigh",
            "Rebecca",
            "Laura",
            "Gemma",
            "Zoe",
            "Molly",
            "Maisie",
            "Harriet",
            "Alice",
            "Florence",
            "Rosie",
            "Ellie",
            "Willow",
        ],
        family: &[
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Wilson",
            "Johnson",
            "Robinson",
            "Wright",
            "Thompson",
            "Walker",
            "White",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "Clarke",
            "Harrison",
            "Lewis",
            "Turner",
            "Hill",
            "Cooper",
            "Ward",
            "Moore",
            "King",
            "Baker",
            "Harris",
            "Morris",
            "Parker",
            "Bennett",
            "Cook",
            "Shaw",
            "Holmes",
            "Barker",
            "Atkinson",
            "Marshall",
            "Dawson",
            "Fletcher",
            "Hargreaves",
            "Sutcliffe",
            "Ackroyd",
            "Oldroyd",
            "Pickles",
            "Wainwright",
            "Hepworth",
            "Brookes",
            "Greenwood",
            "Firth",
            "Haigh",
            "Mellor",
            "Crowther",
            "Butterworth",
            "Whitaker",
            "Lister",
            "Sykes",
            "Kershaw",
            "Booth",
            "Swift",
            "Lockwood",
            "Hirst",
            "Ramsden",
            "Exley",
            "Womack",
            "Dyson",
            "Gledhill",
            "Senior",
            "Naylor",
            "Cartwright",
            "Hopkinson",
            "Stables",
            "Outram",
        ],
    },
    // Irish.
    Tradition {
        weight: 5,
        boys: &[
            "Cian", "Oisín", "Seán", "Ciarán", "Darragh", "Eoin", "Niall", "Pádraig", "Conor",
            "Declan",
        ],
        girls: &[
            "Aoife", "Niamh", "Siobhán", "Caoimhe", "Saoirse", "Róisín", "Orla", "Clodagh",
            "Ciara", "Aisling",
        ],
        family: &[
            "Murphy",
            "Kelly",
            "O'Brien",
            "Byrne",
            "Ryan",
            "O'Connor",
            "Doyle",
            "McCarthy",
            "Gallagher",
            "Doherty",
            "Kennedy",
            "Lynch",
            "Quinn",
            "Brennan",
            "Fitzgerald",
            "Donnelly",
            "Nolan",
            "Keane",
            "Mulligan",
            "Farrell",
        ],
    },
    // Scottish.
    Tradition {
        weight: 4,
        boys: &[
            "Callum", "Angus", "Fraser", "Euan", "Hamish", "Ruaridh", "Alasdair", "Struan",
            "Finlay", "Lachlan",
        ],
        girls: &[
            "Eilidh", "Isla", "Kirsty", "Morag", "Catriona", "Mhairi", "Iona", "Skye", "Ailsa",
            "Fiona",
        ],
        family: &[
            "MacDonald",
            "Campbell",
            "Stewart",
            "Robertson",
            "Murray",
            "Fraser",
            "MacLeod",
            "Grant",
            "Sinclair",
            "Henderson",
            "Ross",
            "Paterson",
            "Munro",
            "Buchanan",
            "McKay",
        ],
    },
    // Welsh.
    Tradition {
        weight: 3,
        boys: &[
            "Dafydd", "Rhys", "Gareth", "Iwan", "Owain", "Aled", "Gethin", "Rhodri", "Emyr", "Huw",
        ],
        girls: &[
            "Cerys", "Seren", "Ffion", "Angharad", "Bethan", "Lowri", "Nia", "Carys", "Eleri",
            "Mali",
        ],
        family: &[
            "Williams",
            "Davies",
            "Evans",
            "Thomas",
            "Roberts",
            "Hughes",
            "Lloyd",
            "Morgan",
            "Griffiths",
            "Pritchard",
            "Pugh",
            "Rees",
            "Parry",
            "Vaughan",
            "Bowen",
            "Jenkins",
        ],
    },
    // South Asian (Pakistani, Indian, Bangladeshi, Sikh).
    Tradition {
        weight: 12,
        boys: &[
            "Mohammed", "Muhammad", "Ibrahim", "Yusuf", "Zain", "Ayaan", "Arjun", "Aarav", "Rohan",
            "Harjit", "Imran", "Bilal", "Hamza", "Kabir", "Rehan", "Sahil", "Omar", "Adnan",
            "Faisal", "Tariq", "Amir", "Vikram", "Gurpreet", "Sanjay",
        ],
        girls: &[
            "Aisha", "Fatima", "Maryam", "Zara", "Amira", "Hafsa", "Inaya", "Anaya", "Priya",
            "Simran", "Nadia", "Samina", "Ayesha", "Noor", "Sana", "Jasleen", "Kiran", "Harleen",
            "Meera", "Riya", "Shazia", "Rukhsana",
        ],
        family: &[
            "Khan",
            "Hussain",
            "Ahmed",
            "Ali",
            "Patel",
            "Shah",
            "Iqbal",
            "Akhtar",
            "Mahmood",
            "Rahman",
            "Chaudhry",
            "Malik",
            "Sharma",
            "Singh",
            "Gill",
            "Sandhu",
            "Mistry",
            "Choudhury",
            "Islam",
            "Uddin",
            "Miah",
            "Rashid",
            "Aziz",
            "Qureshi",
            "Javed",
            "Kumar",
            "Bhatti",
        ],
    },
    // Polish and Romanian (family names chosen from those that do not change with sex).
    Tradition {
        weight: 5,
        boys: &[
            "Jakub", "Kacper", "Szymon", "Filip", "Mateusz", "Oskar", "Wiktor", "Łukasz", "Piotr",
            "Tomasz", "Andrei", "Bogdan", "Mihai", "Darius",
        ],
        girls: &[
            "Zuzanna",
            "Julia",
            "Maja",
            "Zofia",
            "Hanna",
            "Lena",
            "Alicja",
            "Natalia",
            "Wiktoria",
            "Agnieszka",
            "Oliwia",
            "Ioana",
            "Elena",
            "Simona",
        ],
        family: &[
            "Nowak",
            "Wójcik",
            "Kowalczyk",
            "Woźniak",
            "Mazur",
            "Krawczyk",
            "Kaczmarek",
            "Zając",
            "Król",
            "Wieczorek",
            "Wróbel",
            "Stępień",
            "Pawlak",
            "Michalak",
            "Sikora",
            "Baran",
            "Popescu",
            "Ionescu",
            "Popa",
            "Dumitru",
        ],
    },
    // West African (Nigerian, Ghanaian).
    Tradition {
        weight: 5,
        boys: &[
            "Chinedu",
            "Emeka",
            "Oluwaseun",
            "Tunde",
            "Kwame",
            "Kofi",
            "Kwabena",
            "Obinna",
            "Ikenna",
            "Femi",
            "Ayodele",
            "Chukwuemeka",
            "Yaw",
            "Tobi",
        ],
        girls: &[
            "Adaeze",
            "Chiamaka",
            "Ngozi",
            "Folake",
            "Abena",
            "Ama",
            "Efua",
            "Funmilayo",
            "Temitope",
            "Nneka",
            "Yewande",
            "Ife",
            "Oyinda",
            "Akosua",
        ],
        family: &[
            "Okafor",
            "Okonkwo",
            "Adeyemi",
            "Adebayo",
            "Oyelaran",
            "Mensah",
            "Boateng",
            "Owusu",
            "Asante",
            "Osei",
            "Nwosu",
            "Eze",
            "Olawale",
            "Babatunde",
            "Ogunleye",
            "Acheampong",
            "Appiah",
            "Danso",
            "Obi",
        ],
    },
    // Caribbean.
    Tradition {
        weight: 4,
        boys: &[
            "Jermaine", "Tyrone", "Delroy", "Marcus", "Andre", "Leon", "Kareem", "Jaden",
            "Malachi", "Isaiah", "Winston", "Devon",
        ],
        girls: &[
            "Shanice",
            "Tanisha",
            "Aaliyah",
            "Keisha",
            "Jada",
            "Imani",
            "Marcia",
            "Beverley",
            "Simone",
            "Chantelle",
            "Tia",
            "Nadine",
        ],
        family: &[
            "Francis", "Samuels", "Bailey", "McKenzie", "Reid", "Gordon", "Henry", "Richards",
            "Lawrence", "Edwards", "Forbes", "Bryan", "Powell", "Campbell", "Brown", "Thompson",
            "Clarke", "Morgan",
        ],
    },
    // Chinese (British Chinese families of Hong Kong and mainland origin).
    Tradition {
        weight: 3,
        boys: &[
            "Wei", "Jun", "Hao", "Jian", "Ming", "Kai", "Zhi", "Chun", "Tao", "Bo",
        ],
        girls: &[
            "Mei", "Xin", "Ying", "Yan", "Hui", "Ling", "Jing", "Xiu", "Qing", "Yu",
        ],
        family: &[
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lam",
            "Wong", "Chan", "Cheung", "Leung", "Ng", "Ho", "Tang", "Lau", "Yip",
        ],
    },
    // Somali, Kurdish and Arabic.
    Tradition {
        weight: 3,
        boys: &[
            "Abdi", "Mustafa", "Karim", "Hassan", "Rawand", "Dilan", "Hussein", "Mahad", "Yasin",
            "Khalid",
        ],
        girls: &[
            "Hodan", "Amina", "Layla", "Yasmin", "Nour", "Rania", "Hawa", "Deeqa", "Shilan",
            "Leyla",
        ],
        family: &[
            "Abdullahi",
            "Mohamud",
            "Hassan",
            "Warsame",
            "Farah",
            "Jama",
            "Osman",
            "Karimi",
            "Rahimi",
            "Mustafa",
            "Saleh",
            "Haddad",
        ],
    },
];

/// Share (in hundredths) of people whose given and family names come from different
/// traditions.
const MIXED_PERCENT: u32 = 12;

fn total_weight() -> u32 {
    TRADITIONS.iter().map(|t| t.weight).sum()
}

fn pick_tradition(rng: &mut impl Rng) -> &'static Tradition {
    let mut ticket = rng.gen_range(0..total_weight());
    for tradition in &TRADITIONS {
        if ticket < tradition.weight {
            return tradition;
        }
        ticket -= tradition.weight;
    }
    &TRADITIONS[0]
}

/// Picks from a list, earlier entries a little more often (index ~ n * u^1.5).
fn pick(rng: &mut impl Rng, list: &'static [&'static str]) -> &'static str {
    let u: f64 = rng.gen();
    // `as` saturates, and `u < 1`, so the index is in range; `get` keeps it safe anyway.
    let index = (list.len() as f64 * u * u.sqrt()) as usize;
    list.get(index).or(list.first()).copied().unwrap_or("Sam")
}

/// A given name and a family name, drawn from the built-in lists.
pub(crate) fn person_name(rng: &mut impl Rng, given: GivenNames) -> (&'static str, &'static str) {
    let family_tradition = pick_tradition(rng);
    let given_tradition = if rng.gen_range(0..100) < MIXED_PERCENT {
        pick_tradition(rng)
    } else {
        family_tradition
    };
    let girls = match given {
        GivenNames::Boys => false,
        GivenNames::Girls => true,
        GivenNames::Any => rng.gen(),
    };
    let given_list = if girls {
        given_tradition.girls
    } else {
        given_tradition.boys
    };
    (pick(rng, given_list), pick(rng, family_tradition.family))
}

/// A name as it appears in an email address: lower case ASCII letters only
/// ("Siobhán O'Brien" gives "siobhan" and "obrien").
pub(crate) fn email_part(name: &str) -> String {
    name.chars()
        .filter_map(|c| {
            let plain = match c {
                'á' | 'à' | 'ą' | 'Á' => 'a',
                'é' | 'ę' | 'É' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'Ó' => 'o',
                'ú' | 'Ú' => 'u',
                'ł' | 'Ł' => 'l',
                'ś' | 'Ś' => 's',
                'ź' | 'ż' | 'Ź' | 'Ż' => 'z',
                'ć' | 'Ć' => 'c',
                'ń' | 'Ń' => 'n',
                other => other,
            };
            plain
                .is_ascii_alphabetic()
                .then(|| plain.to_ascii_lowercase())
        })
        .collect()
}

/// How many distinct given and family names the lists hold (for tests and the report).
#[cfg(test)]
pub(crate) fn list_sizes() -> (usize, usize) {
    use std::collections::BTreeSet;
    let given: BTreeSet<&str> = TRADITIONS
        .iter()
        .flat_map(|t| t.boys.iter().chain(t.girls.iter()))
        .copied()
        .collect();
    let family: BTreeSet<&str> = TRADITIONS
        .iter()
        .flat_map(|t| t.family.iter())
        .copied()
        .collect();
    (given.len(), family.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn lists_are_large_enough_for_a_realistic_spread() {
        let (given, family) = list_sizes();
        assert!(given >= 150, "{given} given names");
        assert!(family >= 200, "{family} family names");
    }

    #[test]
    fn every_name_gives_a_usable_email_part() {
        for t in &TRADITIONS {
            for name in t.boys.iter().chain(t.girls.iter()).chain(t.family.iter()) {
                let part = email_part(name);
                assert!(
                    part.len() >= 2 && part.chars().all(|c| c.is_ascii_lowercase()),
                    "{name} -> {part}"
                );
            }
        }
        assert_eq!(email_part("O'Brien"), "obrien");
        assert_eq!(email_part("Łukasz"), "lukasz");
    }

    #[test]
    fn draws_spread_over_the_lists() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..20_000 {
            seen.insert(person_name(&mut rng, GivenNames::Any));
        }
        assert!(seen.len() > 5_000, "only {} distinct names", seen.len());
    }
}
