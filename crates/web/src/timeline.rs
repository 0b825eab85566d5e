//! The provision timeline's geometry: one row per service, one bar per provision
//! period, a year axis, and lines for today and for the "as at" date.
//!
//! Drawn as inline SVG by `templates/provision.html`; this module only computes
//! numbers, so it is tested without a browser. No charting crate draws a server-side
//! SVG Gantt row with CSS classes for the GOV.UK palette, so it is written here: a few
//! lines of arithmetic. The SVG is an image with a text alternative; the same facts are
//! in the table under it, which is what screen readers and keyboard users work from.

use carebridge_app::overview::ProvisionPicture;
use chrono::{Datelike, NaiveDate};

use crate::format::{Day, Until};

/// The drawing's width in SVG units (it scales to the page).
const WIDTH: f64 = 960.0;
/// Where bars start (service names are on the left of this).
const PLOT_LEFT: f64 = 250.0;
/// Where bars end.
const PLOT_RIGHT: f64 = 944.0;
/// Room above the first row for the marker labels.
const TOP: f64 = 34.0;
/// Height of a row and of a bar in it.
const ROW_HEIGHT: f64 = 44.0;
const BAR_HEIGHT: f64 = 28.0;
/// Room under the last row for the year labels.
const AXIS_HEIGHT: f64 = 30.0;
/// Roughly how wide one character of the 14px bold label is.
const CHAR_WIDTH: f64 = 8.5;

/// One provision period drawn as a bar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Colour index of the provider (0..6), from the key.
    pub colour: usize,
    /// The provider's short name, if there is room to write it.
    pub label: Option<Label>,
    /// Tooltip text.
    pub title: String,
}

/// Text on or beside a bar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    /// Drawn beside the bar (dark text) rather than on it (white text).
    pub outside: bool,
}

/// A service's row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub name: String,
    pub label_y: f64,
    pub bars: Vec<Bar>,
}

/// A year mark on the axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub x: f64,
    pub label: String,
}

/// A vertical marker line (today, or the date asked about).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    pub x: f64,
    pub label: String,
    /// Where the label text starts; anchored to the end when near the right edge.
    pub anchor: &'static str,
}

/// Everything the template draws.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Timeline {
    pub width: f64,
    pub height: f64,
    pub plot_left: f64,
    pub plot_right: f64,
    pub plot_top: f64,
    pub plot_bottom: f64,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    pub today: Marker,
    /// None when the date asked about is today.
    pub as_at: Option<Marker>,
}

