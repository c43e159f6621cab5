//! Frames into files: classic pcap through pcap-file, pcapng block by block.

use super::*;

/// Writes frames of one link type as a classic pcap file.
pub(super) fn write_pcap(
    path: &Path,
    frames: &[SampleFrame],
    endianness: Endianness,
    ts_resolution: TsResolution,
) -> io::Result<()> {
    let datalink = DataLink::from(u32::from(frames.first().map_or(1, |f| f.linktype)));
    let header = PcapHeader {
        version_major: 2,
        version_minor: 4,
        ts_correction: 0,
        ts_accuracy: 0,
        snaplen: 262_144,
        datalink,
        ts_resolution,
        endianness,
    };
    let file = BufWriter::new(File::create(path)?);
    let mut writer = PcapWriter::with_header(file, header).map_err(io::Error::other)?;
    for f in frames {
        let ts = Duration::from_nanos(f.ts_ns as u64);
        let packet = PcapPacket::new(ts, f.data.len() as u32, &f.data);
        writer.write_packet(&packet).map_err(io::Error::other)?;
    }
    writer.into_writer().flush()
}

/// A pcapng file written block by block in the byte order of the section being written:
/// sections, interfaces of different link types and timestamp resolutions, Enhanced, obsolete
/// and Simple Packet Blocks, comments. The samples here and the reader's tests use it.
pub(crate) struct PcapNgBuilder {
    pub(crate) out: Vec<u8>,
    big_endian: bool,
}

impl PcapNgBuilder {
    pub(crate) fn new() -> PcapNgBuilder {
        PcapNgBuilder {
            out: Vec::new(),
            big_endian: false,
        }
    }

    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    pub(crate) fn u32(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// A block of any type around `body`, padded to 4 bytes.
    pub(crate) fn block(&mut self, block_type: u32, body: &[u8]) {
        let mut body = body.to_vec();
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        let len = (body.len() + 12) as u32;
        let (t, l) = (self.u32(block_type), self.u32(len));
        self.out.extend_from_slice(&t);
        self.out.extend_from_slice(&l);
        self.out.extend_from_slice(&body);
        self.out.extend_from_slice(&l);
    }

    fn option(&self, code: u16, value: &[u8], body: &mut Vec<u8>) {
        body.extend_from_slice(&self.u16(code));
        body.extend_from_slice(&self.u16(value.len() as u16));
        body.extend_from_slice(value);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
    }

    /// A Section Header Block, with a comment option when `comment` is given.
    pub(crate) fn section(&mut self, big_endian: bool, comment: Option<&str>) {
        self.big_endian = big_endian;
        let mut body = self.u32(0x1A2B_3C4D).to_vec();
        body.extend_from_slice(&self.u16(1));
        body.extend_from_slice(&self.u16(0));
        body.extend_from_slice(&[0xff; 8]);
        if let Some(comment) = comment {
            self.option(1, comment.as_bytes(), &mut body);
            self.option(0, &[], &mut body);
        }
        self.block(0x0A0D_0D0A, &body);
    }

    /// An Interface Description Block.
    pub(crate) fn interface(&mut self, linktype: u16, tsresol: Option<u8>, name: Option<&str>) {
        let mut body = self.u16(linktype).to_vec();
        body.extend_from_slice(&self.u16(0));
        body.extend_from_slice(&self.u32(0));
        if let Some(name) = name {
            self.option(2, name.as_bytes(), &mut body);
        }
        if let Some(r) = tsresol {
            self.option(9, &[r], &mut body);
        }
        self.option(0, &[], &mut body);
        self.block(1, &body);
    }

    /// An Enhanced Packet Block, or the obsolete Packet Block when `obsolete`; `ticks` in the
    /// interface's time unit.
    pub(crate) fn packet(
        &mut self,
        iface: u32,
        ticks: u64,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
        obsolete: bool,
    ) {
        let mut body = if obsolete {
            let mut b = self.u16(iface as u16).to_vec();
            b.extend_from_slice(&self.u16(0));
            b
        } else {
            self.u32(iface).to_vec()
        };
        body.extend_from_slice(&self.u32((ticks >> 32) as u32));
        body.extend_from_slice(&self.u32(ticks as u32));
        body.extend_from_slice(&self.u32(data.len() as u32));
        body.extend_from_slice(&self.u32(orig_len));
        body.extend_from_slice(data);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        if let Some(c) = comment {
            self.option(1, c.as_bytes(), &mut body);
            self.option(0, &[], &mut body);
        }
        self.block(if obsolete { 2 } else { 6 }, &body);
    }

    pub(super) fn enhanced(
        &mut self,
        iface: u32,
        units: u64,
        frame: &SampleFrame,
        comment: Option<&str>,
    ) {
        let ticks = (frame.ts_ns as u128 * u128::from(units) / 1_000_000_000) as u64;
        let len = frame.data.len() as u32;
        self.packet(iface, ticks, &frame.data, len, comment, false);
    }

    /// A Simple Packet Block.
    pub(crate) fn simple(&mut self, data: &[u8]) {
        let mut body = self.u32(data.len() as u32).to_vec();
        body.extend_from_slice(data);
        self.block(3, &body);
    }
}
