//! Line protocol to a real InfluxDB: 2.x/3.x (and servers speaking its API, like
//! VictoriaMetrics) through `/api/v2/write` with a token, org and bucket; 1.x through `/write`
//! with a database. Batches are gzip-compressed and several are in flight; connection errors,
//! 5xx, 429 and 503 are retried with exponential backoff and jitter (honouring `Retry-After`);
//! 413 splits the batch. Lines that cannot be written are never dropped: they are kept in a spool
//! file to load later with `netanalyzer load`.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Which write API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// InfluxDB 1.x: `/write?db=`.
    V1,
    /// InfluxDB 2.x/3.x: `/api/v2/write?org=&bucket=`.
    V2,
}

/// Where and how to write. `Debug` never shows the token or password.
#[derive(Clone, Default)]
pub struct InfluxConfig {
    /// Base URL, e.g. `http://127.0.0.1:8086`.
    pub url: String,
    /// Forced API; detected from `/ping` when `None`.
    pub api: Option<Api>,
    /// 2.x token.
    pub token: Option<String>,
    /// 2.x organisation.
    pub org: Option<String>,
    /// 2.x bucket.
    pub bucket: Option<String>,
    /// 1.x database.
    pub db: Option<String>,
    /// 1.x retention policy.
    pub rp: Option<String>,
    /// 1.x user.
    pub user: Option<String>,
    /// 1.x password.
    pub password: Option<String>,
    /// Lines per batch.
    pub batch_lines: usize,
    /// Batches in flight.
    pub concurrency: usize,
    /// Attempts per batch before it is spooled.
    pub attempts: u32,
    /// First backoff; doubles each attempt.
    pub backoff: Duration,
    /// Request timeout.
    pub timeout: Duration,
    /// Timestamp precision of the lines.
    pub precision: crate::sinks::line::Precision,
}

impl fmt::Debug for InfluxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InfluxConfig")
            .field("url", &self.url)
            .field("api", &self.api)
            .field("token", &self.token.as_ref().map(|_| "(set)"))
            .field("org", &self.org)
            .field("bucket", &self.bucket)
            .field("db", &self.db)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(set)"))
            .finish()
    }
}

/// Why writing failed.
#[derive(Debug, thiserror::Error)]
pub enum InfluxError {
    /// No URL anywhere.
    #[error("no InfluxDB URL: set --influx-url or INFLUX_URL (environment or .env)")]
    NoUrl,
    /// Settings missing for the API.
    #[error("{0}")]
    Settings(String),
    /// 401/403.
    #[error("InfluxDB refused the credentials (HTTP {status}): check the token (INFLUX_TOKEN) and the org (INFLUX_ORG); {kept}")]
    Auth {
        /// Status code.
        status: u16,
        /// Where the unsent lines are.
        kept: String,
    },
    /// 404.
    #[error("InfluxDB has no {what} (HTTP 404: {message}); create it or fix the name; {kept}")]
    NotFound {
        /// `bucket 'x'` or `database 'x'`.
        what: String,
        /// The server's message.
        message: String,
        /// Where the unsent lines are.
        kept: String,
    },
    /// 400.
    #[error("InfluxDB rejected a line (HTTP 400): {message}; {kept}")]
    Rejected {
        /// The server's message, naming the line.
        message: String,
        /// Where the unsent lines are.
        kept: String,
    },
    /// Down or failing after every retry.
    #[error("InfluxDB at {url} could not be reached or kept failing after {attempts} attempts ({last}); {kept}")]
    Unavailable {
        /// The base URL.
        url: String,
        /// Attempts made per batch.
        attempts: u32,
        /// The last error.
        last: String,
        /// Where the unsent lines are.
        kept: String,
    },
    /// The spool file could not be written.
    #[error("could not keep unsent lines in {path}: {why}")]
    Spool {
        /// The spool file.
        path: PathBuf,
        /// The reason.
        why: String,
    },
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Lines the server accepted.
    pub written: u64,
    /// HTTP requests made (retries included).
    pub requests: u64,
    /// The API used.
    pub api: Option<&'static str>,
}

