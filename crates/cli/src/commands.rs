//! The commands. Each opens the database, calls the app, and prints what a person needs.

use std::io::{BufRead, IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use carebridge_app::demo::DemoLoaded;
use carebridge_app::{App, DatabaseUrl, Store, SystemClock};
use carebridge_demo::{DemoParams, DEMO_PASSWORD};
use carebridge_domain::staff::Role;
use carebridge_domain::StaffId;
use carebridge_web::WebConfig;
use chrono::NaiveDate;
use clap::Args;

/// Logs go to standard error; `RUST_LOG` chooses how much (default: info).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Reads `--database`, or makes the default SQLite file in `data_dir`.
pub(crate) fn database_url(database: Option<&str>, data_dir: &Path) -> Result<DatabaseUrl> {
    if let Some(text) = database {
        return Ok(DatabaseUrl::parse(text)?);
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
    Ok(DatabaseUrl::sqlite(&data_dir.join("carebridge.sqlite")))
}

pub(crate) async fn open(database: Option<&str>, data_dir: &Path) -> Result<(App, DatabaseUrl)> {
    let url = database_url(database, data_dir)?;
    if let DatabaseUrl::Sqlite(path) = &url {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                bail!(
                    "the folder {} for database {} does not exist; create it or choose another --database",
                    parent.display(),
                    url.redacted()
                );
            }
        }
    }
    let store = Store::open(&url).await?;
    Ok((App::new(store, Arc::new(SystemClock)), url))
}

/// An LA number as the DfE writes it: three digits.
pub(crate) fn la_number(text: &str) -> Result<String, String> {
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not an LA number: expected three digits, like 801"
        ))
    }
}

/// `carebridge serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Load the demo authority (Northmoor) if the database has none.
    #[arg(long)]
    demo: bool,
    /// Port to listen on.
    #[arg(long, default_value_t = 8080, env = "CAREBRIDGE_PORT")]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", env = "CAREBRIDGE_BIND")]
    bind: IpAddr,
    /// Mark cookies Secure (set this when Carebridge is served over HTTPS, e.g. behind a proxy).
    #[arg(long, env = "CAREBRIDGE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// A shell command run after every break-glass opening, with the opening as JSON on
    /// its standard input (e.g. to mail the information governance lead).
    #[arg(long, env = "CAREBRIDGE_BREAK_GLASS_HOOK")]
    break_glass_hook: Option<String>,
    /// The authority's three-digit LA number, for the CIN census header (with --demo,
    /// the demo authority's fictional 990 when not given).
    #[arg(long, env = "CAREBRIDGE_LA_NUMBER", value_parser = la_number)]
    la_number: Option<String>,
    #[command(flatten)]
    oidc: OidcArgs,
}

/// Single sign-on with OpenID Connect (optional; all four of issuer, client id, secret
/// and redirect URL together).
#[derive(Debug, Args)]
pub struct OidcArgs {
    /// The identity provider's issuer URL, e.g.
    /// `https://login.microsoftonline.com/TENANT-ID/v2.0` for Entra ID.
    #[arg(long, env = "CAREBRIDGE_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// The client (application) id registered with the provider.
    #[arg(long, env = "CAREBRIDGE_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// The client secret (prefer the environment variable to the command line).
    #[arg(
        long,
        env = "CAREBRIDGE_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "oidc_issuer"
    )]
    oidc_client_secret: Option<String>,
    /// This server's callback as registered: `https://HOST/sign-in/oidc/callback`.
    #[arg(long, env = "CAREBRIDGE_OIDC_REDIRECT_URL", requires = "oidc_issuer")]
    oidc_redirect_url: Option<String>,
    /// The ID token claim holding the Carebridge sign-in name: preferred_username or email.
    #[arg(
        long,
        env = "CAREBRIDGE_OIDC_USERNAME_CLAIM",
        default_value = "preferred_username"
    )]
    oidc_username_claim: String,
}

impl OidcArgs {
    /// The settings, when single sign-on is configured.
    fn settings(&self) -> Result<Option<carebridge_web::oidc::OidcSettings>> {
        use carebridge_web::oidc::{OidcSettings, UsernameClaim};
        let Some(issuer) = &self.oidc_issuer else {
            return Ok(None);
        };
        let (Some(client_id), Some(client_secret), Some(redirect_url)) = (
            &self.oidc_client_id,
            &self.oidc_client_secret,
            &self.oidc_redirect_url,
        ) else {
            bail!("single sign-on needs --oidc-client-id, --oidc-client-secret and --oidc-redirect-url with --oidc-issuer");
        };
        let username_claim = match self.oidc_username_claim.as_str() {
            "preferred_username" => UsernameClaim::PreferredUsername,
            "email" => UsernameClaim::Email,
            other => {
                bail!("--oidc-username-claim must be preferred_username or email, not {other:?}")
            }
        };
        Ok(Some(OidcSettings {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            redirect_url: redirect_url.clone(),
            username_claim,
        }))
    }
}

