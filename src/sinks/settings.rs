//! Where the InfluxDB settings come from, highest first: the command line's flags, the
//! environment's `INFLUX_*` variables, a `.env` file in the working directory, and the `[influx]`
//! table of a `--config` TOML file. Each source is read into a [`Sources`] by itself; [`resolve`]
//! layers them and checks what must parse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::influx::{Api, InfluxConfig};
use super::line::Precision;

/// The settings one source gives; `None` where it is silent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// Server URL.
    pub url: Option<String>,
    /// `v1` or `v2`; detected from `/ping` when no source names it.
    pub api: Option<String>,
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
    /// `ns`, `us`, `ms` or `s`.
    pub precision: Option<String>,
}

/// How requests are made: not a setting of the environment, only of flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    /// Lines per request (at least 1).
    pub batch_lines: usize,
    /// Requests in flight (at least 1).
    pub concurrency: usize,
}

/// A setting that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The `--config` file could not be read.
    #[error("reading {path}: {why}")]
    ConfigUnreadable {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        why: String,
    },
    /// The `--config` file is not TOML.
    #[error("parsing {path}: {why}")]
    ConfigSyntax {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said.
        why: String,
    },
    /// An unknown precision.
    #[error("precision '{0}': expected ns, us, ms or s")]
    Precision(String),
}

impl Sources {
    /// The `INFLUX_*` entries of `vars` (the environment, or a `.env` file's lines).
    pub fn from_vars(vars: &BTreeMap<String, String>) -> Sources {
        let get = |k: &str| vars.get(k).cloned();
        Sources {
            url: get("INFLUX_URL"),
            api: get("INFLUX_API"),
            token: get("INFLUX_TOKEN"),
            org: get("INFLUX_ORG"),
            bucket: get("INFLUX_BUCKET"),
            db: get("INFLUX_DB"),
            rp: get("INFLUX_RP"),
            user: get("INFLUX_USER"),
            password: get("INFLUX_PASSWORD"),
            precision: get("INFLUX_PRECISION"),
        }
    }

    /// The `[influx]` table of a TOML document (strings, numbers and booleans as text).
    pub fn from_toml(text: &str, path: &Path) -> Result<Sources, SettingsError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| SettingsError::ConfigSyntax {
            path: path.into(),
            why: e.to_string(),
        })?;
        let mut vars = BTreeMap::new();
        if let Some(influx) = table.get("influx").and_then(|v| v.as_table()) {
            for (k, v) in influx {
                let value = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => continue,
                };
                vars.insert(format!("INFLUX_{}", k.to_ascii_uppercase()), value);
            }
        }
        Ok(Sources::from_vars(&vars))
    }

    /// Reads `--config FILE`.
    pub fn from_toml_file(path: &Path) -> Result<Sources, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|e| SettingsError::ConfigUnreadable {
            path: path.into(),
            why: e.to_string(),
        })?;
        Sources::from_toml(&text, path)
    }

    /// Each setting from `self`, or else from `lower`.
    pub fn or(self, lower: Sources) -> Sources {
        Sources {
            url: self.url.or(lower.url),
            api: self.api.or(lower.api),
            token: self.token.or(lower.token),
            org: self.org.or(lower.org),
            bucket: self.bucket.or(lower.bucket),
            db: self.db.or(lower.db),
            rp: self.rp.or(lower.rp),
            user: self.user.or(lower.user),
            password: self.password.or(lower.password),
            precision: self.precision.or(lower.precision),
        }
    }
}

/// `KEY=value` lines of a `.env` file (`export` and quotes allowed, `#` comments); empty when
/// the file is absent.
pub fn dotenv_vars(path: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(path) else {
        return out;
    };
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().trim_matches('"').trim_matches('\'');
            out.insert(k.trim().to_string(), v.to_string());
        }
    }
    out
}

/// The process's `INFLUX_*` variables.
pub fn environment_vars() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("INFLUX_"))
        .collect()
}

