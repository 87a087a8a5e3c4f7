//! One job being waited for: when it was submitted, when to ask next, what it said last.

use crate::api::ims;
use crate::api::wire::Job;
use crate::domain::{JobId, JobStatus, Outcome};
use crate::error::ServiceError;
use crate::report::{JobImageRow, JobRefRow, JobRow};
use std::time::Instant;

/// The job query was refused because there is no such job: a 404, or a 400 that says so
/// (IMS-API.md §14a: "an unknown job id: 404 (or 400) with an IMG code").
fn not_found(e: &ServiceError) -> bool {
    let says = |m: &str| {
        let m = m.to_ascii_lowercase();
        m.contains("not exist") || m.contains("not found")
    };
    e.status == 404 || (e.status == 400 && says(&e.message))
}

#[derive(Debug, Clone)]
pub(crate) struct Tracked {
    pub(crate) job: JobId,
    /// When the job was submitted (or the wait began): the poll schedule counts from here.
    pub(crate) since: Instant,
    pub(crate) next_at: Instant,
    pub(crate) last: Option<Job>,
    /// A refusal of the job query itself (an unknown job id...): the job counts as failed.
    pub(crate) refused: Option<ServiceError>,
}

impl Tracked {
    pub(crate) fn new(job: JobId, since: Instant, first_poll: Instant) -> Tracked {
        Tracked {
            job,
            since,
            next_at: first_poll,
            last: None,
            refused: None,
        }
    }

    pub(crate) fn status(&self) -> JobStatus {
        if let Some(e) = &self.refused {
            return if not_found(e) {
                JobStatus::NotFound
            } else {
                JobStatus::Failed
            };
        }
        match &self.last {
            Some(job) => JobStatus::from_service(job.status.as_deref()),
            None => JobStatus::Init,
        }
    }

    pub(crate) fn done(&self) -> bool {
        self.status().is_terminal()
    }

    /// The job as `accept` lists it.
    pub(crate) fn job_ref(&self) -> JobRefRow {
        let row = self.row();
        JobRefRow {
            job_id: row.job_id,
            status: row.status,
            error_code: row.error_code,
            fail_reason: row.fail_reason,
            begin_time: row.begin_time,
            end_time: row.end_time,
        }
    }

    pub(crate) fn row(&self) -> JobRow {
        let job = self.last.clone().unwrap_or_default();
        let (error_code, fail_reason) = match &self.refused {
            Some(e) => (Some(e.code.clone()), Some(e.message.clone())),
            None => (job.error_code.clone(), job.fail_reason.clone()),
        };
        let finished = self.status().is_terminal();
        JobRow {
            job_id: self.job.clone(),
            job_type: job.job_type.clone(),
            status: self.status(),
            begin_time: job.begin_time.clone(),
            end_time: job.end_time.clone(),
            fail_reason,
            error_code,
            images: job
                .results
                .iter()
                .flatten()
                .filter_map(|r| {
                    let ok = r.is_success();
                    let said = r
                        .status
                        .as_deref()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase();
                    // While the job runs, an entry that says neither success nor failure is
                    // still under way, not failed.
                    let pending = !ok && !finished && !matches!(said.as_str(), "fail" | "failed");
                    Some(JobImageRow {
                        image_id: r.image_id.clone()?,
                        status: match (ok, pending) {
                            (true, _) => "success".into(),
                            (false, true) if said.is_empty() => "running".into(),
                            (false, true) => said,
                            (false, false) => "failed".into(),
                        },
                        error: (!ok && !pending).then(|| ims::result_error(&job, r)),
                        // Until the member says which: the job did what it was asked.
                        outcome: if ok || pending {
                            Outcome::Submitted
                        } else {
                            Outcome::Failed
                        },
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::JobResult;

    fn tracked(job_status: &str, result_status: &str) -> JobImageRow {
        let mut t = Tracked::new(
            JobId::parse("ff8080814dbd65d7014dbe0d84db0013").unwrap(),
            Instant::now(),
            Instant::now(),
        );
        t.last = Some(Job {
            status: Some(job_status.into()),
            results: Some(vec![JobResult {
                image_id: Some("6596628c-42d4-4ff1-8660-8ea5ae61f243".into()),
                status: Some(result_status.into()),
                ..JobResult::default()
            }]),
            ..Job::default()
        });
        t.row().images.remove(0)
    }

    #[test]
    fn an_image_of_a_running_job_is_under_way_until_it_says_otherwise() {
        let running = tracked("RUNNING", "RUNNING");
        assert_eq!(
            (
                running.status.as_str(),
                running.outcome,
                running.error.is_none()
            ),
            ("running", Outcome::Submitted, true)
        );
        let failed_early = tracked("RUNNING", "FAIL");
        assert_eq!(failed_early.outcome, Outcome::Failed);
        // Once the job has ended, anything but success is a failure.
        let ended = tracked("SUCCESS", "RUNNING");
        assert_eq!(
            (ended.status.as_str(), ended.outcome),
            ("failed", Outcome::Failed)
        );
        assert_eq!(tracked("SUCCESS", "success").status, "success");
    }
}