fn agent(cfg: &InfluxConfig) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(cfg.timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Asks `/ping` which API the server speaks.
pub fn detect_api(cfg: &InfluxConfig) -> Result<Api, String> {
    if let Some(api) = cfg.api {
        return Ok(api);
    }
    let url = format!("{}/ping", cfg.url.trim_end_matches('/'));
    let resp = agent(cfg).get(&url).call().map_err(|e| e.to_string())?;
    let version = resp
        .headers()
        .get("x-influxdb-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    Ok(if version.starts_with('1') {
        Api::V1
    } else if version.starts_with('2') || version.starts_with('3') || cfg.token.is_some() {
        Api::V2
    } else {
        Api::V1
    })
}

struct Target {
    url: String,
    query: Vec<(&'static str, String)>,
    auth: Option<String>,
    what: String,
}

fn target(cfg: &InfluxConfig, api: Api) -> Result<Target, InfluxError> {
    let base = cfg.url.trim_end_matches('/');
    match api {
        Api::V2 => {
            let bucket = cfg.bucket.clone().ok_or_else(|| {
                InfluxError::Settings(
                    "InfluxDB 2.x needs a bucket: --influx-bucket or INFLUX_BUCKET".into(),
                )
            })?;
            let mut query = vec![
                ("bucket", bucket.clone()),
                ("precision", cfg.precision.v2().to_string()),
            ];
            if let Some(org) = &cfg.org {
                query.push(("org", org.clone()));
            }
            Ok(Target {
                url: format!("{base}/api/v2/write"),
                query,
                auth: cfg.token.as_ref().map(|t| format!("Token {t}")),
                what: format!("bucket '{bucket}'"),
            })
        }
        Api::V1 => {
            let db = cfg
                .db
                .clone()
                .or_else(|| cfg.bucket.clone())
                .ok_or_else(|| {
                    InfluxError::Settings(
                        "InfluxDB 1.x needs a database: --influx-db or INFLUX_DB".into(),
                    )
                })?;
            let mut query = vec![
                ("db", db.clone()),
                ("precision", cfg.precision.v1().to_string()),
            ];
            if let Some(rp) = &cfg.rp {
                query.push(("rp", rp.clone()));
            }
            if let Some(u) = &cfg.user {
                query.push(("u", u.clone()));
            }
            if let Some(p) = &cfg.password {
                query.push(("p", p.clone()));
            }
            Ok(Target {
                url: format!("{base}/write"),
                query,
                auth: cfg.token.as_ref().map(|t| format!("Token {t}")),
                what: format!("database '{db}'"),
            })
        }
    }
}

enum Outcome {
    Ok,
    Retry(String, Option<Duration>),
    TooLarge,
    Fatal(u16, String),
}

fn post(agent: &ureq::Agent, t: &Target, body: &[u8]) -> Outcome {
    let mut req = agent
        .post(&t.url)
        .header("Content-Encoding", "gzip")
        .header("Content-Type", "text/plain; charset=utf-8");
    for (k, v) in &t.query {
        req = req.query(k, v);
    }
    if let Some(a) = &t.auth {
        req = req.header("Authorization", a);
    }
    match req.send(body) {
        Err(e) => Outcome::Retry(e.to_string(), None),
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let text = resp.body_mut().read_to_string().unwrap_or_default();
            match status {
                200..=299 => Outcome::Ok,
                413 => Outcome::TooLarge,
                429 | 500..=599 => {
                    Outcome::Retry(format!("HTTP {status} {}", text.trim()), retry_after)
                }
                _ => Outcome::Fatal(status, text.trim().chars().take(500).collect()),
            }
        }
    }
}

fn gzip(lines: &[String]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for l in lines {
        let _ = enc.write_all(l.as_bytes());
        let _ = enc.write_all(b"\n");
    }
    enc.finish().unwrap_or_default()
}

