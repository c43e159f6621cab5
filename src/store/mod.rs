//! Tables larger than memory, kept on disk: sorted runs of records and their k-way merge
//! (`runs`), the flows finished early ([`FlowArchive`], read back whole as a [`FlowTable`]), the
//! address pairs beyond the limit ([`ConvArchive`]), per-address counters ([`EndpointRuns`]) and
//! the report's tables in a fixed order ([`SortedTable`]). `analyze` spills into it during the
//! run and `report` reads back from it, through typed records: how a record is laid out on disk
//! is [`RunRecord`]'s business (`codec.rs`), never the caller's.
//!
//! Every file lives in a temporary folder of the run ([`spill_dir`]), removed when the last table
//! kept in it is dropped, or by the next run after a kill ([`remove_stale`]).

mod codec;
mod conv_archive;
mod flow_archive;
mod folders;
mod log_archive;
mod runs;
mod sorted;

pub use codec::{Decoder, Encoder, RunRecord};
pub use conv_archive::{ConvArchive, EndpointRuns};
pub use flow_archive::{FlowArchive, FlowTable};
pub use folders::{remove_stale, spill_dir};
pub use log_archive::LogArchive;
pub use runs::SortedRows;
pub use sorted::{SortedBuilder, SortedTable, Top};
