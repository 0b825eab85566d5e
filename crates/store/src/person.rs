//! The child as a person in SQL: the person columns of `children`, previous names and
//! aliases (`person_names`), address history (`person_addresses`) and the search keys
//! (`person_search_keys`), which are always written with the rows they index.
//!
//! Keys are computed by `carebridge_domain::search` in Rust, never by SQL functions, so
//! SQLite and PostgreSQL hold the same keys and find the same people.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use carebridge_domain::child::Child;
use carebridge_domain::identifiers::{NhsNumber, Postcode, Upn};
use carebridge_domain::person::{
    AddressPeriod, Disability, Ethnicity, NameKind, PersonDetails, PersonName,
};
use carebridge_domain::search::{name_keys, nhs_key, postcode_key, upn_key};
use carebridge_domain::ChildId;

use crate::demo_load::{insert_rows, Cell};
use crate::rows::{corrupt, date, date_text, opt_date, opt_date_text};
use crate::StoreError;

/// The columns of `children` that hold the person's details.
pub(crate) const PERSON_COLUMNS: &str = "c.expected_date_of_birth, c.gender, c.ethnicity, \
     c.first_language, c.religion, c.nhs_number, c.upn, c.disabilities, c.uasc, c.immigration_status";

/// A child as the bulk loader and registration write them: the current name and the
/// person's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// The child (already a row in `children`).
    pub child: ChildId,
    /// Current given name (for the search keys).
    pub given_name: String,
    /// Current family name.
    pub family_name: String,
    /// The rest.
    pub details: PersonDetails,
}

fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>, StoreError> {
    Ok(row
        .try_get::<Option<String>, _>(column)?
        .filter(|s| !s.is_empty()))
}

/// Reads the person columns of a `children` row (without names and addresses).
pub(crate) fn person_columns(row: &AnyRow) -> Result<PersonDetails, StoreError> {
    let uasc: i64 = row.try_get::<Option<i64>, _>("uasc")?.unwrap_or(0);
    Ok(PersonDetails {
        expected_date_of_birth: opt_date(row, "expected_date_of_birth")?,
        gender: opt_text(row, "gender")?,
        ethnicity: opt_text(row, "ethnicity")?
            .map(|c| Ethnicity::parse(&c))
            .transpose()
            .map_err(corrupt("ethnicity"))?,
        first_language: opt_text(row, "first_language")?,
        religion: opt_text(row, "religion")?,
        nhs_number: opt_text(row, "nhs_number")?
            .map(|c| NhsNumber::parse(&c))
            .transpose()
            .map_err(corrupt("NHS number"))?,
        upn: opt_text(row, "upn")?
            .map(|c| Upn::parse(&c))
            .transpose()
            .map_err(corrupt("UPN"))?,
        disabilities: opt_text(row, "disabilities")?
            .map(|codes| {
                codes
                    .split(',')
                    .map(Disability::parse)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(corrupt("disability"))?
            .unwrap_or_default(),
        uasc: uasc != 0,
        immigration_status: opt_text(row, "immigration_status")?,
        other_names: Vec::new(),
        addresses: Vec::new(),
    })
}

/// Reads a `person_names` row.
pub(crate) fn person_name(row: &AnyRow) -> Result<PersonName, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(PersonName {
        kind: NameKind::parse(&kind).map_err(corrupt("name kind"))?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        from: opt_date(row, "used_from")?,
        to: opt_date(row, "used_to")?,
    })
}

/// Reads a `person_addresses` row.
fn address(row: &AnyRow) -> Result<AddressPeriod, StoreError> {
    let postcode: String = row.try_get("postcode")?;
    Ok(AddressPeriod {
        line: row.try_get("line")?,
        postcode: Postcode::parse(&postcode).map_err(corrupt("postcode"))?,
        from: date(row, "lived_from")?,
        to: opt_date(row, "lived_to")?,
    })
}

/// The search keys of a person: (key, name_no).
fn search_keys(p: &PersonRecord) -> Vec<(String, i64)> {
    let mut keys: Vec<(String, i64)> = name_keys(&p.given_name, &p.family_name)
        .into_iter()
        .map(|k| (k, 0))
        .collect();
    for (n, name) in p.details.other_names.iter().enumerate() {
        let no = n as i64 + 1;
        keys.extend(
            name_keys(&name.given_name, &name.family_name)
                .into_iter()
                .map(|k| (k, no)),
        );
    }
    keys.extend(p.details.nhs_number.iter().map(|n| (nhs_key(n), -1)));
    keys.extend(p.details.upn.iter().map(|u| (upn_key(u), -1)));
    keys.extend(
        p.details
            .addresses
            .iter()
            .map(|a| (postcode_key(&a.postcode), -1)),
    );
    keys.sort();
    keys.dedup();
    keys
}

/// The columns of a `children` row, in the order of [`child_cells`].
pub(crate) const CHILD_INSERT_COLUMNS: [&str; 15] = [
    "id",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "expected_date_of_birth",
    "gender",
    "ethnicity",
    "first_language",
    "religion",
    "nhs_number",
    "upn",
    "disabilities",
    "uasc",
    "immigration_status",
];

/// A `children` row with the person's details (empty details when `None`).
pub(crate) fn child_cells(child: &Child, details: Option<&PersonDetails>) -> Vec<Cell> {
    let empty = PersonDetails::default();
    let d = details.unwrap_or(&empty);
    vec![
        Cell::Int(child.id.0),
        Cell::Text(child.given_name.clone()),
        Cell::Text(child.family_name.clone()),
        Cell::Text(child.sex.code().to_owned()),
        Cell::Text(date_text(child.date_of_birth)),
        Cell::OptText(opt_date_text(d.expected_date_of_birth)),
        Cell::OptText(d.gender.clone()),
        Cell::OptText(d.ethnicity.map(|e| e.code().to_owned())),
        Cell::OptText(d.first_language.clone()),
        Cell::OptText(d.religion.clone()),
        Cell::OptText(d.nhs_number.as_ref().map(|n| n.digits().to_owned())),
        Cell::OptText(d.upn.as_ref().map(|u| u.as_str().to_owned())),
        Cell::OptText((!d.disabilities.is_empty()).then(|| {
            d.disabilities
                .iter()
                .map(|x| x.code())
                .collect::<Vec<_>>()
                .join(",")
        })),
        Cell::Int(i64::from(d.uasc)),
        Cell::OptText(d.immigration_status.clone()),
    ]
}

/// Where a write puts the children's search keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeysTo {
    /// The search index itself (every ordinary write).
    Index,
    /// The unindexed loading table a bulk load appends to, moved into the index in key
    /// order once at the end ([`crate::Store::index_loaded_search_keys`]).
    Loading,
}