/// Rounds to a tenth of a unit, which is all the SVG needs.
fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn first_of_year(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl Timeline {
    /// Lays out `picture`.
    pub fn new(picture: &ProvisionPicture) -> Self {
        let earliest = picture
            .services
            .iter()
            .flat_map(|s| s.periods.iter().map(|p| p.period.period.start()))
            .chain([picture.as_at, picture.today])
            .min()
            .unwrap_or(picture.today);
        let latest = picture
            .services
            .iter()
            .flat_map(|s| s.periods.iter().filter_map(|p| p.period.period.end()))
            .chain([picture.as_at, picture.today])
            .max()
            .unwrap_or(picture.today);
        let start = first_of_year(earliest.year());
        let end = first_of_year(latest.year() + 1);
        let days = (end - start).num_days().max(1) as f64;
        let x_of = |d: NaiveDate| {
            r(PLOT_LEFT + (d - start).num_days() as f64 / days * (PLOT_RIGHT - PLOT_LEFT))
        };

        let colour_of = |org| {
            picture
                .providers
                .iter()
                .position(|p| p.id == org)
                .unwrap_or(0)
                % 6
        };
        let rows: Vec<Row> = picture
            .services
            .iter()
            .enumerate()
            .map(|(i, service)| {
                let top = TOP + i as f64 * ROW_HEIGHT;
                let y = r(top + (ROW_HEIGHT - BAR_HEIGHT) / 2.0);
                let bars = service
                    .periods
                    .iter()
                    .enumerate()
                    .map(|(j, p)| {
                        let x = x_of(p.period.period.start());
                        // The bar runs to the end of its last day (or to the edge when open).
                        let right = p
                            .period
                            .period
                            .end()
                            .and_then(|e| e.succ_opt())
                            .map_or(PLOT_RIGHT, x_of);
                        let width = r((right - x).max(1.0));
                        let text = p.provider.short_name.clone();
                        let needed = text.chars().count() as f64 * CHAR_WIDTH + 12.0;
                        let next_start = service
                            .periods
                            .get(j + 1)
                            .map_or(PLOT_RIGHT + 16.0, |n| x_of(n.period.period.start()));
                        let label = if width >= needed {
                            Some(Label {
                                x: r(x + 6.0),
                                y: r(y + BAR_HEIGHT / 2.0 + 5.0),
                                text,
                                outside: false,
                            })
                        } else if next_start - right >= needed {
                            Some(Label {
                                x: r(right + 4.0),
                                y: r(y + BAR_HEIGHT / 2.0 + 5.0),
                                text,
                                outside: true,
                            })
                        } else {
                            None
                        };
                        Bar {
                            x,
                            y,
                            width,
                            height: BAR_HEIGHT,
                            colour: colour_of(p.provider.id),
                            label,
                            title: format!(
                                "{}: {} from {} to {}",
                                service.service.name,
                                p.provider.name,
                                Day(p.period.period.start()),
                                Until(p.period.period.end())
                            ),
                        }
                    })
                    .collect();
                Row {
                    name: service.service.name.clone(),
                    label_y: r(top + ROW_HEIGHT / 2.0 + 5.0),
                    bars,
                }
            })
            .collect();

        let plot_bottom = TOP + rows.len() as f64 * ROW_HEIGHT;
        let years = end.year() - start.year();
        let step = if years > 16 { 2 } else { 1 };
        let ticks = (start.year()..=end.year())
            .step_by(step)
            .map(|year| Tick {
                x: x_of(first_of_year(year)),
                label: year.to_string(),
            })
            .collect();
        let marker = |d: NaiveDate, what: &str| {
            let x = x_of(d);
            Marker {
                x,
                label: format!("{what} {}", Day(d)),
                anchor: if x > (PLOT_LEFT + PLOT_RIGHT) / 2.0 {
                    "end"
                } else {
                    "start"
                },
            }
        };
        Timeline {
            width: WIDTH,
            height: r(plot_bottom + AXIS_HEIGHT),
            plot_left: PLOT_LEFT,
            plot_right: PLOT_RIGHT,
            plot_top: TOP - 6.0,
            plot_bottom,
            rows,
            ticks,
            today: marker(picture.today, "Today,"),
            as_at: (picture.as_at != picture.today).then(|| marker(picture.as_at, "As at")),
        }
    }

    /// The y of the year labels.
    pub fn axis_label_y(&self) -> f64 {
        self.plot_bottom + 20.0
    }

    /// The y of the marker labels (the as-at label sits above today's when both show).
    pub fn today_label_y(&self) -> f64 {
        if self.as_at.is_some() {
            12.0
        } else {
            22.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carebridge_testkit::{d, demo_app, sqlite, today};

    #[test]
    fn rounding_keeps_one_decimal() {
        assert_eq!(r(1.26), 1.3);
        assert_eq!(r(250.0), 250.0);
    }

    /// On the demo's whole story, for dates around every change: each service is one
    /// row; its bars are in date order inside the plot and never overlap; a provider
    /// has one colour everywhere; the as-at line falls inside the bar of the provider
    /// in force that day; labels drawn on a bar fit inside it.
    #[tokio::test]
    async fn the_drawing_matches_the_picture() {
        let db = sqlite();
        let (app, _) = demo_app(&db, 0).await;
        for as_at in [
            d(2010, 4, 1),
            d(2014, 9, 30),
            d(2014, 10, 1),
            d(2016, 6, 21),
            d(2022, 3, 31),
            d(2022, 4, 1),
            today(),
        ] {
            let picture = app.provision_picture(as_at).await.unwrap();
            let t = Timeline::new(&picture);
            assert_eq!(t.rows.len(), picture.services.len());
            let as_at_x = t.as_at.as_ref().map_or(t.today.x, |m| m.x);
            assert!(t.plot_left <= as_at_x && as_at_x <= t.plot_right);
            let mut colours = std::collections::HashMap::new();
            for (row, service) in t.rows.iter().zip(&picture.services) {
                assert_eq!(row.name, service.service.name);
                assert_eq!(row.bars.len(), service.periods.len());
                for pair in row.bars.windows(2) {
                    assert!(
                        pair[0].x + pair[0].width <= pair[1].x + 0.2,
                        "{}: bars overlap",
                        row.name
                    );
                }
                for (bar, period) in row.bars.iter().zip(&service.periods) {
                    assert!(
                        bar.x >= t.plot_left && bar.x + bar.width <= t.plot_right + 0.2,
                        "{}",
                        bar.title
                    );
                    let colour = *colours.entry(period.provider.id).or_insert(bar.colour);
                    assert_eq!(colour, bar.colour, "one colour per provider");
                    if let Some(label) = &bar.label {
                        if !label.outside {
                            let needed = label.text.chars().count() as f64 * CHAR_WIDTH;
                            assert!(bar.width >= needed, "{} fits on its bar", label.text);
                        }
                    }
                }
                if let Some(i) = service.current {
                    let bar = &row.bars[i];
                    assert!(
                        bar.x <= as_at_x + 0.2 && as_at_x <= bar.x + bar.width + 0.2,
                        "{} on {as_at}",
                        row.name
                    );
                }
            }
        }
    }
}
