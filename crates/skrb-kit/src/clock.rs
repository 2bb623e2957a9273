//! The date and time use cases work with: now, and today in the centre's own time zone.
//!
//! A centre works in its own calendar (Velenje in `Europe/Ljubljana`, Trebinje in
//! `Europe/Sarajevo`). Between midnight and one or two o'clock there, the UTC date is
//! still yesterday's, so a statutory deadline, the month a right starts, pro-rating and an
//! overdue task would all be a day off if they followed UTC. Instants are stored in UTC;
//! dates come from [`Zone::date_of`]. The [`Clock`] is the one source of "now": the
//! system's, or a fixed instant in tests, so a test can stand at 23:30 UTC on the last day
//! of a month.

use std::sync::Arc;

use time::{Date, OffsetDateTime, UtcOffset};

/// The zone of a centre with none set, and of the command line.
pub const DEFAULT_ZONE: &str = "Europe/Ljubljana";

/// A time zone of the IANA database (embedded; nothing read from the system).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone {
    name: &'static str,
    tz: tz::TimeZoneRef<'static>,
}

impl Zone {
    /// A zone by its IANA name; `None` for an unknown name.
    pub fn named(name: &str) -> Option<Zone> {
        let tz = tzdb::tz_by_name(name)?;
        let name = ZONES.iter().copied().find(|z| z.eq_ignore_ascii_case(name));
        Some(Zone {
            name: name.unwrap_or("Etc/UTC"),
            tz,
        })
    }

    /// The zone of a centre's jurisdiction when none is set.
    pub fn of_jurisdiction(jurisdiction: &str) -> Zone {
        match jurisdiction {
            "RS" => Zone::named("Europe/Sarajevo"),
            _ => Zone::named(DEFAULT_ZONE),
        }
        .unwrap_or_default()
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The zone's offset from UTC at an instant.
    pub fn offset_at(&self, t: OffsetDateTime) -> UtcOffset {
        self.tz
            .find_local_time_type(t.unix_timestamp())
            .ok()
            .and_then(|l| UtcOffset::from_whole_seconds(l.ut_offset()).ok())
            .unwrap_or(UtcOffset::UTC)
    }

    /// An instant as the wall clock in the zone shows it.
    pub fn local(&self, t: OffsetDateTime) -> OffsetDateTime {
        t.to_offset(self.offset_at(t))
    }

    /// The calendar date in the zone at an instant.
    pub fn date_of(&self, t: OffsetDateTime) -> Date {
        self.local(t).date()
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::named(DEFAULT_ZONE).unwrap_or(Zone {
            name: "Etc/UTC",
            tz: tz::TimeZoneRef::utc(),
        })
    }
}

/// The names a centre may be configured with (so a zone's name is `'static`): every zone
/// where Skrb's jurisdictions and their neighbours work.
pub const ZONES: [&str; 10] = [
    "Europe/Ljubljana",
    "Europe/Sarajevo",
    "Europe/Zagreb",
    "Europe/Belgrade",
    "Europe/Podgorica",
    "Europe/Skopje",
    "Europe/Vienna",
    "Europe/Rome",
    "Europe/Budapest",
    "Etc/UTC",
];

/// Where "now" comes from.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<dyn Fn() -> OffsetDateTime + Send + Sync>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Always this instant (tests).
    pub fn fixed(at: OffsetDateTime) -> Clock {
        Clock {
            fixed: Some(Arc::new(move || at)),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.fixed {
            Some(f) => f(),
            None => OffsetDateTime::now_utc(),
        }
    }

    /// Today in a zone.
    pub fn today_in(&self, zone: Zone) -> Date {
        zone.date_of(self.now())
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.fixed.is_some() {
            "Clock(fixed)"
        } else {
            "Clock(system)"
        })
    }
}

/// Today in the default zone, for the command line and jobs with no centre.
pub fn today() -> Date {
    Clock::system().today_in(Zone::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_the_centres() {
        let lj = Zone::named("Europe/Ljubljana").expect("zone");
        let sa = Zone::of_jurisdiction("RS");
        assert_eq!(sa.name(), "Europe/Sarajevo");
        // Winter: UTC+1. 23:30 UTC on 31 January is 00:30 on 1 February.
        let t = datetime!(2026-01-31 23:30 UTC);
        assert_eq!(lj.date_of(t), time::macros::date!(2026 - 02 - 01));
        assert_eq!(sa.date_of(t), time::macros::date!(2026 - 02 - 01));
        assert_eq!(lj.local(t).hour(), 0);
        // Summer: UTC+2. 22:30 UTC on 30 June is 00:30 on 1 July; 21:30 is still June.
        assert_eq!(
            lj.date_of(datetime!(2026-06-30 22:30 UTC)),
            time::macros::date!(2026 - 07 - 01)
        );
        assert_eq!(
            lj.date_of(datetime!(2026-06-30 21:30 UTC)),
            time::macros::date!(2026 - 06 - 30)
        );
        // The change to summer time (29 March 2026, 01:00 UTC).
        assert_eq!(
            lj.offset_at(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            lj.offset_at(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        let c = Clock::fixed(t);
        assert_eq!(c.today_in(lj), time::macros::date!(2026 - 02 - 01));
        assert!(Zone::named("Mars/Olympus").is_none());
    }
}