pub async fn serve(database: Option<&str>, data_dir: &Path, args: ServeArgs) -> Result<()> {
    let started = Instant::now();
    let address = SocketAddr::new(args.bind, args.port);
    // Bind first: a port in use is the commonest start-up failure and should not wait
    // for the demo to load.
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "port {} on {} is already in use (is Carebridge already running?); stop the other program or choose another --port",
                args.port,
                args.bind
            )
        } else {
            anyhow::anyhow!("cannot listen on {address}: {e}")
        }
    })?;
    let (app, url) = open(database, data_dir).await?;
    let app = match &args.break_glass_hook {
        Some(command) => app.with_break_glass_hook(command.as_str()),
        None => app,
    };
    let la = args
        .la_number
        .clone()
        .or_else(|| args.demo.then(|| carebridge_demo::LA_NUMBER.to_owned()));
    let app = match la {
        Some(la) => app.with_la_number(la),
        None => app,
    };
    let mut out = std::io::stdout().lock();
    if args.demo {
        let params = DemoParams::standard(app.clock().today());
        match app.load_demo(&params, |_, _| {}).await? {
            DemoLoaded::Reused => {
                writeln!(out, "Using the authority already in {}.", url.redacted())?;
            }
            DemoLoaded::Created {
                children,
                staff,
                transfers,
                ..
            } => {
                writeln!(
                    out,
                    "Loaded the demo authority into {}: {children} children, {staff} staff.",
                    url.redacted()
                )?;
                print_replayed(&mut out, &transfers)?;
            }
        }
        let users = app.store().users().await?;
        if !users.is_empty() {
            writeln!(
                out,
                "\nSign in with one of these accounts (password {DEMO_PASSWORD:?} unless changed):"
            )?;
            for user in users {
                writeln!(out, "  {:<16} {}", user.username, user.role.label())?;
            }
        }
    }
    let oidc = match args.oidc.settings()? {
        Some(settings) => {
            let oidc = carebridge_web::oidc::Oidc::discover(&settings).await?;
            writeln!(out, "Single sign-on with {}.", settings.issuer)?;
            Some(oidc)
        }
        None => None,
    };
    let local = listener.local_addr()?;
    writeln!(
        out,
        "\nCarebridge {} is ready at http://{local}/ ({:.2} s). Press Ctrl+C to stop.",
        env!("CARGO_PKG_VERSION"),
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    drop(out);
    let router = carebridge_web::router(
        app.clone(),
        WebConfig {
            secure_cookies: args.secure_cookies,
            oidc,
        },
    );
    carebridge_web::serve(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the web server stopped")?;
    app.store().close().await;
    Ok(())
}

/// Says which changes of provider the demo replayed through the transfer engine.
fn print_replayed(out: &mut impl Write, transfers: &[(String, bool)]) -> Result<()> {
    if transfers.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Replayed its changes of provider through the transfer engine:"
    )?;
    for (title, passed) in transfers {
        let result = if *passed {
            "reconciliation PASS"
        } else {
            "reconciliation FAIL"
        };
        writeln!(out, "  {title}: {result}")?;
    }
    Ok(())
}

pub async fn migrate(database: Option<&str>, data_dir: &Path) -> Result<()> {
    let (app, url) = open(database, data_dir).await?;
    println!(
        "{} is at schema version {}.",
        url.redacted(),
        app.store().latest_schema_version()
    );
    app.store().close().await;
    Ok(())
}

/// `carebridge demo generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many children.
    #[arg(long, default_value_t = 3000)]
    children: u32,
    /// Years of history up to today.
    #[arg(long, default_value_t = 12)]
    years: u32,
    /// Seed: the same seed gives the same authority.
    #[arg(long, default_value_t = 2014)]
    seed: u64,
    /// The day the demo is as at (YYYY-MM-DD); default today.
    #[arg(long)]
    today: Option<NaiveDate>,
    /// Posts in the workforce: the standard establishment, or more (extra frontline
    /// posts in every team, for a large authority).
    #[arg(long, default_value_t = carebridge_demo::STANDARD_POSTS)]
    posts: u32,
}

