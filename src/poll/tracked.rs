//! One job being waited for: when it was submitted, when to ask next, what it said last.

use crate::api::wire::Job;
use crate::domain::{JobId, JobStatus};
use crate::error::ServiceError;
use crate::report::{JobImageRow, JobRow};
use std::time::Instant;

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
        if self.refused.is_some() {
            return JobStatus::Failed;
        }
        match &self.last {
            Some(job) => JobStatus::from_service(job.status.as_deref()),
            None => JobStatus::Init,
        }
    }

    pub(crate) fn done(&self) -> bool {
        self.status().is_terminal()
    }

    pub(crate) fn row(&self) -> JobRow {
        let job = self.last.clone().unwrap_or_default();
        let (error_code, fail_reason) = match &self.refused {
            Some(e) => (Some(e.code.clone()), Some(e.message.clone())),
            None => (job.error_code.clone(), job.fail_reason.clone()),
        };
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
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    let ok = r.is_success();
                    Some(JobImageRow {
                        image_id: r.image_id?,
                        status: if ok {
                            "success".into()
                        } else {
                            "failed".into()
                        },
                    })
                })
                .collect(),
        }
    }
}
