//! The date and time use cases work with.

/// Today's date, the default start of a membership and the limit for birth dates.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
