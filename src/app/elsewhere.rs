//! `wait JOB` (or `status --job JOB`) over several targets with the jobs given on the command
//! line: every target looks for every job, and a job lives in one project of one region. A
//! job found on one target is not "not found" on the others; a job no target holds is said
//! once.

use super::targets::Outcome;
use crate::domain::{JobId, JobStatus};
use crate::error::Exit;
use crate::output::Output;
use crate::report::Document;
use crate::settings::{Planned, Task};
use crate::text::s;
use std::collections::{HashMap, HashSet};

/// Marks the waits whose jobs other targets of the run look for too; those jobs.
pub(super) fn mark(planned: &mut [(usize, Planned)]) -> HashSet<JobId> {
    let mut seen: HashMap<JobId, usize> = HashMap::new();
    for (_, p) in planned.iter() {
        if let Task::Wait(w) = &p.task {
            for job in w.jobs.iter().collect::<HashSet<_>>() {
                *seen.entry(job.clone()).or_default() += 1;
            }
        }
    }
    for (_, p) in planned.iter_mut() {
        if let Task::Wait(w) = &mut p.task {
            w.elsewhere = w.jobs.iter().any(|j| seen.get(j).is_some_and(|&n| n > 1));
        }
    }
    seen.into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(j, _)| j)
        .collect()
}

/// Of the `shared` jobs: drops the `not_found` rows of those another target found (a target
/// left with no failed job is then exit 0), and says once each one that no target found.
pub(super) fn settle(outcomes: &mut [Outcome], shared: &HashSet<JobId>, out: &Output) {
    if shared.is_empty() {
        return;
    }
    let mut found: HashSet<JobId> = HashSet::new();
    let mut missing: HashMap<JobId, (usize, String)> = HashMap::new();
    let mut order: Vec<JobId> = Vec::new();
    for o in outcomes.iter() {
        let Some(Document::Jobs(doc)) = &o.report.doc else {
            continue;
        };
        for row in doc.jobs.iter().filter(|r| shared.contains(&r.job_id)) {
            if row.status != JobStatus::NotFound {
                found.insert(row.job_id.clone());
                continue;
            }
            let entry = missing.entry(row.job_id.clone()).or_insert_with(|| {
                order.push(row.job_id.clone());
                let why = match (&row.error_code, &row.fail_reason) {
                    (Some(code), Some(reason)) => format!(" ({code}: {reason})"),
                    (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
                    (None, None) => String::new(),
                };
                (0, why)
            });
            entry.0 += 1;
        }
    }
    if missing.is_empty() {
        return;
    }
    for o in outcomes.iter_mut() {
        let Some(Document::Jobs(doc)) = &mut o.report.doc else {
            continue;
        };
        let before = doc.jobs.len();
        doc.jobs
            .retain(|row| row.status != JobStatus::NotFound || !found.contains(&row.job_id));
        let dropped = doc.jobs.len() < before;
        let failed = doc.jobs.iter().any(|row| row.status.is_failure());
        if dropped && !failed && o.report.exit == Exit::Failed && o.report.error.is_none() {
            o.report.exit = Exit::Ok;
        }
    }
    for job in order.iter().filter(|j| !found.contains(*j)) {
        let (targets, why) = &missing[job];
        out.note(&format!(
            "job {job} not found{why} on {targets} target{}: check the id, or choose the project and region that submitted it (--profile, --region, --project-id)",
            s(*targets)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Report;
    use crate::output::{OutputConfig, Terminal};
    use crate::report::{JobRow, JobsDoc, Single, TargetInfo};

    fn quiet() -> Output {
        let config = OutputConfig {
            quiet: true,
            ..OutputConfig::early(Terminal::default())
        };
        Output::new(config, Default::default())
    }

    fn id(job: &str) -> JobId {
        JobId::parse(job).unwrap()
    }

    fn row(job: &str, status: JobStatus) -> JobRow {
        JobRow {
            job_id: id(job),
            job_type: None,
            status,
            begin_time: None,
            end_time: None,
            fail_reason: None,
            error_code: None,
            images: Vec::new(),
        }
    }

    fn target(rows: Vec<JobRow>, exit: Exit) -> Outcome {
        let doc = JobsDoc {
            jobs: rows,
            per_image: true,
        };
        Outcome {
            label: TargetInfo::default(),
            report: Report::ok(Document::Jobs(doc.clone()), exit),
            empty: Single::Jobs(doc),
        }
    }

    fn statuses(o: &Outcome) -> Vec<(String, JobStatus)> {
        match &o.report.doc {
            Some(Document::Jobs(d)) => d
                .jobs
                .iter()
                .map(|r| (r.job_id.as_str().to_string(), r.status.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    const A: &str = "ff8080814dbd65d7014dbe0d84db0013";
    const B: &str = "ff8080814dbd65d7014dbe0d84db0014";

    #[test]
    fn a_job_found_on_one_target_is_not_missing_on_the_others() {
        let out = quiet();
        let mut outcomes = vec![
            target(
                vec![row(A, JobStatus::Success), row(B, JobStatus::NotFound)],
                Exit::Failed,
            ),
            target(
                vec![row(A, JobStatus::NotFound), row(B, JobStatus::Failed)],
                Exit::Failed,
            ),
            target(
                vec![row(A, JobStatus::NotFound), row(B, JobStatus::NotFound)],
                Exit::Failed,
            ),
        ];
        settle(&mut outcomes, &[A, B].map(id).into(), &out);
        assert_eq!(statuses(&outcomes[0]), [(A.into(), JobStatus::Success)]);
        assert_eq!(outcomes[0].report.exit, Exit::Ok);
        // B failed there: that target stays exit 1.
        assert_eq!(statuses(&outcomes[1]), [(B.into(), JobStatus::Failed)]);
        assert_eq!(outcomes[1].report.exit, Exit::Failed);
        assert!(statuses(&outcomes[2]).is_empty());
        assert_eq!(outcomes[2].report.exit, Exit::Ok);
    }

    #[test]
    fn a_job_no_target_holds_stays_not_found_everywhere() {
        let out = quiet();
        let mut outcomes = vec![
            target(vec![row(A, JobStatus::NotFound)], Exit::Failed),
            target(vec![row(A, JobStatus::NotFound)], Exit::Failed),
        ];
        settle(&mut outcomes, &[A, B].map(id).into(), &out);
        for o in &outcomes {
            assert_eq!(statuses(o), [(A.into(), JobStatus::NotFound)]);
            assert_eq!(o.report.exit, Exit::Failed);
        }
    }
}
