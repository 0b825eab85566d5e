//! The `carebridge` binary as a person uses it: start the demo twice, and get a clear
//! one-line error for each common mistake.

// Helpers outside #[test] functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

use sqlx::Connection;

fn carebridge() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carebridge"));
    command
        .env_remove("CAREBRIDGE_DATABASE_URL")
        .env("RUST_LOG", "warn");
    command
}

fn run(args: &[&str]) -> Output {
    carebridge().args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn prints_its_version() {
    let output = run(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("carebridge {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_bad_database_url_says_what_was_expected() {
    let output = run(&["migrate", "--database", "mysql://localhost/carebridge"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("error: database URL"), "{message}");
    assert!(
        message.contains("expected sqlite://PATH or postgres://"),
        "{message}"
    );
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    let garbage = b"These are my meeting notes, not a database. ".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let output = run(&[
        "migrate",
        "--database",
        &format!("sqlite://{}", path.display()),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("is not a Carebridge database or is damaged"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file must not be changed"
    );
}

#[test]
fn a_database_from_a_newer_release_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    assert!(run(&["migrate", "--database", &url]).status.success());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (29991231000001, 'from the future', TRUE, x'00', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    });
    let output = run(&["migrate", "--database", &url]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("schema version 29991231000001"),
        "{message}"
    );
    assert!(message.contains("upgrade Carebridge"), "{message}");
}

#[test]
fn a_missing_folder_is_named() {
    let output = run(&[
        "migrate",
        "--database",
        "sqlite:///no/such/folder/db.sqlite",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("the folder /no/such/folder") && message.contains("does not exist"),
        "{message}"
    );
}

#[test]
fn a_port_in_use_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = carebridge()
        .args(["serve", "--port", &port])
        .env("CAREBRIDGE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{message}"
    );
}

/// Starts `serve --demo` on a free port, waits for it to say it is ready, checks it
/// answers, stops it, and returns what it printed.
fn serve_demo_once(data_dir: &std::path::Path) -> String {
    let mut child = carebridge()
        .args(["serve", "--demo", "--port", "0"])
        .env("CAREBRIDGE_DATA_DIR", data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("serve stopped before it was ready")
            .unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.split("is ready at ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let health = tokio::runtime::Runtime::new().unwrap().block_on(async {
        carebridge_web::install_tls_provider();
        reqwest::get(format!("{address}healthz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert_eq!(health, "ok");
    child.kill().unwrap();
    child.wait().unwrap();
    printed
}

#[test]
fn the_demo_starts_and_a_second_start_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = serve_demo_once(dir.path());
    assert!(first.contains("Loaded the demo authority"), "{first}");
    assert!(first.contains("3000 children"), "{first}");
    for account in [
        "sw.demo",
        "tm.demo",
        "sm.demo",
        "director.demo",
        "analyst.demo",
        "ig.demo",
        "admin.demo",
    ] {
        assert!(first.contains(account), "{account} in {first}");
    }
    assert!(first.contains(carebridge_demo::DEMO_PASSWORD));
    // Its three changes of provider went through the transfer engine, and reconciled.
    assert!(
        first.contains("Replayed its changes of provider through the transfer engine"),
        "{first}"
    );
    assert_eq!(first.matches("reconciliation PASS").count(), 3, "{first}");
    assert!(!first.contains("FAIL"), "{first}");
    let second = serve_demo_once(dir.path());
    assert!(
        second.contains("Using the authority already in"),
        "{second}"
    );
    assert!(second.contains("sw.demo"), "{second}");
}

/// Every row of the tables the generator fills, as text, in id order.
async fn dump(url: &str) -> Vec<String> {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let mut out = Vec::new();
    for table in [
        "children",
        "involvements",
        "staff",
        "employments",
        "posts",
        "teams",
        "provision_periods",
    ] {
        let columns: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
        assert!(!columns.is_empty(), "{table} has columns");
        let rows: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT json_array({}) FROM {table} ORDER BY id",
            columns.join(", ")
        ))
        .fetch_all(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
        out.extend(rows.into_iter().map(|(r,)| format!("{table} {r}")));
    }
    out
}

#[test]
fn demo_generate_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    for (name, seed) in [("a.sqlite", "7"), ("b.sqlite", "7"), ("c.sqlite", "8")] {
        let output = run(&[
            "demo",
            "generate",
            "--children",
            "400",
            "--years",
            "8",
            "--seed",
            seed,
            "--today",
            "2026-11-23",
            "--database",
            &url(name),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(String::from_utf8_lossy(&output.stdout).contains("Generated 400 children"));
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b, c) = rt.block_on(async {
        (
            dump(&url("a.sqlite")).await,
            dump(&url("b.sqlite")).await,
            dump(&url("c.sqlite")).await,
        )
    });
    assert!(a.len() > 1000);
    assert_eq!(a, b, "same seed, same data");
    assert_ne!(a, c, "another seed, other data");

    let again = run(&[
        "demo",
        "generate",
        "--children",
        "10",
        "--database",
        &url("a.sqlite"),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already holds an authority"));
}

#[test]
fn accounts_are_made_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let create = |password: &str| {
        let mut child = carebridge()
            .args([
                "admin",
                "create-user",
                "--username",
                "k.okafor",
                "--name",
                "Kemi Okafor",
                "--role",
                "ig_lead",
            ])
            .args(["--password-stdin", "--database", &url])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let short = create("short");
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("password"), "{}", stderr(&short));
    let made = create("a long enough passphrase");
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(String::from_utf8_lossy(&made.stdout)
        .contains("Created k.okafor (Information governance lead)"));
    let taken = create("a long enough passphrase");
    assert_eq!(taken.status.code(), Some(1));

    let bad_role = run(&[
        "admin",
        "create-user",
        "--username",
        "x.y",
        "--name",
        "X",
        "--role",
        "wizard",
        "--database",
        &url,
    ]);
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(
        stderr(&bad_role).contains("unknown role \"wizard\""),
        "{}",
        stderr(&bad_role)
    );

    let mut reset = carebridge()
        .args([
            "admin",
            "reset-password",
            "--username",
            "nobody",
            "--password-stdin",
            "--database",
            &url,
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(reset.stdin.take().unwrap(), "another long passphrase").unwrap();
    let reset = reset.wait_with_output().unwrap();
    assert_eq!(reset.status.code(), Some(1));
    assert!(
        stderr(&reset).contains("account not found"),
        "{}",
        stderr(&reset)
    );
}

/// One number from the database (SQLite or PostgreSQL), for ids and counts.
fn scalar(url: &str, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
        let sql = format!("SELECT CAST(({sql}) AS BIGINT)");
        let value = sqlx::query_scalar(&sql).fetch_one(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        value
    })
}

#[test]
#[rustfmt::skip]
fn a_transfer_is_planned_dry_run_executed_and_reported_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let generated = run(&["demo", "generate", "--children", "200", "--today", "2026-11-23", "--database", &url]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let council = scalar(&url, "SELECT id FROM organisations WHERE kind = 'local_authority'").to_string();
    let trust = scalar(&url, "SELECT id FROM organisations WHERE kind = 'provider_body'").to_string();
    let decision = scalar(&url, "SELECT id FROM instruments WHERE kind = 'cabinet_decision' ORDER BY made_on DESC LIMIT 1").to_string();
    let plan = |services: &str, effective: &str| {
        run(&[
            "transfer", "plan", "--title", "Early help to the trust", "--instrument", &decision, "--services", services,
            "--from", &council, "--to", &trust, "--effective", effective, "--by", "a.director", "--database", &url,
        ])
    };
    let unknown = plan("EH,NOPE", "2026-11-01");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no service \"NOPE\""), "{}", stderr(&unknown));
    let wrong_way = run(&[
        "transfer", "plan", "--title", "Back", "--instrument", &decision, "--services", "EH", "--from", &trust, "--to",
        &council, "--effective", "2026-11-01", "--database", &url,
    ]);
    assert_eq!(wrong_way.status.code(), Some(1));
    assert!(stderr(&wrong_way).contains("does not provide Early help"), "{}", stderr(&wrong_way));

    let choices = run(&["transfer", "choices", "--database", &url]);
    let choices = String::from_utf8_lossy(&choices.stdout).into_owned();
    assert!(choices.contains(&format!("{decision:>4}  ")) && choices.contains("EH  Early help"), "{choices}");

    let planned = plan("EH", "2026-11-01");
    assert!(planned.status.success(), "{}", stderr(&planned));
    // The demo's own history is three executed plans; this one comes after them.
    let id = scalar(&url, "SELECT MAX(id) FROM transfer_plans").to_string();
    assert_eq!(id, "4");
    assert!(String::from_utf8_lossy(&planned.stdout).contains(&format!("Planned transfer {id}")));
    let shown = run(&["transfer", "show", &id, "--database", &url]);
    let shown_text = String::from_utf8_lossy(&shown.stdout).into_owned();
    // The plan took effect on 1 November 2026 under a decision of 2022: information
    // was due by 4 October and not given, so it is overdue.
    assert!(shown_text.contains("Overdue    Employee liability information given (due by 2026-10-04)"), "{shown_text}");
    let step = run(&["transfer", "step", &id, "--kind", "eli", "--on", "2026-10-20", "--notes", "late", "--database", &url]);
    assert!(step.status.success(), "{}", stderr(&step));
    let shown_again = run(&["transfer", "show", &id, "--database", &url]);
    let shown_again = String::from_utf8_lossy(&shown_again.stdout).into_owned();
    assert!(shown_again.contains("Given 12 days before the transfer; regulation 11(6) asks for at least 28."), "{shown_again}");
    let bad_step = run(&["transfer", "step", &id, "--kind", "party", "--on", "2026-10-20", "--database", &url]);
    assert_eq!(bad_step.status.code(), Some(1));
    assert!(stderr(&bad_step).contains("expected eli, measures_letter, consultation or staff_letters"), "{}", stderr(&bad_step));
    assert!(shown_text.contains("staff changing employer:"), "{shown_text}");
    let listed = run(&["transfer", "list", "--database", &url]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("Draft"));

    let executed = run(&["transfer", "execute", &id, "--by", "a.director", "--database", &url]);
    assert!(executed.status.success(), "{}", stderr(&executed));
    let text = String::from_utf8_lossy(&executed.stdout).into_owned();
    assert_eq!(text.matches("  PASS  ").count(), 4, "{text}");
    assert!(text.contains("All checks passed."));
    let twice = run(&["transfer", "execute", &id, "--database", &url]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(stderr(&twice).contains("reversed only by a new plan"), "{}", stderr(&twice));

    // Who could open a child's early help record, the day before and the day of it.
    let child = scalar(&url, "SELECT MIN(child_id) FROM involvements WHERE ends_on IS NULL AND service_id = (SELECT id FROM services WHERE code = 'EH')").to_string();
    let explain = |day: &str| {
        let out = run(&["access", "explain", "--child", &child, "--at", day, "--database", &url]);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let eve = explain("2026-10-31");
    let day = explain("2026-11-01");
    assert!(eve.contains("employed by Northmoor Metropolitan Borough Council"), "{eve}");
    assert!(day.contains("employed by Northmoor Children's Trust"), "{day}");
    assert!(!day.contains("employed by Northmoor Metropolitan Borough Council"), "{day}");
    assert_eq!(eve.lines().count(), day.lines().count(), "the same people, now with the trust");
    let nobody = run(&["access", "explain", "--child", "999999", "--database", &url]);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(stderr(&nobody).contains("child not found"), "{}", stderr(&nobody));

    let csv = run(&["transfer", "report", &id, "--csv", "--database", &url]);
    let csv = String::from_utf8_lossy(&csv.stdout).into_owned();
    assert!(csv.starts_with("plan,check,result,compared,failure\n"), "{csv}");
    assert_eq!(csv.lines().count(), 5);
}

#[test]
fn a_data_folder_that_cannot_be_made_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "a file where the data folder should be").unwrap();
    let output = carebridge()
        .args(["migrate"])
        .env("CAREBRIDGE_DATA_DIR", &file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: cannot create the data folder"),
        "{message}"
    );
    assert!(message.contains("not-a-folder"), "{message}");
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
}

/// A database in the state "demo loaded, early help planned to move to the trust on
/// 1 November 2026" (already past, so the plan can be executed today), made by the
/// CLI itself. Returns the organisation id of the trust.
fn prepare_transfer(url: &str) -> i64 {
    let generated = run(&[
        "demo",
        "generate",
        "--children",
        "300",
        "--today",
        "2026-11-23",
        "--database",
        url,
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let council = scalar(
        url,
        "SELECT id FROM organisations WHERE kind = 'local_authority'",
    );
    let trust = scalar(
        url,
        "SELECT id FROM organisations WHERE kind = 'provider_body'",
    );
    let decision = scalar(
        url,
        "SELECT id FROM instruments WHERE kind = 'cabinet_decision' ORDER BY made_on DESC LIMIT 1",
    );
    let (council, trust, decision) = (council.to_string(), trust.to_string(), decision.to_string());
    let planned = run(&[
        "transfer",
        "plan",
        "--title",
        "Early help to the trust",
        "--instrument",
        &decision,
        "--services",
        "EH",
        "--from",
        &council,
        "--to",
        &trust,
        "--effective",
        "2026-11-01",
        "--database",
        url,
    ]);
    assert!(planned.status.success(), "{}", stderr(&planned));
    trust.parse().unwrap()
}

/// What a crash may not split: the plan's status, its report, the service's provision
/// and the employments.
#[derive(Debug, PartialEq, Eq)]
struct TransferState {
    executed: bool,
    reports: i64,
    periods_from_effective_date: i64,
    employments: i64,
}

fn transfer_state(url: &str) -> TransferState {
    TransferState {
        executed: scalar(url, "SELECT CASE WHEN status = 'executed' THEN 1 ELSE 0 END FROM transfer_plans WHERE id = (SELECT MAX(id) FROM transfer_plans)") == 1,
        reports: scalar(url, "SELECT COUNT(*) FROM transfer_reports WHERE plan_id = (SELECT MAX(id) FROM transfer_plans)"),
        periods_from_effective_date: scalar(url, "SELECT COUNT(*) FROM provision_periods WHERE starts_on = '2026-11-01'"),
        employments: scalar(url, "SELECT COUNT(*) FROM employments"),
    }
}

/// Kills `carebridge transfer execute` with SIGKILL at many points and checks each time
/// that the database is wholly before or wholly after the transfer.
#[test]
fn a_killed_execution_leaves_the_database_wholly_before_or_wholly_after() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = dir.path().join("prepared.sqlite");
    prepare_transfer(&format!("sqlite://{}", prepared.display()));
    // A copy of the database file and, if SQLite has not folded it in yet, its
    // write-ahead log (which holds the newest committed transactions).
    let copy = |name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(&prepared, &path).unwrap();
        let wal = dir.path().join("prepared.sqlite-wal");
        if wal.exists() {
            std::fs::copy(&wal, dir.path().join(format!("{name}-wal"))).unwrap();
        }
        format!("sqlite://{}", path.display())
    };
    kill_executions(24, copy);
}

/// The same on PostgreSQL: each kill gets a new database made by the CLI.
#[test]
fn a_killed_execution_on_postgres_leaves_it_wholly_before_or_wholly_after() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    if rt.block_on(carebridge_testkit::postgres()).is_none() {
        return;
    }
    let fresh = |_: &str| {
        let db = rt.block_on(carebridge_testkit::postgres()).unwrap();
        let url = match &db.url {
            carebridge_app::DatabaseUrl::Postgres(url) => url.to_string(),
            carebridge_app::DatabaseUrl::Sqlite(_) => unreachable!(),
        };
        prepare_transfer(&url);
        url
    };
    kill_executions(10, fresh);
}

/// Runs one execution to the end on `fresh("whole")`, then `kills` more, each on its
/// own `fresh(name)` database, killed with SIGKILL at points spread over the run.
#[rustfmt::skip]
fn kill_executions(kills: usize, mut fresh: impl FnMut(&str) -> String) {
    let whole = fresh("whole.sqlite");
    let plan = scalar(&whole, "SELECT MAX(id) FROM transfer_plans").to_string();
    let before = transfer_state(&whole);
    assert!(!before.executed);
    let started = std::time::Instant::now();
    let done = run(&["transfer", "execute", &plan, "--database", &whole]);
    let full_time = started.elapsed();
    assert!(done.status.success(), "{}", stderr(&done));
    let after = transfer_state(&whole);
    assert!(after.executed && after.reports == 1 && after.periods_from_effective_date == 1);
    assert!(after.employments > before.employments);

    // Kill points spread over the whole run, from "just started" to "nearly done".
    let (mut seen_before, mut seen_after) = (0, 0);
    let mut seed: u64 = 2014;
    for i in 0..kills {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let fraction = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let delay = full_time.mul_f64(1.1 * fraction);
        let url = fresh(&format!("killed-{i}.sqlite"));
        let mut child = carebridge().args(["transfer", "execute", &plan, "--database", &url])
            .stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; it may have finished already
        child.wait().unwrap();
        let state = transfer_state(&url);
        if state == before {
            seen_before += 1;
        } else if state == after {
            seen_after += 1;
        } else {
            panic!("kill {i} after {delay:?} left a state between: {state:?} (before {before:?}, after {after:?})");
        }
    }
    eprintln!("{kills} kills: {seen_before} left it before, {seen_after} after");
}

#[test]
#[rustfmt::skip]
fn instruments_are_recorded_after_their_effect_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let generated = run(&["demo", "generate", "--children", "20", "--today", "2026-11-23", "--database", &url]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let count = || scalar(&url, "SELECT COUNT(*) FROM instruments");
    let before = count();
    let dfe = scalar(&url, "SELECT id FROM organisations WHERE kind = 'government_department'").to_string();
    let trust = scalar(&url, "SELECT id FROM organisations WHERE kind = 'provider_body'").to_string();

    let direction = |extra: &[&str]| {
        let mut args = vec!["instrument", "add", "--kind", "direction", "--reference", "DfE/2026/DIR/11",
            "--title", "Direction to commission early help", "--made-on", "2026-11-20", "--issuer", &dfe,
            "--database", &url];
        args.extend_from_slice(extra);
        run(&args)
    };
    let dry = direction(&["--immediate", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let text = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(text.contains("Government direction (immediate effect)"), "{text}");
    assert!(text.contains("there is no time for 28 days' employee liability information"), "{text}");
    assert_eq!(count(), before, "a dry run saves nothing");

    let clash = direction(&["--immediate", "--effective-from", "2026-12-01"]);
    assert_eq!(clash.status.code(), Some(1));
    assert!(stderr(&clash).contains("takes effect on the day it is made"), "{}", stderr(&clash));
    let missing = run(&["instrument", "add", "--kind", "contract", "--reference", "C/1", "--title", "Contract",
        "--made-on", "2026-11-01", "--database", &url]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("--provider is needed for a contract"), "{}", stderr(&missing));
    assert_eq!(count(), before);

    let saved = direction(&["--immediate"]);
    assert!(saved.status.success(), "{}", stderr(&saved));
    assert!(String::from_utf8_lossy(&saved.stdout).contains(&format!("Recorded instrument {}", before + 1)));
    let notice = run(&["instrument", "add", "--kind", "notice", "--reference", "N/2026/1", "--title", "Notice",
        "--made-on", "2026-11-02", "--served-by", &trust, "--served-on", &dfe, "--notice-days", "180",
        "--ends-on", "2026-12-01", "--database", &url]);
    assert_eq!(notice.status.code(), Some(1), "without mutual agreement the notice period applies");
    assert!(stderr(&notice).contains("notice period runs to at least"), "{}", stderr(&notice));
    assert_eq!(count(), before + 1);
}

/// Runs SQL on the database behind Carebridge's back.
fn behind_the_back(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut conn = sqlx::AnyConnection::connect(url).await?;
        sqlx::raw_sql(sql).execute(&mut conn).await?;
        conn.close().await
    })
}

#[test]
#[rustfmt::skip]
fn audit_head_and_verify_catch_an_edit_made_behind_the_applications_back() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let generated = run(&["demo", "generate", "--children", "20", "--today", "2026-11-23", "--database", &url]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    // Each answer that names a child is audited.
    for child in ["1", "2", "3"] {
        let out = run(&["access", "explain", "--child", child, "--database", &url]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let head = run(&["audit", "head", "--database", &url]);
    let head = String::from_utf8_lossy(&head.stdout).into_owned();
    let (count, hash) = head.trim().split_once(' ').unwrap();
    assert_eq!(count, "3");
    assert_eq!(hash.len(), 64);

    let verified = run(&["audit", "verify", "--extends", hash, "--database", &url]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let said = String::from_utf8_lossy(&verified.stdout).into_owned();
    assert!(said.contains("intact: 3 entries") && said.contains("extends the hash"), "{said}");

    let bad = run(&["audit", "verify", "--extends", "not-a-hash", "--database", &url]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("64-character hex"), "{}", stderr(&bad));
    let unknown = run(&["audit", "verify", "--extends", &"ab".repeat(32), "--database", &url]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("does not contain the hash"), "{}", stderr(&unknown));

    // The database refuses edits; with its triggers dropped, verify names the entry.
    assert!(behind_the_back(&url, "UPDATE audit_log SET username = 'someone else' WHERE seq = 2").is_err());
    behind_the_back(&url, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'someone else' WHERE seq = 2").unwrap();
    let broken = run(&["audit", "verify", "--database", &url]);
    assert_eq!(broken.status.code(), Some(1));
    assert_eq!(
        stderr(&broken).trim(),
        "error: the audit log is broken at entry 2: its content does not match its hash (entry 1 checks out)"
    );
}

#[test]
#[rustfmt::skip]
fn a_backup_taken_while_in_use_restores_with_the_same_records_and_an_intact_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.sqlite").display());
    let generated = run(&["demo", "generate", "--children", "30", "--today", "2026-11-23", "--database", &url]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    for child in ["1", "2"] {
        assert!(run(&["access", "explain", "--child", child, "--database", &url]).status.success());
    }
    let head = String::from_utf8_lossy(&run(&["audit", "head", "--database", &url]).stdout).into_owned();
    let backup = dir.path().join("nightly.sqlite");
    let backed_up = run(&["backup", "--to", backup.to_str().unwrap(), "--database", &url]);
    assert!(backed_up.status.success(), "{}", stderr(&backed_up));
    assert!(String::from_utf8_lossy(&backed_up.stdout).contains("30 children's records"));
    let again = run(&["backup", "--to", backup.to_str().unwrap(), "--database", &url]);
    assert_eq!(again.status.code(), Some(1), "a backup never overwrites");

    // Restored into a new place: the same children, the same audit head, verified.
    let restored_url = format!("sqlite://{}", dir.path().join("restored.sqlite").display());
    let restored = run(&["restore", "--from", backup.to_str().unwrap(), "--database", &restored_url]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let said = String::from_utf8_lossy(&restored.stdout).into_owned();
    assert!(said.contains("30 children's records; audit log intact (2 entries"), "{said}");
    assert_eq!(String::from_utf8_lossy(&run(&["audit", "head", "--database", &restored_url]).stdout), head);
    let count = |u: &str| scalar(u, "SELECT COUNT(*) FROM involvements");
    assert_eq!(count(&url), count(&restored_url));

    // An existing database is replaced only when asked.
    let refused = run(&["restore", "--from", backup.to_str().unwrap(), "--database", &restored_url]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--replace"), "{}", stderr(&refused));

    // A backup whose audit log was edited is refused, and nothing is replaced.
    behind_the_back(&format!("sqlite://{}", backup.display()), "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'x' WHERE seq = 1").unwrap();
    let tampered = run(&["restore", "--from", backup.to_str().unwrap(), "--replace", "--database", &restored_url]);
    assert_eq!(tampered.status.code(), Some(1));
    assert!(stderr(&tampered).contains("audit log is broken at entry 1"), "{}", stderr(&tampered));
    assert!(run(&["audit", "verify", "--database", &restored_url]).status.success(), "the old database is untouched");
    assert!(!dir.path().join("restored.restoring").exists());
}

#[test]
#[rustfmt::skip]
fn a_postgres_backup_restores_into_another_database_with_its_audit_log() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let new_db = || {
        rt.block_on(carebridge_testkit::postgres()).map(|db| match &db.url {
            carebridge_app::DatabaseUrl::Postgres(url) => url.to_string(),
            carebridge_app::DatabaseUrl::Sqlite(_) => unreachable!(),
        })
    };
    let (Some(live), Some(other)) = (new_db(), new_db()) else {
        return;
    };
    let generated = run(&["demo", "generate", "--children", "30", "--today", "2026-11-23", "--database", &live]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(run(&["access", "explain", "--child", "1", "--database", &live]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.dump");
    let backed_up = run(&["backup", "--to", file.to_str().unwrap(), "--database", &live]);
    assert!(backed_up.status.success(), "{}", stderr(&backed_up));
    let restored = run(&["restore", "--from", file.to_str().unwrap(), "--database", &other]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let said = String::from_utf8_lossy(&restored.stdout).into_owned();
    assert!(said.contains("30 children's records; audit log intact (1 entries"), "{said}");
    assert_eq!(
        String::from_utf8_lossy(&run(&["audit", "head", "--database", &live]).stdout),
        String::from_utf8_lossy(&run(&["audit", "head", "--database", &other]).stdout)
    );
}

#[test]
#[rustfmt::skip]
fn annex_a_is_written_from_the_records_and_every_child_on_it_audited() {
    use calamine::{Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let generated = run(&["demo", "generate", "--children", "120", "--today", "2026-11-23", "--database", &url]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let out = dir.path().join("annex-a.xlsx");
    let made = run(&["returns", "annex-a", "--to", "2026-11-23", "--out", out.to_str().unwrap(), "--database", &url]);
    assert!(made.status.success(), "{}", stderr(&made));
    let said = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(said.starts_with("Ofsted Annex A, 2025-11-24 to 2026-11-23: "), "{said}");
    let mut book = Xlsx::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap())).unwrap();
    assert_eq!(book.sheet_names().len(), 12);
    // The rows said on the terminal are the rows in the workbook.
    for n in 1..=11 {
        let rows = book.worksheet_range(&format!("List {n}")).unwrap().height() - 1;
        assert!(said.contains(&format!(" {rows:>6} rows")), "list {n}: {rows} rows; {said}");
    }
    let listed = scalar(&url, "SELECT COUNT(*) FROM audit_log WHERE action = 'annex-a-listed'");
    assert!(said.contains(&format!(": {listed} children")), "{listed} audited; {said}");
    assert!(listed > 0);

    let backwards = run(&["returns", "annex-a", "--from", "2026-11-23", "--to", "2026-01-01", "--out", out.to_str().unwrap(), "--database", &url]);
    assert_eq!(backwards.status.code(), Some(1));
    assert!(stderr(&backwards).contains("ends (2026-01-01) before it starts (2026-11-23)"), "{}", stderr(&backwards));
    let unwritable = run(&["returns", "annex-a", "--to", "2026-11-23", "--out", "/nonexistent/dir/a.xlsx", "--database", &url]);
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(stderr(&unwritable).contains("/nonexistent/dir/a.xlsx: cannot write the workbook"), "{}", stderr(&unwritable));
}

#[test]
#[rustfmt::skip]
fn the_cin_census_is_written_from_the_records_checked_and_every_child_on_it_audited() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let generated = run(&["demo", "generate", "--children", "120", "--today", "2026-11-23", "--database", &url]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let out = dir.path().join("cin.xml");
    let made = run(&["returns", "export", "cin", "--year", "2025-26", "--la-number", "990", "--out", out.to_str().unwrap(), "--database", &url]);
    assert!(made.status.success(), "{}", stderr(&made));
    let said = String::from_utf8_lossy(&made.stdout).into_owned();
    let listed = scalar(&url, "SELECT COUNT(*) FROM audit_log WHERE action = 'cin-listed'");
    assert!(listed > 0);
    assert!(said.starts_with(&format!("CIN census 2025-26 from the records: {listed} children, written to")), "{said}");
    // Then the year's rules, as `returns validate cin` reports them.
    assert!(said.contains("CIN census 2025-26 validation of"), "{said}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<LEA>990</LEA>"));
    assert_eq!(xml.matches("<Child>").count() as i64, listed);
    // The written file checks the same on its own.
    let again = run(&["returns", "validate", "cin", "--year", "2025-26", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("ChildIdentifiers"));

    let bad = run(&["returns", "export", "cin", "--year", "2025-26", "--la-number", "99", "--out", out.to_str().unwrap(), "--database", &url]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("expected three digits"), "{}", stderr(&bad));
}

#[test]
#[rustfmt::skip]
fn a_cin_census_from_another_system_is_imported_once_and_a_broken_one_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("from.sqlite").display());
    let to = format!("sqlite://{}", dir.path().join("to.sqlite").display());
    assert!(run(&["demo", "generate", "--children", "120", "--today", "2026-11-23", "--database", &from]).status.success());
    assert!(run(&["demo", "generate", "--children", "0", "--today", "2026-11-23", "--database", &to]).status.success());
    let file = dir.path().join("cin.xml");
    let made = run(&["returns", "export", "cin", "--year", "2025-26", "--out", file.to_str().unwrap(), "--database", &from]);
    assert!(made.status.success(), "{}", stderr(&made));
    let children = std::fs::read_to_string(&file).unwrap().matches("<Child>").count();

    let imported = run(&["import", "cin", "--year", "2025-26", file.to_str().unwrap(), "--database", &to]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let said = String::from_utf8_lossy(&imported.stdout).into_owned();
    assert!(said.contains(&format!("children: {children} created, 0 updated")), "{said}");
    assert_eq!(scalar(&to, "SELECT COUNT(*) FROM children") as usize, children);
    let again = run(&["import", "cin", "--year", "2025-26", file.to_str().unwrap(), "--database", &to]);
    let said = String::from_utf8_lossy(&again.stdout).into_owned();
    assert!(said.contains("children: 0 created, 0 updated"), "{said}");
    assert!(said.contains("events: 0 created"), "{said}");

    // A referral date that is not a date: the line and the field, and nothing written.
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("<CINreferralDate>").unwrap() + "<CINreferralDate>".len();
    let line = text[..at].lines().count();
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, format!("{}2025-02-30{}", &text[..at], &text[at + 10..])).unwrap();
    let fresh = format!("sqlite://{}", dir.path().join("fresh.sqlite").display());
    assert!(run(&["demo", "generate", "--children", "0", "--today", "2026-11-23", "--database", &fresh]).status.success());
    let refused = run(&["import", "cin", "--year", "2025-26", broken.to_str().unwrap(), "--database", &fresh]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains(&format!("line {line} (child ")), "{err}");
    assert!(err.contains("CINreferralDate: \"2025-02-30\" is not a date: expected YYYY-MM-DD"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(scalar(&fresh, "SELECT COUNT(*) FROM children"), 0);
}

#[test]
#[rustfmt::skip]
fn a_903_return_from_another_system_is_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("from.sqlite").display());
    let to = format!("sqlite://{}", dir.path().join("to.sqlite").display());
    assert!(run(&["demo", "generate", "--children", "120", "--today", "2026-11-23", "--database", &from]).status.success());
    assert!(run(&["demo", "generate", "--children", "0", "--today", "2026-11-23", "--database", &to]).status.success());
    let out = dir.path().join("903");
    assert!(run(&["returns", "export", "ssda903", "--year", "2025-26", "--out", out.to_str().unwrap(), "--database", &from]).status.success());
    let children = std::fs::read_to_string(out.join("Header.csv")).unwrap().lines().count() - 1;

    let imported = run(&["import", "ssda903", "--year", "2025-26", out.to_str().unwrap(), "--database", &to]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let said = String::from_utf8_lossy(&imported.stdout).into_owned();
    assert!(said.contains(&format!("children: {children} created, 0 updated")), "{said}");
    let again = run(&["import", "ssda903", "--year", "2025-26", out.to_str().unwrap(), "--database", &to]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("children: 0 created, 0 updated"));

    // An unknown legal status: the file, the line and the column.
    let episodes = std::fs::read_to_string(out.join("Episodes.csv")).unwrap();
    let second = episodes.lines().nth(1).unwrap().to_owned();
    let mut cells: Vec<&str> = second.split(',').collect();
    cells[3] = "Q9";
    std::fs::write(out.join("Episodes.csv"), episodes.replacen(&second, &cells.join(","), 1)).unwrap();
    let fresh = format!("sqlite://{}", dir.path().join("fresh.sqlite").display());
    assert!(run(&["demo", "generate", "--children", "0", "--today", "2026-11-23", "--database", &fresh]).status.success());
    let refused = run(&["import", "ssda903", "--year", "2025-26", out.to_str().unwrap(), "--database", &fresh]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains("Episodes.csv line 2 (child "), "{err}");
    assert!(err.contains("LS: \"Q9\" is not a code of the 903's LS list"), "{err}");
    assert_eq!(scalar(&fresh, "SELECT COUNT(*) FROM children"), 0);
}
