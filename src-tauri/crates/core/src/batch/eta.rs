//! The rate and time left of a batch, from the pages it computed: pages found in the cache
//! or skipped take no time and say nothing of what the rest will take.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Computed pages needed before a rate is given.
pub const MIN_COMPUTED: usize = 2;
/// The rate follows the last this many computed pages, within `WINDOW_AGE`.
const WINDOW_PAGES: usize = 12;
const WINDOW_AGE: Duration = Duration::from_secs(300);

/// When the batch's recent computed pages finished, and when the one before them did (or the
/// batch began): the span they took includes the first one's compute, so pages that finish
/// together (run side by side) do not make the rate look higher than it is.
#[derive(Debug)]
pub struct ComputeRate {
    since: Instant,
    finished: VecDeque<Instant>,
}

impl ComputeRate {
    /// For a batch that began at `started`.
    pub fn new(started: Instant) -> Self {
        ComputeRate { since: started, finished: VecDeque::new() }
    }

    /// A page finished computing at `at`.
    pub fn computed(&mut self, at: Instant) {
        self.finished.push_back(at);
        while self.finished.len() > WINDOW_PAGES
            || self.finished.front().is_some_and(|t| at.duration_since(*t) > WINDOW_AGE)
        {
            if let Some(first) = self.finished.pop_front() {
                self.since = first;
            }
        }
    }

    /// Computed pages per minute, once `MIN_COMPUTED` pages were computed.
    pub fn pages_per_minute(&self) -> Option<f64> {
        let last = self.finished.back()?;
        let span = last.duration_since(self.since).as_secs_f64();
        (self.finished.len() >= MIN_COMPUTED && span > 0.0).then(|| self.finished.len() as f64 * 60.0 / span)
    }

    /// Seconds until `remaining` more pages are computed at the current rate.
    pub fn seconds_left(&self, remaining: u32) -> Option<f64> {
        self.pages_per_minute().map(|rate| f64::from(remaining) * 60.0 / rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_said_until_two_pages_were_computed() {
        let start = Instant::now();
        let mut rate = ComputeRate::new(start);
        assert_eq!(rate.seconds_left(20), None);
        rate.computed(start + Duration::from_secs(10));
        assert_eq!((rate.pages_per_minute(), rate.seconds_left(20)), (None, None));
        rate.computed(start + Duration::from_secs(20));
        assert_eq!(rate.pages_per_minute(), Some(6.0));
        assert_eq!(rate.seconds_left(17), Some(170.0));
    }

    #[test]
    fn the_rate_follows_recent_computed_pages() {
        let start = Instant::now();
        let mut rate = ComputeRate::new(start);
        for i in 1..20 {
            rate.computed(start + Duration::from_secs(60 * i));
        }
        // Then the pages get faster: the last 12 pages set the rate.
        for i in 1..=12 {
            rate.computed(start + Duration::from_secs(60 * 19 + 5 * i));
        }
        assert_eq!(rate.pages_per_minute(), Some(12.0));
        // A pause longer than the window's age leaves one page: nothing is said again.
        rate.computed(start + Duration::from_secs(60 * 40));
        assert_eq!(rate.pages_per_minute(), None);
    }

    #[test]
    fn pages_that_finish_together_count_the_time_they_took() {
        let start = Instant::now();
        let mut rate = ComputeRate::new(start);
        // Cached pages at the start take no time and are not counted.
        rate.computed(start + Duration::from_millis(10_000));
        rate.computed(start + Duration::from_millis(10_100));
        let per_minute = rate.pages_per_minute().unwrap();
        assert!((per_minute - 2.0 * 60.0 / 10.1).abs() < 1e-9, "{per_minute}");
    }
}
