//! The integration tests: one binary (built and linked once), a module per area, sharing the
//! helpers of [`common`]. Each runs the real `netanalyzer` binary on files, or the library on
//! the shared corpora, and checks it against an oracle (tshark, capinfos, DuckDB, a browser, real
//! InfluxDB and VictoriaMetrics servers) or against an invariant a bug would break.

mod anomalies;
mod app_layer;
mod bad_input;
mod capture;
mod common;
mod compare;
mod compressed;
mod corpus;
mod flow_spill;
mod html;
mod influx;
mod parquet;
mod reliability;
mod streams;
mod tshark;