/// Writes `lines`; what cannot be written goes to `spool` (appended), and the error says so.
pub fn write_lines(
    cfg: &InfluxConfig,
    lines: Vec<String>,
    spool: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<WriteStats, InfluxError> {
    if cfg.url.is_empty() {
        return Err(InfluxError::NoUrl);
    }
    let kept = |n: usize| {
        format!(
            "{n} lines not written are kept in {} (load them later: netanalyzer load {})",
            spool.display(),
            spool.display()
        )
    };
    let api = match detect_api(cfg) {
        Ok(api) => api,
        Err(e) => {
            spool_lines(spool, &lines)?;
            return Err(InfluxError::Unavailable {
                url: cfg.url.clone(),
                attempts: 1,
                last: e,
                kept: kept(lines.len()),
            });
        }
    };
    let target = target(cfg, api)?;
    let agent = agent(cfg);
    let batches: Vec<Vec<String>> = lines
        .chunks(cfg.batch_lines.max(1))
        .map(<[String]>::to_vec)
        .collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let written = AtomicU64::new(0);
    let requests = AtomicU64::new(0);
    let unsent: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let first_error: Mutex<Option<(Outcome, usize)>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..cfg.concurrency.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(batch) = batches.get(i) else { break };
                if stop.load(Ordering::Relaxed) {
                    if let Ok(mut u) = unsent.lock() {
                        u.extend(batch.iter().cloned());
                    }
                    continue;
                }
                let mut queue = vec![batch.clone()];
                while let Some(part) = queue.pop() {
                    let body = gzip(&part);
                    let mut attempt = 0;
                    let outcome = loop {
                        attempt += 1;
                        requests.fetch_add(1, Ordering::Relaxed);
                        match post(&agent, &target, &body) {
                            Outcome::Retry(why, after) if attempt < cfg.attempts => {
                                let backoff = cfg.backoff * 2u32.saturating_pow(attempt - 1);
                                let jitter = Duration::from_millis(
                                    (std::time::SystemTime::now()
                                        .duration_since(std::time::UNIX_EPOCH)
                                        .map_or(0, |d| d.subsec_nanos())
                                        % 250) as u64,
                                );
                                std::thread::sleep(after.unwrap_or(backoff) + jitter);
                                let _ = why;
                            }
                            other => break other,
                        }
                    };
                    match outcome {
                        Outcome::Ok => {
                            written.fetch_add(part.len() as u64, Ordering::Relaxed);
                            progress(part.len() as u64);
                        }
                        Outcome::TooLarge if part.len() > 1 => {
                            let (a, b) = part.split_at(part.len() / 2);
                            queue.push(a.to_vec());
                            queue.push(b.to_vec());
                        }
                        failed => {
                            if let Ok(mut u) = unsent.lock() {
                                u.extend(part.iter().cloned());
                            }
                            stop.store(true, Ordering::Relaxed);
                            if let Ok(mut e) = first_error.lock() {
                                if e.is_none() {
                                    *e = Some((failed, attempt as usize));
                                }
                            }
                        }
                    }
                }
            });
        }
    });
    let unsent = unsent.into_inner().unwrap_or_default();
    let stats = WriteStats {
        written: written.load(Ordering::Relaxed),
        requests: requests.load(Ordering::Relaxed),
        api: Some(match api {
            Api::V1 => "v1",
            Api::V2 => "v2",
        }),
    };
    let Some((outcome, attempts)) = first_error.into_inner().unwrap_or_default() else {
        return Ok(stats);
    };
    spool_lines(spool, &unsent)?;
    let kept = kept(unsent.len());
    Err(match outcome {
        Outcome::Fatal(status @ (401 | 403), _) => InfluxError::Auth { status, kept },
        Outcome::Fatal(404, message) => InfluxError::NotFound {
            what: target.what.clone(),
            message,
            kept,
        },
        Outcome::Fatal(400, message) => InfluxError::Rejected { message, kept },
        Outcome::Fatal(status, message) => InfluxError::Unavailable {
            url: cfg.url.clone(),
            attempts: attempts as u32,
            last: format!("HTTP {status} {message}"),
            kept,
        },
        Outcome::Retry(last, _) => InfluxError::Unavailable {
            url: cfg.url.clone(),
            attempts: attempts as u32,
            last,
            kept,
        },
        Outcome::TooLarge => InfluxError::Rejected {
            message: "a single line is larger than the server accepts".into(),
            kept,
        },
        Outcome::Ok => return Ok(stats),
    })
}

/// Appends `lines` to the spool file.
pub fn spool_lines(path: &Path, lines: &[String]) -> Result<(), InfluxError> {
    if lines.is_empty() {
        return Ok(());
    }
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        let mut w = std::io::BufWriter::new(&mut f);
        for l in lines {
            w.write_all(l.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        drop(w);
        f.sync_all()
    };
    write().map_err(|e| InfluxError::Spool {
        path: path.to_path_buf(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let cfg = InfluxConfig {
            token: Some("s3cr3t-token".into()),
            password: Some("hunter2".into()),
            ..InfluxConfig::default()
        };
        let shown = format!("{cfg:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
