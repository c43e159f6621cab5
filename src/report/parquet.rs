//! `flows.parquet`, `packets.parquet` and the application logs' `NAME.parquet`, for pandas,
//! DuckDB, Polars and Spark (feature `parquet`, on by default). Written with the `parquet` crate's column writers in row groups, so
//! memory stays bounded by one row group.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::summary::{proto_label, Report};
use crate::analyze::app::{Cell, Log, LogRow};
use crate::analyze::PacketColumns;
use crate::decode::ip_proto;
use crate::decode::{to_ip, Proto};
use crate::store::SortedRows;

const FLOWS_SCHEMA: &str = "message flows {
    REQUIRED INT64 ts (TIMESTAMP(NANOS,true));
    REQUIRED BYTE_ARRAY orig_h (STRING);
    REQUIRED INT32 orig_p (INTEGER(16,false));
    REQUIRED BYTE_ARRAY resp_h (STRING);
    REQUIRED INT32 resp_p (INTEGER(16,false));
    REQUIRED BYTE_ARRAY proto (STRING);
    REQUIRED BYTE_ARRAY service (STRING);
    REQUIRED INT64 duration_ns;
    REQUIRED INT64 orig_bytes;
    REQUIRED INT64 resp_bytes;
    REQUIRED BYTE_ARRAY conn_state (STRING);
    REQUIRED BYTE_ARRAY history (STRING);
    REQUIRED INT64 orig_pkts;
    REQUIRED INT64 orig_ip_bytes;
    REQUIRED INT64 resp_pkts;
    REQUIRED INT64 resp_ip_bytes;
    REQUIRED BYTE_ARRAY community_id (STRING);
}";

const PACKETS_SCHEMA: &str = "message packets {
    REQUIRED INT64 ts (TIMESTAMP(NANOS,true));
    REQUIRED INT32 len;
    REQUIRED INT32 caplen;
    REQUIRED INT32 linktype;
    REQUIRED BYTE_ARRAY protocols (STRING);
    REQUIRED INT32 ip_version;
    REQUIRED BYTE_ARRAY src (STRING);
    REQUIRED BYTE_ARRAY dst (STRING);
    REQUIRED INT32 ip_proto;
    REQUIRED INT32 sport;
    REQUIRED INT32 dport;
    REQUIRED INT32 tcp_flags;
}";

/// Rows per row group of `flows.parquet`.
const FLOW_ROWS: usize = 65_536;

fn err(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e.to_string())
}

enum Column {
    I32(Vec<i32>),
    I64(Vec<i64>),
    Bytes(Vec<ByteArray>),
    /// Text that may be missing: the values present, and per row whether it is (1) or not (0).
    OptionalBytes(Vec<ByteArray>, Vec<i16>),
}