/// The loading table of [`KeysTo::Loading`]: no key, so appending is cheap. (Inserting
/// each batch's keys straight into the `WITHOUT ROWID` index touches pages all over
/// the B-tree, and every touched page is written to the WAL again at each commit:
/// generating 1,000,000 children that way did not finish in 18 minutes.)
pub(crate) const LOADING_KEYS: &str = "person_search_keys_loading";

/// Writes addresses, each of its child, in the caller's transaction.
pub(crate) async fn insert_addresses(
    tx: &mut AnyConnection,
    addresses: &[(ChildId, &AddressPeriod)],
) -> Result<(), StoreError> {
    let rows = addresses
        .iter()
        .map(|(child, a)| {
            vec![
                Cell::Int(child.0),
                Cell::Text(a.line.clone()),
                Cell::Text(a.postcode.as_str().to_owned()),
                Cell::Text(date_text(a.from)),
                Cell::OptText(opt_date_text(a.to)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "person_addresses",
        &["child_id", "line", "postcode", "lived_from", "lived_to"],
        rows,
    )
    .await
}

/// Writes the names, addresses and search keys of children whose rows (with their
/// person columns) were just inserted, in the caller's transaction.
pub(crate) async fn insert_person_rows(
    tx: &mut AnyConnection,
    people: &[PersonRecord],
    keys_to: KeysTo,
) -> Result<(), StoreError> {
    let names = people
        .iter()
        .flat_map(|p| {
            p.details
                .other_names
                .iter()
                .enumerate()
                .map(move |(n, name)| {
                    vec![
                        Cell::Int(p.child.0),
                        Cell::Int(n as i64 + 1),
                        Cell::Text(name.kind.code().to_owned()),
                        Cell::Text(name.given_name.clone()),
                        Cell::Text(name.family_name.clone()),
                        Cell::OptText(opt_date_text(name.from)),
                        Cell::OptText(opt_date_text(name.to)),
                    ]
                })
        })
        .collect();
    insert_rows(
        tx,
        "person_names",
        &[
            "child_id",
            "name_no",
            "kind",
            "given_name",
            "family_name",
            "used_from",
            "used_to",
        ],
        names,
    )
    .await?;
    let addresses: Vec<(ChildId, &AddressPeriod)> = people
        .iter()
        .flat_map(|p| p.details.addresses.iter().map(|a| (p.child, a)))
        .collect();
    insert_addresses(tx, &addresses).await?;
    let keys = people
        .iter()
        .flat_map(|p| {
            search_keys(p)
                .into_iter()
                .map(|(k, no)| vec![Cell::Text(k), Cell::Int(p.child.0), Cell::Int(no)])
        })
        .collect();
    insert_rows(
        tx,
        match keys_to {
            KeysTo::Index => "person_search_keys",
            KeysTo::Loading => LOADING_KEYS,
        },
        &["key", "child_id", "name_no"],
        keys,
    )
    .await?;
    Ok(())
}

/// Reads the person's details of one child, with names and addresses.
pub(crate) async fn read_person(
    tx: &mut AnyConnection,
    child: ChildId,
) -> Result<Option<PersonDetails>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM children c WHERE c.id = $1"
    ))
    .bind(child.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut details = person_columns(&row)?;
    details.other_names = sqlx::query(
        "SELECT kind, given_name, family_name, used_from, used_to FROM person_names \
         WHERE child_id = $1 ORDER BY name_no",
    )
    .bind(child.0)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(person_name)
    .collect::<Result<_, _>>()?;
    details.addresses = sqlx::query(
        "SELECT line, postcode, lived_from, lived_to FROM person_addresses \
         WHERE child_id = $1 ORDER BY lived_from, id",
    )
    .bind(child.0)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(address)
    .collect::<Result<_, _>>()?;
    Ok(Some(details))
}
