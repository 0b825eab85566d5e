//! Teams, posts, staff and employment.

use carebridge_domain::staff::{
    Employment, Post, PostCode, Role, StaffMember, SweRegistration, Team,
};
use carebridge_domain::{EmploymentId, OrganisationId, Period, PostId, ServiceId, StaffId, TeamId};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{corrupt, date, date_text, opt_date};
use crate::{Store, StoreError};

/// A post with its team and, on the day asked about, its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRow {
    /// The post.
    pub post: Post,
    /// Its team's name.
    pub team_name: String,
    /// Its team's service.
    pub service: ServiceId,
    /// Who held it on the day, and their employer.
    pub holder: Option<(StaffId, String, OrganisationId)>,
}

/// A member of staff with, on the day asked about, their employment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    /// The person.
    pub staff: StaffMember,
    /// Their employment on the day, with the post's code and title and the team's name.
    pub employment: Option<(Employment, PostCode, String, String)>,
}

pub(crate) fn post(row: &AnyRow) -> Result<Post, StoreError> {
    let code: String = row.try_get("code")?;
    let role: String = row.try_get("role")?;
    let fte: i64 = row.try_get("fte_hundredths")?;
    Ok(Post {
        id: PostId(row.try_get("id")?),
        code: PostCode::parse(&code).map_err(corrupt("post code"))?,
        title: row.try_get("title")?,
        grade: row.try_get("grade")?,
        fte_hundredths: u16::try_from(fte).map_err(|_| StoreError::Corrupt {
            what: "post FTE",
            problem: format!("{fte} hundredths"),
        })?,
        team: TeamId(row.try_get("team_id")?),
        role: Role::parse(&role).map_err(corrupt("post role"))?,
    })
}

/// Reads a team row (`id, service_id, name`).
pub(crate) fn team(row: &AnyRow) -> Result<Team, StoreError> {
    Ok(Team {
        id: TeamId(row.try_get("id")?),
        service: ServiceId(row.try_get("service_id")?),
        name: row.try_get("name")?,
    })
}

/// Reads a staff row (`id, given_name, family_name, email, swe_registration`).
pub(crate) fn staff_member(row: &AnyRow) -> Result<StaffMember, StoreError> {
    let registration: Option<String> = row.try_get("swe_registration")?;
    Ok(StaffMember {
        id: StaffId(row.try_get("id")?),
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        email: row.try_get("email")?,
        swe_registration: registration
            .map(|r| SweRegistration::parse(&r).map_err(corrupt("registration number")))
            .transpose()?,
    })
}

pub(crate) fn employment(row: &AnyRow) -> Result<Employment, StoreError> {
    Ok(Employment {
        id: EmploymentId(row.try_get("employment_id")?),
        staff: StaffId(row.try_get("staff_id")?),
        employer: OrganisationId(row.try_get("employer_id")?),
        post: PostId(row.try_get("post_id")?),
        period: Period::new(
            "employment",
            date(row, "starts_on")?,
            opt_date(row, "ends_on")?,
        )
        .map_err(corrupt("employment"))?,
        continuous_since: date(row, "continuous_since")?,
    })
}

impl Store {
    /// Every team, by service then name.
    pub async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let rows = sqlx::query("SELECT id, service_id, name FROM teams ORDER BY service_id, name")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(team).collect()
    }

    /// Every post, with its team and its holder on `on`.
    pub async fn posts(&self, on: NaiveDate) -> Result<Vec<PostRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.code, p.title, p.grade, p.fte_hundredths, p.team_id, p.role, \
                    t.name AS team_name, t.service_id, \
                    e.staff_id, e.employer_id, s.given_name, s.family_name \
             FROM posts p \
             JOIN teams t ON t.id = p.team_id \
             LEFT JOIN employments e ON e.post_id = p.id AND e.starts_on <= $1 \
                  AND (e.ends_on IS NULL OR e.ends_on >= $1) \
             LEFT JOIN staff s ON s.id = e.staff_id \
             ORDER BY t.service_id, t.name, p.code",
        )
        .bind(date_text(on))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let staff_id: Option<i64> = row.try_get("staff_id")?;
                let holder = match staff_id {
                    Some(id) => {
                        let given: String = row.try_get("given_name")?;
                        let family: String = row.try_get("family_name")?;
                        Some((
                            StaffId(id),
                            format!("{given} {family}"),
                            OrganisationId(row.try_get("employer_id")?),
                        ))
                    }
                    None => None,
                };
                Ok(PostRow {
                    post: post(row)?,
                    team_name: row.try_get("team_name")?,
                    service: ServiceId(row.try_get("service_id")?),
                    holder,
                })
            })
            .collect()
    }

    /// Staff employed on `on`, with their employment then, by family name.
    pub async fn staff_employed(&self, on: NaiveDate) -> Result<Vec<StaffRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.given_name, s.family_name, s.email, s.swe_registration, \
                    e.id AS employment_id, e.staff_id, e.employer_id, e.post_id, e.starts_on, e.ends_on, \
                    e.continuous_since, p.code AS post_code, p.title AS post_title, t.name AS team_name \
             FROM staff s \
             JOIN employments e ON e.staff_id = s.id AND e.starts_on <= $1 \
                  AND (e.ends_on IS NULL OR e.ends_on >= $1) \
             JOIN posts p ON p.id = e.post_id \
             JOIN teams t ON t.id = p.team_id \
             ORDER BY s.family_name, s.given_name, s.id",
        )
        .bind(date_text(on))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let code: String = row.try_get("post_code")?;
                Ok(StaffRow {
                    staff: staff_member(row)?,
                    employment: Some((
                        employment(row)?,
                        PostCode::parse(&code).map_err(corrupt("post code"))?,
                        row.try_get("post_title")?,
                        row.try_get("team_name")?,
                    )),
                })
            })
            .collect()
    }

    /// One member of staff.
    pub async fn staff_member(&self, id: StaffId) -> Result<Option<StaffMember>, StoreError> {
        let row = sqlx::query(
            "SELECT id, given_name, family_name, email, swe_registration FROM staff WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(staff_member).transpose()
    }

    /// A person's whole employment history, earliest first.
    pub async fn employments_of(&self, staff: StaffId) -> Result<Vec<Employment>, StoreError> {
        let rows = sqlx::query(
            "SELECT id AS employment_id, staff_id, employer_id, post_id, starts_on, ends_on, continuous_since \
             FROM employments WHERE staff_id = $1 ORDER BY starts_on, id",
        )
        .bind(staff.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(employment).collect()
    }

    /// Every post (without holders), for lookups.
    pub async fn post(&self, id: PostId) -> Result<Option<Post>, StoreError> {
        let row = sqlx::query(
            "SELECT id, code, title, grade, fte_hundredths, team_id, role FROM posts WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(post).transpose()
    }
}