fn open(path: &Path, schema: &str) -> io::Result<SerializedFileWriter<File>> {
    let schema = Arc::new(parse_message_type(schema).map_err(err)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("netanalyzer {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    SerializedFileWriter::new(File::create(path)?, schema, props).map_err(err)
}

fn write_group(writer: &mut SerializedFileWriter<File>, columns: Vec<Column>) -> io::Result<()> {
    let mut group = writer.next_row_group().map_err(err)?;
    for column in columns {
        let Some(mut col) = group.next_column().map_err(err)? else {
            return Err(io::Error::other(
                "parquet schema has fewer columns than rows",
            ));
        };
        match column {
            Column::I32(v) => col.typed::<Int32Type>().write_batch(&v, None, None),
            Column::I64(v) => col.typed::<Int64Type>().write_batch(&v, None, None),
            Column::Bytes(v) => col.typed::<ByteArrayType>().write_batch(&v, None, None),
            Column::OptionalBytes(v, defined) => {
                col.typed::<ByteArrayType>()
                    .write_batch(&v, Some(&defined), None)
            }
        }
        .map_err(err)?;
        col.close().map_err(err)?;
    }
    group.close().map_err(err)?;
    Ok(())
}

fn text(s: &str) -> ByteArray {
    ByteArray::from(s.as_bytes().to_vec())
}

/// Writes `flows.parquet` (the columns of `flows.csv`, with `ts` a timestamp and the duration
/// in nanoseconds).
pub fn write_flows(path: &Path, report: &Report) -> io::Result<()> {
    let mut writer = open(path, FLOWS_SCHEMA)?;
    report.flows.for_each_chunk(FLOW_ROWS, |chunk| {
        let i64s = |f: &dyn Fn(&crate::analyze::FlowRecord) -> i64| {
            Column::I64(chunk.iter().map(f).collect())
        };
        let strs = |f: &dyn Fn(&crate::analyze::FlowRecord) -> String| {
            Column::Bytes(chunk.iter().map(|r| text(&f(r))).collect())
        };
        let columns = vec![
            i64s(&|r| r.start_ns),
            strs(&|r| r.orig_h.to_string()),
            Column::I32(chunk.iter().map(|r| i32::from(r.orig_p)).collect()),
            strs(&|r| r.resp_h.to_string()),
            Column::I32(chunk.iter().map(|r| i32::from(r.resp_p)).collect()),
            strs(&|r| proto_label(r.proto)),
            strs(&|r| r.services.to_string()),
            i64s(&|r| r.duration_ns),
            i64s(&|r| r.orig_bytes as i64),
            i64s(&|r| r.resp_bytes as i64),
            strs(&|r| r.conn_state.to_string()),
            strs(&|r| r.history.to_string()),
            i64s(&|r| r.orig_pkts as i64),
            i64s(&|r| r.orig_ip_bytes as i64),
            i64s(&|r| r.resp_pkts as i64),
            i64s(&|r| r.resp_ip_bytes as i64),
            strs(&|r| r.community_id.to_string()),
        ];
        write_group(&mut writer, columns)
    })?;
    writer.close().map_err(err)?;
    Ok(())
}

/// The schema of `log`'s Parquet file: the row's time and flow as in `flows.parquet`, then the
/// log's columns as the CSV writes them (text; null where the CSV has `-`).
fn log_schema(log: Log) -> String {
    let mut s = format!(
        "message {} {{
    REQUIRED INT64 ts (TIMESTAMP(NANOS,true));
    REQUIRED BYTE_ARRAY community_id (STRING);
    REQUIRED BYTE_ARRAY orig_h (STRING);
    REQUIRED INT32 orig_p (INTEGER(16,false));
    REQUIRED BYTE_ARRAY resp_h (STRING);
    REQUIRED INT32 resp_p (INTEGER(16,false));
    REQUIRED BYTE_ARRAY proto (STRING);
",
        log.name()
    );
    for column in log.columns() {
        s.push_str(&format!("    OPTIONAL BYTE_ARRAY {column} (STRING);\n"));
    }
    s.push('}');
    s
}

/// Writes `log`'s rows, in time order, to `path`.
pub fn write_log(path: &Path, log: Log, rows: &SortedRows<LogRow>) -> io::Result<()> {
    let schema = log_schema(log);
    let mut writer = open(path, &schema)?;
    let width = log.columns().len();
    rows.for_each_chunk(FLOW_ROWS, |chunk| {
        let strs = |f: &dyn Fn(&LogRow) -> String| {
            Column::Bytes(chunk.iter().map(|r| text(&f(r))).collect())
        };
        let mut columns = vec![
            Column::I64(chunk.iter().map(|r| r.ts_ns).collect()),
            strs(&|r| r.flow.community_id.to_string()),
            strs(&|r| r.flow.orig_h.to_string()),
            Column::I32(chunk.iter().map(|r| i32::from(r.flow.orig_p)).collect()),
            strs(&|r| r.flow.resp_h.to_string()),
            Column::I32(chunk.iter().map(|r| i32::from(r.flow.resp_p)).collect()),
            strs(&|r| {
                ip_proto::name(r.flow.proto)
                    .map_or_else(|| r.flow.proto.to_string(), str::to_string)
            }),
        ];
        let mut cell_text = String::new();
        for i in 0..width {
            let (mut values, mut defined) = (Vec::new(), Vec::with_capacity(chunk.len()));
            for r in chunk {
                match r.cells.get(i).unwrap_or(&Cell::Empty) {
                    Cell::Empty => defined.push(0),
                    cell => {
                        cell_text.clear();
                        cell.write_to(&mut cell_text);
                        values.push(text(&cell_text));
                        defined.push(1);
                    }
                }
            }
            columns.push(Column::OptionalBytes(values, defined));
        }
        write_group(&mut writer, columns)
    })?;
    writer.close().map_err(err)?;
    Ok(())
}

/// Writes `packets.parquet` one row group per batch of frames, in capture order.
pub struct PacketsWriter {
    writer: SerializedFileWriter<File>,
    rows: u64,
}

impl PacketsWriter {
    /// Creates the file.
    pub fn create(path: &Path) -> io::Result<PacketsWriter> {
        Ok(PacketsWriter {
            writer: open(path, PACKETS_SCHEMA)?,
            rows: 0,
        })
    }

    /// Appends one batch of frames.
    pub fn write(&mut self, p: &PacketColumns) -> io::Result<()> {
        if p.ts.is_empty() {
            return Ok(());
        }
        let protocols = p
            .protos
            .iter()
            .map(|bits| {
                let names: Vec<&str> = Proto::ALL
                    .iter()
                    .filter(|pr| bits >> (**pr as u8) & 1 == 1)
                    .map(|pr| pr.name())
                    .collect();
                text(&names.join(":"))
            })
            .collect();
        let addr = |v: &[(u8, u128)]| {
            Column::Bytes(
                v.iter()
                    .map(|&(version, a)| match version {
                        0 => ByteArray::from(Vec::new()),
                        _ => text(&to_ip(version, a).to_string()),
                    })
                    .collect(),
            )
        };
        let columns = vec![
            Column::I64(p.ts.clone()),
            Column::I32(p.len.iter().map(|&v| v as i32).collect()),
            Column::I32(p.caplen.iter().map(|&v| v as i32).collect()),
            Column::I32(p.linktype.iter().map(|&v| i32::from(v)).collect()),
            Column::Bytes(protocols),
            Column::I32(p.src.iter().map(|&(v, _)| i32::from(v)).collect()),
            addr(&p.src),
            addr(&p.dst),
            Column::I32(p.ip_proto.iter().map(|&v| i32::from(v)).collect()),
            Column::I32(p.sport.iter().map(|&v| i32::from(v)).collect()),
            Column::I32(p.dport.iter().map(|&v| i32::from(v)).collect()),
            Column::I32(p.tcp_flags.iter().map(|&v| i32::from(v)).collect()),
        ];
        self.rows += p.ts.len() as u64;
        write_group(&mut self.writer, columns)
    }

    /// Finishes the file; returns the rows written.
    pub fn finish(self) -> io::Result<u64> {
        self.writer.close().map_err(err)?;
        Ok(self.rows)
    }
}