pub async fn generate(database: Option<&str>, data_dir: &Path, args: GenerateArgs) -> Result<()> {
    if args.children > 2_000_000 {
        bail!(
            "--children {} is more than the 2,000,000 the generator supports",
            args.children
        );
    }
    if !(1..=60).contains(&args.years) {
        bail!("--years must be between 1 and 60, not {}", args.years);
    }
    if !(carebridge_demo::STANDARD_POSTS..=100_000).contains(&args.posts) {
        bail!(
            "--posts must be between {} (the standard establishment) and 100,000, not {}",
            carebridge_demo::STANDARD_POSTS,
            args.posts
        );
    }
    let started = Instant::now();
    let (app, url) = open(database, data_dir).await?;
    let params = DemoParams {
        children: args.children,
        years: args.years,
        seed: args.seed,
        today: args.today.unwrap_or_else(|| app.clock().today()),
        posts: args.posts,
    };
    let terminal = std::io::stderr().is_terminal();
    let loaded = app
        .load_demo(&params, |done, total| {
            if terminal {
                eprint!("\r{done} of {total} children written");
            }
        })
        .await?;
    if terminal {
        eprintln!();
    }
    match loaded {
        DemoLoaded::Reused => bail!(
            "{} already holds an authority; generate into a new database (another --database or --data-dir)",
            url.redacted()
        ),
        DemoLoaded::Created {
            children,
            staff,
            accounts,
            transfers,
        } => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "Generated {children} children, {staff} staff and {} accounts into {} in {:.2} s (seed {}).",
                accounts.len(),
                url.redacted(),
                started.elapsed().as_secs_f64(),
                params.seed
            )?;
            print_replayed(&mut out, &transfers)?;
        }
    }
    app.store().close().await;
    Ok(())
}

/// Reads a password: from the terminal without echo, or one line of standard input.
fn read_password(from_stdin: bool) -> Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ").context("reading the password")?;
    let second = rpassword::prompt_password("Password again: ").context("reading the password")?;
    if first != second {
        bail!("the two passwords are not the same; nothing was changed");
    }
    Ok(first)
}

/// `carebridge admin create-user`.
#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Sign-in name (letters, digits, dot, dash, underscore).
    #[arg(long)]
    username: String,
    /// The name shown once signed in.
    #[arg(long)]
    name: String,
    /// Role code: social_worker, senior_practitioner, team_manager, service_manager,
    /// director, performance_analyst, ig_lead, system_admin, inspector, partner_read_only.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The staff member (id) the account belongs to.
    #[arg(long)]
    staff: Option<i64>,
    /// Read the password from standard input instead of the terminal.
    #[arg(long)]
    password_stdin: bool,
}

fn parse_role(text: &str) -> std::result::Result<Role, String> {
    Role::parse(text).map_err(|e| e.to_string())
}

pub async fn create_user(
    database: Option<&str>,
    data_dir: &Path,
    args: CreateUserArgs,
) -> Result<()> {
    let password = read_password(args.password_stdin)?;
    let (app, _) = open(database, data_dir).await?;
    app.create_user(
        &args.username,
        &args.name,
        args.role,
        &password,
        args.staff.map(StaffId),
    )
    .await?;
    println!("Created {} ({}).", args.username, args.role.label());
    app.store().close().await;
    Ok(())
}

/// `carebridge admin reset-password`.
#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    /// The account.
    #[arg(long)]
    username: String,
    /// Read the password from standard input instead of the terminal.
    #[arg(long)]
    password_stdin: bool,
}

pub async fn reset_password(
    database: Option<&str>,
    data_dir: &Path,
    args: ResetPasswordArgs,
) -> Result<()> {
    let password = read_password(args.password_stdin)?;
    let (app, _) = open(database, data_dir).await?;
    app.reset_password(&args.username, &password).await?;
    println!(
        "Set a new password for {} and signed out their sessions.",
        args.username
    );
    app.store().close().await;
    Ok(())
}

/// `carebridge admin grant-access`.
#[derive(Debug, Args)]
pub struct GrantAccessArgs {
    /// The inspector's or partner's account.
    #[arg(long)]
    username: String,
    /// For a partner: the child (id). An inspection covers every unrestricted record.
    #[arg(long)]
    child: Option<i64>,
    /// From when (RFC 3339, e.g. 2026-11-30T08:00:00Z); default now.
    #[arg(long)]
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Until when (RFC 3339), e.g. the end of the inspection's on-site week.
    #[arg(long)]
    until: chrono::DateTime<chrono::Utc>,
    /// Why, e.g. "Ofsted ILACS inspection".
    #[arg(long)]
    reason: String,
}

pub async fn grant_access(
    database: Option<&str>,
    data_dir: &Path,
    args: GrantAccessArgs,
) -> Result<()> {
    let (app, _) = open(database, data_dir).await?;
    let request = carebridge_app::records::AccessGrantRequest {
        username: args.username.clone(),
        child: args.child.map(carebridge_domain::ChildId),
        starts_at: args.from.unwrap_or_else(|| app.clock().now()),
        ends_at: args.until,
        reason: args.reason,
    };
    let id = app.grant_access(&request, "command line").await?;
    println!(
        "Access {id} given to {} from {} until {}.",
        args.username,
        request.starts_at.to_rfc3339(),
        request.ends_at.to_rfc3339()
    );
    app.store().close().await;
    Ok(())
}