/// Layers the sources, highest first, into a writer's configuration.
pub fn resolve(layers: &[Sources], transfer: Transfer) -> Result<InfluxConfig, SettingsError> {
    let s = layers
        .iter()
        .cloned()
        .fold(Sources::default(), |higher, lower| higher.or(lower));
    let precision = match &s.precision {
        Some(p) => Precision::parse(p).ok_or_else(|| SettingsError::Precision(p.clone()))?,
        None => Precision::Nanoseconds,
    };
    // An unknown API name is left to detection, as before the value was checked.
    let api = match s.api.as_deref() {
        Some("v1") => Some(Api::V1),
        Some("v2") => Some(Api::V2),
        _ => None,
    };
    Ok(InfluxConfig {
        url: s.url.unwrap_or_default(),
        api,
        token: s.token,
        org: s.org,
        bucket: s.bucket,
        db: s.db,
        rp: s.rp,
        user: s.user,
        password: s.password,
        batch_lines: transfer.batch_lines.max(1),
        concurrency: transfer.concurrency.max(1),
        attempts: 5,
        backoff: Duration::from_millis(200),
        timeout: Duration::from_secs(30),
        precision,
    })
}

/// The settings of a run: `flags`, then the environment, then `./.env`, then `config`.
pub fn from_flags_and_environment(
    flags: Sources,
    config: Option<&Path>,
    transfer: Transfer,
) -> Result<InfluxConfig, SettingsError> {
    let toml = match config {
        Some(path) => Sources::from_toml_file(path)?,
        None => Sources::default(),
    };
    resolve(
        &[
            flags,
            Sources::from_vars(&environment_vars()),
            Sources::from_vars(&dotenv_vars(Path::new(".env"))),
            toml,
        ],
        transfer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSFER: Transfer = Transfer {
        batch_lines: 5000,
        concurrency: 4,
    };

    fn vars(pairs: &[(&str, &str)]) -> Sources {
        Sources::from_vars(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn flags_then_environment_then_dotenv_then_toml() {
        let flags = Sources {
            bucket: Some("flag-bucket".into()),
            ..Sources::default()
        };
        let env = vars(&[("INFLUX_BUCKET", "env-bucket"), ("INFLUX_ORG", "env-org")]);
        let dotenv = vars(&[
            ("INFLUX_ORG", "file-org"),
            ("INFLUX_URL", "http://file:8086"),
        ]);
        let toml = Sources::from_toml(
            "[influx]\nurl = \"http://toml:8086\"\ntoken = \"t0ml\"\nprecision = \"ms\"\n",
            Path::new("x.toml"),
        )
        .expect("toml");
        let cfg = resolve(&[flags, env, dotenv, toml], TRANSFER).expect("resolves");
        assert_eq!(cfg.bucket.as_deref(), Some("flag-bucket"));
        assert_eq!(cfg.org.as_deref(), Some("env-org"));
        assert_eq!(cfg.url, "http://file:8086");
        assert_eq!(cfg.token.as_deref(), Some("t0ml"));
        assert_eq!(cfg.precision, Precision::Milliseconds);
        assert_eq!(cfg.api, None);
    }

    #[test]
    fn bad_values_are_errors_and_transfer_sizes_are_at_least_one() {
        let bad = vars(&[("INFLUX_PRECISION", "fortnight")]);
        assert!(matches!(
            resolve(&[bad], TRANSFER),
            Err(SettingsError::Precision(p)) if p == "fortnight"
        ));
        assert!(matches!(
            Sources::from_toml("[influx\n", Path::new("bad.toml")),
            Err(SettingsError::ConfigSyntax { .. })
        ));
        let cfg = resolve(
            &[vars(&[("INFLUX_API", "v1")])],
            Transfer {
                batch_lines: 0,
                concurrency: 0,
            },
        )
        .expect("resolves");
        assert_eq!((cfg.batch_lines, cfg.concurrency), (1, 1));
        assert_eq!(cfg.api, Some(Api::V1));
    }

    #[test]
    fn dotenv_lines_with_export_quotes_and_comments() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join(".env");
        std::fs::write(
            &file,
            "# settings\nINFLUX_ORG=\"from-file\"\nexport INFLUX_DB=capdb\nINFLUX_RP='week'\n",
        )
        .expect("write");
        let s = Sources::from_vars(&dotenv_vars(&file));
        assert_eq!(s.db.as_deref(), Some("capdb"));
        assert_eq!(s.org.as_deref(), Some("from-file"));
        assert_eq!(s.rp.as_deref(), Some("week"));
        assert!(dotenv_vars(&dir.path().join("absent")).is_empty());
    }
}
