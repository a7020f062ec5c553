//! Sending a `$batch`: chunks of at most 20 requests; items the client's retry classifier wants
//! retried (429 and 503 by default) are sent again within the client's retry budget.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::json::{Reply, answer_of, item_json};
use super::{Answer, Batch, BatchResults, ItemError, MAX_BATCH};
use crate::policy::TryOutcome;
use crate::{Client, Error, ErrorKind, Request};

impl Client {
    /// Sends a [`Batch`] as `$batch` calls of at most 20 requests (at most the
    /// [`Scheduler`](crate::policy::Scheduler)'s mailbox limit, 4 by default, when an item is an
    /// Outlook or To Do request). The whole call is retried like any request. Each item's answer is shown to the client's
    /// [`RetryClassifier`](crate::policy::RetryClassifier) (by default: 429 and 503, and 504 for
    /// idempotent methods); the items it retries are sent again in a later call after their own
    /// `Retry-After` (or the backoff), together with the requests that depend on them, within the
    /// client's retry budget.
    pub async fn send_batch(&self, batch: Batch) -> Result<BatchResults, Error> {
        let mut answers: Vec<Option<Result<Answer, ItemError>>> = vec![None; batch.items.len()];
        let mut pending: Vec<usize> = Vec::new();
        for (i, item) in batch.items.iter().enumerate() {
            match &item.error {
                Some(e) => answers[i] = Some(Err(ItemError::new(ErrorKind::Build, e.clone()))),
                None => pending.push(i),
            }
        }
        let policy = self.retry_policy();
        let mut retries = 0u32;
        let mut waited = Duration::ZERO;
        let mut calls = 0u32;
        let mut sends: Vec<u32> = vec![0; batch.items.len()];
        // Whether the classifier retries an item's latest answer.
        let mut retryable: Vec<bool> = vec![false; batch.items.len()];
        let classifier = self.retry_classifier();
        loop {
            let mut again: Vec<usize> = Vec::new();
            let mut wait: Option<Duration> = None;
            let graph = self.is_graph();
            let per_call = batch
                .per_call
                .unwrap_or(if graph { MAX_BATCH } else { usize::MAX });
            // Graph runs a batch's independent items at once, and answers 429 to Outlook and To
            // Do items past the mailbox limit: batches holding such items go in calls of at most
            // that many. A `dependsOn` group larger than that runs one item after the other on
            // Graph, so it keeps the usual size.
            let mailbox_limit = self.scheduler().get_mailbox_concurrency().filter(|_| {
                pending.iter().any(|&i| {
                    crate::policy::classify(&batch.items[i].url).workload
                        == crate::policy::Workload::Outlook
                })
            });
            let chunks = match mailbox_limit {
                Some(limit) if limit < per_call => batch
                    .chunks(&pending, limit)
                    .or_else(|_| batch.chunks(&pending, per_call))?,
                _ => batch.chunks(&pending, per_call)?,
            };
            for chunk in chunks {
                let body = json!({"requests": chunk.iter().map(|&i| item_json(&batch.items[i], graph)).collect::<Vec<_>>()});
                calls += 1;
                // Read as bytes and taken apart without a `Value` tree: each item's body is a
                // slice of this reply, decoded when its handle is redeemed.
                let reply: Bytes = self
                    .send(Request::<Value>::post("/$batch", &body).bytes())
                    .await?;
                let parsed: Reply<'_> = serde_json::from_slice(&reply).map_err(|e| {
                    Error::kinded(
                        ErrorKind::Protocol,
                        format!("the $batch response is not a JSON batch answer: {e}"),
                    )
                })?;
                // Every answer is matched to its request by id; an id answered twice, never, or
                // one that was not asked is a protocol error, never resolved by guessing.
                let mut by_id: HashMap<String, Vec<Answer>> = HashMap::new();
                let mut unreadable = 0usize;
                for response in parsed.responses {
                    match answer_of(&reply, response) {
                        Some((id, answer)) => by_id.entry(id).or_default().push(answer),
                        None => unreadable += 1,
                    }
                }
                let unknown: Vec<String> = by_id
                    .keys()
                    .filter(|id| !chunk.iter().any(|&i| &batch.items[i].id == *id))
                    .cloned()
                    .collect();
                if !unknown.is_empty() || unreadable > 0 {
                    tracing::warn!(
                        unknown = unknown.len(),
                        unreadable,
                        "$batch response holds answers that match no request"
                    );
                }
                for &i in &chunk {
                    let item = &batch.items[i];
                    sends[i] += 1;
                    let answer = match by_id.remove(&item.id) {
                        Some(mut list) if list.len() == 1 => list.remove(0),
                        Some(list) => {
                            answers[i] = Some(Err(ItemError::new(
                                ErrorKind::Protocol,
                                format!(
                                    "the $batch response answers request {} {} times",
                                    item.id,
                                    list.len()
                                ),
                            )));
                            continue;
                        }
                        None => {
                            let mut message = format!(
                                "the $batch response has no answer for request {}",
                                item.id
                            );
                            if !unknown.is_empty() {
                                message.push_str(&format!(
                                    " (it answers ids that were not asked: {})",
                                    crate::redact::printable(&unknown.join(", "), 120)
                                ));
                            }
                            if unreadable > 0 {
                                message.push_str(&format!(
                                    " ({unreadable} answers have no readable id or status)"
                                ));
                            }
                            answers[i] = Some(Err(ItemError::new(ErrorKind::Protocol, message)));
                            continue;
                        }
                    };
                    // As for a single call, the classifier sees the answers that are not a
                    // success.
                    let throttled = !answer.status.is_success()
                        && classifier.should_retry(
                            &item.method,
                            &TryOutcome::Answered {
                                status: answer.status,
                                headers: &answer.headers,
                            },
                        );
                    retryable[i] = throttled;
                    let failed_dependency = answer.status == StatusCode::FAILED_DEPENDENCY;
                    if throttled || failed_dependency {
                        if throttled {
                            let ra = crate::retry::after::parse_retry_after(
                                &answer.headers,
                                SystemTime::now(),
                            )
                            .unwrap_or_else(|| policy.backoff(retries + 1));
                            wait = Some(wait.map_or(ra, |w| w.max(ra)));
                        }
                        again.push(i);
                    }
                    answers[i] = Some(Ok(answer));
                }
            }
            // Items that failed only because a throttled dependency did are sent again with it.
            let throttled_ids: Vec<&str> = again
                .iter()
                .filter(|&&i| {
                    answers[i].as_ref().is_some_and(|a| {
                        a.as_ref()
                            .is_ok_and(|a| a.status != StatusCode::FAILED_DEPENDENCY)
                    })
                })
                .map(|&i| batch.items[i].id.as_str())
                .collect();
            again.retain(|&i| {
                let status = answers[i]
                    .as_ref()
                    .and_then(|a| a.as_ref().ok())
                    .map(|a| a.status);
                status != Some(StatusCode::FAILED_DEPENDENCY)
                    || batch.items[i]
                        .depends_on
                        .iter()
                        .any(|d| throttled_ids.contains(&d.as_str()))
            });
            let Some(delay) = wait else { break };
            if again.is_empty() {
                break;
            }
            if retries >= policy.get_max_retries() || waited + delay > policy.get_max_total_wait() {
                // Items still throttled are reported as a single call would be: `Throttled`.
                for &i in &again {
                    if let Some(Ok(answer)) = &mut answers[i]
                        && retryable[i]
                    {
                        answer.gave_up_after = Some(sends[i]);
                    }
                }
                tracing::warn!(
                    items = again.len(),
                    "giving up on throttled $batch items: retry budget spent"
                );
                break;
            }
            tracing::info!(
                items = again.len(),
                ?delay,
                "re-sending throttled $batch items"
            );
            tokio::time::sleep(delay).await;
            waited += delay;
            retries += 1;
            pending = again;
        }
        Ok(BatchResults {
            answers: answers
                .into_iter()
                .map(|a| {
                    a.unwrap_or_else(|| {
                        Err(ItemError::new(ErrorKind::Build, "the request was not sent"))
                    })
                })
                .collect(),
            calls,
            max_decoded_size: self.max_decoded_size(None),
        })
    }
}
