//! Test support shared by the crates' integration tests: a fresh database on each
//! backend, and an [`App`] with the demo authority on a fixed clock.
//!
//! PostgreSQL comes from `TEST_DATABASE_URL` (`scripts/test` starts a throwaway server
//! and sets it); each call makes a new, empty database on that server. When the
//! variable is missing, PostgreSQL tests are skipped with a note, unless
//! `CAREBRIDGE_REQUIRE_POSTGRES` is set (as `scripts/test` and CI do), when they fail.

// Test support: failing loudly, at once, is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use carebridge_app::{App, DatabaseUrl, FixedClock, Store};
use carebridge_demo::DemoParams;
use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::organisation::OrganisationKind;
use carebridge_domain::transfer::TransferRequest;
use carebridge_domain::{InstrumentId, OrganisationId, ServiceId};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sqlx::Connection;

/// The day the tests' world stands on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// 09:00 UTC on [`today`].
pub fn morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

/// A date, for short test code.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A database made for one test. SQLite files are deleted when this is dropped;
/// PostgreSQL databases live on the throwaway server until it is stopped.
#[derive(Debug)]
pub struct TestDb {
    /// Where it is.
    pub url: DatabaseUrl,
    /// "sqlite" or "postgres", for assertion messages.
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
}

/// The account signed in as `username`, as the use cases take it.
pub async fn actor(app: &App, username: &str) -> carebridge_app::accounts::Actor {
    carebridge_app::accounts::Actor::from(
        &app.store()
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {username}")),
    )
}

/// The request a test's use cases come in on: `request_id` names the test in the audit
/// log, `client` the address it came from.
pub fn meta(request_id: &str, client: &str) -> carebridge_app::records::RequestMeta {
    carebridge_app::records::RequestMeta {
        request_id: request_id.to_owned(),
        client: client.to_owned(),
    }
}

/// A new SQLite database file in a temp folder.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    TestDb {
        url: DatabaseUrl::sqlite(&dir.path().join("test.sqlite")),
        label: "sqlite",
        _dir: Some(dir),
    }
}

/// A new empty database on the test PostgreSQL server, or None when there is none
/// (which fails instead when `CAREBRIDGE_REQUIRE_POSTGRES` is set).
pub async fn postgres() -> Option<TestDb> {
    let Ok(server) = std::env::var("TEST_DATABASE_URL") else {
        if std::env::var_os("CAREBRIDGE_REQUIRE_POSTGRES").is_some() {
            panic!("CAREBRIDGE_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not: run the tests with scripts/test");
        }
        eprintln!("note: TEST_DATABASE_URL is not set, so this test runs on SQLite only (scripts/test sets it)");
        return None;
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // The clock only makes the name unique across runs on one server; no logic reads it.
    #[allow(clippy::disallowed_methods)]
    let name = format!(
        "cb_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_micros()
    );
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot reach TEST_DATABASE_URL {server}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    Some(TestDb {
        url: DatabaseUrl::parse(url.as_str()).unwrap(),
        label: "postgres",
        _dir: None,
    })
}

/// A fresh database on every backend this run has: SQLite always, PostgreSQL when
/// there is a server.
pub async fn every_backend() -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    dbs.extend(postgres().await);
    dbs
}

/// A small demo authority (the whole story, `children` children) as at [`today`].
pub fn small_demo(children: u32) -> DemoParams {
    DemoParams {
        children,
        ..DemoParams::standard(today())
    }
}

/// An app over `db` on a fixed clock at [`morning`], with the small demo loaded.
pub async fn demo_app(db: &TestDb, children: u32) -> (App, Arc<FixedClock>) {
    let store = Store::open(&db.url).await.unwrap();
    let clock = Arc::new(FixedClock::new(morning()));
    let app = App::new(store, clock.clone());
    app.load_demo(&small_demo(children), |_, _| {})
        .await
        .unwrap();
    (app, clock)
}

/// The demo's council, trust and two services, and a cabinet decision of 20 January
/// 2027 to commission both services from the trust again from 1 April 2027.
#[derive(Debug, Clone)]
pub struct TransferFixture {
    /// The council.
    pub council: OrganisationId,
    /// The children's trust.
    pub trust: OrganisationId,
    /// Children's social care.
    pub csc: ServiceId,
    /// The disabled children's service.
    pub dcs: ServiceId,
    /// The cabinet decision.
    pub decision: InstrumentId,
}

impl TransferFixture {
    /// Records the decision in `app`'s database.
    pub async fn new(app: &App) -> Self {
        let directory = app.directory().await.unwrap();
        let org = |kind| {
            directory
                .organisations
                .iter()
                .find(|o| o.kind == kind)
                .unwrap()
                .id
        };
        let service = |code: &str| {
            directory
                .services
                .iter()
                .find(|s| s.code.as_str() == code)
                .unwrap()
                .id
        };
        let council = org(OrganisationKind::LocalAuthority);
        let decision = Instrument {
            id: InstrumentId(0),
            authority: council,
            reference: "CAB/2027/004".into(),
            title: "Cabinet decision to commission children's services from the trust".into(),
            made_on: d(2027, 1, 20),
            details: InstrumentDetails::CabinetDecision {
                decision: "Commission from 1 April 2027".into(),
                recommendation: "Agree".into(),
            },
        };
        let decision = app
            .store()
            .record_provision_change(&decision, &[])
            .await
            .unwrap();
        TransferFixture {
            council,
            trust: org(OrganisationKind::ProviderBody),
            csc: service("CSC"),
            dcs: service("DCS"),
            decision,
        }
    }

    /// Both services, council to trust, from 1 April 2027.
    pub fn request(&self) -> TransferRequest {
        TransferRequest {
            title: "Children's services to the trust".into(),
            instrument: self.decision,
            services: vec![self.csc, self.dcs],
            from: self.council,
            to: self.trust,
            effective_from: d(2027, 4, 1),
        }
    }
}

/// Sets `clock` to 09:00 UTC on a day.
pub fn set_day(clock: &FixedClock, y: i32, m: u32, day: u32) {
    clock.set(Utc.with_ymd_and_hms(y, m, day, 9, 0, 0).unwrap());
}

/// Runs SQL on `db` behind the application's back (an administrator with database
/// access, or an attacker): for tests that tamper with what Carebridge wrote.
pub async fn behind_the_back(db: &TestDb, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url.connection_string()).await?;
    sqlx::raw_sql(sql).execute(&mut conn).await?;
    conn.close().await
}

/// Makes the audit log refuse every new entry (a full disk, a broken table…), behind
/// the application's back: for tests that no action happens without its audit entry.
pub async fn break_the_audit_log(db: &TestDb) -> Result<(), sqlx::Error> {
    let sql = match db.url.backend() {
        carebridge_store::Backend::Sqlite => {
            "CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END;"
        }
        carebridge_store::Backend::Postgres => {
            "CREATE FUNCTION audit_broken() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END; $$; \
             CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION audit_broken();"
        }
    };
    behind_the_back(db, sql).await
}

/// Reads rows on `db` behind the application's back, every column as text (cast them
/// in the SQL): for tests that check what Carebridge shows against what is stored,
/// without going through the code under test.
pub async fn read_behind_the_back(db: &TestDb, sql: &str) -> Result<Vec<Vec<String>>, sqlx::Error> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url.connection_string()).await?;
    let rows = sqlx::query(sql).fetch_all(&mut conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut cells = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            cells.push(row.try_get::<String, _>(i)?);
        }
        out.push(cells);
    }
    conn.close().await?;
    Ok(out)
}
