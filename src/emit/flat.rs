//! CSV and JSON lines for flat records: structs whose fields are strings,
//! whole numbers, booleans and options of them, as every table's records
//! are.
//!
//! Every cell of every table passes here. The general serialisers
//! (serde_json, the csv crate) check strings one byte at a time for
//! characters to escape, which was most of the cost of writing; here a
//! whole string is checked at once (a loop the compiler vectorises) and,
//! as almost always, copied as it is.
//!
//! The bytes are exactly what `serde_json::to_writer` and the csv crate
//! (necessary quoting, `\n` line ends) write: tests compare them. A record
//! of any other shape (a float, a list, an enum with data) is refused with
//! [`Unsupported`], and the caller falls back to those crates.

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object, as `serde_json::to_writer` writes it.
    Json,
    /// One CSV record without its line end, as the csv crate writes it
    /// with the default (necessary) quoting.
    Csv,
}

/// The record is not flat; nothing was appended.
#[derive(Debug)]
pub struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a flat record")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// Appends one record to `out` (without a line end). On [`Unsupported`],
/// `out` is left as it was.
///
/// ```
/// use hyokasho::emit::flat::{Format, write};
/// #[derive(serde::Serialize)]
/// struct R { id: u32, text: Option<String>, ok: bool }
/// let r = R { id: 7, text: Some("a,\"b\"\n".into()), ok: true };
/// let mut json = Vec::new();
/// write(&mut json, &r, Format::Json).unwrap();
/// assert_eq!(json, br#"{"id":7,"text":"a,\"b\"\n","ok":true}"#);
/// let mut csv = Vec::new();
/// write(&mut csv, &r, Format::Csv).unwrap();
/// assert_eq!(csv, b"7,\"a,\"\"b\"\"\n\",true");
/// ```
pub fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    record: &T,
    format: Format,
) -> Result<(), Unsupported> {
    let start = out.len();
    let result = record.serialize(&mut Line {
        out,
        format,
        first: true,
        in_struct: false,
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

struct Line<'a> {
    out: &'a mut Vec<u8>,
    format: Format,
    /// No field written yet in the current struct.
    first: bool,
    /// Inside the record's struct: a struct in a field is not flat.
    in_struct: bool,
}

impl Line<'_> {
    fn text(&mut self, s: &str) {
        match self.format {
            Format::Json => json_string(self.out, s),
            Format::Csv => csv_field(self.out, s),
        }
    }

    fn number(&mut self, n: impl itoa::Integer) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
}

/// Writes a JSON string: `"` `\` and C0 controls escaped as serde_json
/// escapes them (`\n`, `\u001f`…), everything else as it is.
fn json_string(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.push(b'"');
    if !any_byte(b, |c| (c < 0x20) | (c == b'"') | (c == b'\\')) {
        // Nearly every string: nothing to escape.
        out.extend_from_slice(b);
    } else if !any_byte(b, |c| {
        ((c < 0x20) & (c != b'\t') & (c != b'\n')) | (c == b'\\')
    }) {
        // Tabs (the `raw` cells), line breaks and quotes only: found with
        // a vectorised search instead of a look at every byte.
        let mut run = 0;
        for i in memchr::memchr3_iter(b'\t', b'\n', b'"', b) {
            out.extend_from_slice(&b[run..i]);
            out.extend_from_slice(escape(b[i]));
            run = i + 1;
        }
        out.extend_from_slice(&b[run..]);
    } else {
        let mut run = 0;
        for (i, &c) in b.iter().enumerate() {
            if (c < 0x20) | (c == b'"') | (c == b'\\') {
                out.extend_from_slice(&b[run..i]);
                out.extend_from_slice(escape(c));
                run = i + 1;
            }
        }
        out.extend_from_slice(&b[run..]);
    }
    out.push(b'"');
}

/// How serde_json escapes a byte that must be: `\"`, `\\`, the short
/// forms of five controls, `\u00XX` (lower-case hex) for the others.
fn escape(c: u8) -> &'static [u8] {
    const SHORT: [(u8, &[u8]); 7] = [
        (b'"', b"\\\""),
        (b'\\', b"\\\\"),
        (b'\n', b"\\n"),
        (b'\r', b"\\r"),
        (b'\t', b"\\t"),
        (0x08, b"\\b"),
        (0x0C, b"\\f"),
    ];
    if let Some((_, e)) = SHORT.iter().find(|(b, _)| *b == c) {
        return e;
    }
    // The other C0 controls, by table: `\u0000` … `\u001f`.
    const UNICODE: [[u8; 6]; 32] = {
        let mut t = [[0u8; 6]; 32];
        let mut i = 0;
        while i < 32 {
            t[i] = [b'\\', b'u', b'0', b'0', HEX[i >> 4], HEX[i & 0xF]];
            i += 1;
        }
        t
    };
    UNICODE.get(usize::from(c)).map_or(&[], |e| e.as_slice())
}

/// Whether any byte matches: no early exit, and a byte-wide accumulator,
/// so that the loop is vectorised (most strings match nowhere).
#[inline(always)]
fn any_byte(b: &[u8], matches: impl Fn(u8) -> bool) -> bool {
    let mut any = 0u8;
    for &c in b {
        any |= u8::from(matches(c));
    }
    any != 0
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes a CSV field, quoted (quotes doubled) when it holds a comma, a
/// quote or a line break, as the csv crate's necessary quoting does.
fn csv_field(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if !any_byte(b, |c| {
        (c == b',') | (c == b'"') | (c == b'\n') | (c == b'\r')
    }) {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    let mut run = 0;
    for i in memchr::memchr_iter(b'"', b) {
        out.extend_from_slice(&b[run..=i]);
        out.push(b'"');
        run = i + 1;
    }
    out.extend_from_slice(&b[run..]);
    out.push(b'"');
}

macro_rules! numbers {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            self.number(v);
            Ok(())
        })*
    };
}

impl<'a, 'b> ser::Serializer for &'a mut Line<'b> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    numbers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
             serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.text(v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.text(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        if self.format == Format::Json {
            self.out.extend_from_slice(b"null");
        }
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.text(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
        if self.in_struct {
            return Err(Unsupported);
        }
        self.in_struct = true;
        if self.format == Format::Json {
            self.out.push(b'{');
        }
        self.first = true;
        Ok(self)
    }

    // Not flat: the caller falls back to the general serialisers.
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

impl<'a, 'b> ser::SerializeStruct for &'a mut Line<'b> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        if self.format == Format::Json {
            // Field names are plain identifiers: written as they are, the
            // check for characters to escape kept only for safety.
            if key.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\') {
                self.out.push(b'"');
                self.out.extend_from_slice(key.as_bytes());
                self.out.extend_from_slice(b"\":");
            } else {
                json_string(self.out, key);
                self.out.push(b':');
            }
        }
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.in_struct = false;
        if self.format == Format::Json {
            self.out.push(b'}');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rows::RowRecord;

    #[derive(Serialize, Default)]
    struct Every {
        text: String,
        some: Option<String>,
        none: Option<String>,
        count: u32,
        signed: i64,
        small: Option<u8>,
        flag: bool,
        maybe: Option<bool>,
        name: &'static str,
        letter: char,
    }

    /// Every ASCII byte, the separators, quotes, and text beyond ASCII, in
    /// strings long and short enough to cross the 32-byte blocks.
    fn tricky() -> Vec<String> {
        let ascii: String = (0u8..0x80).map(char::from).collect();
        vec![
            String::new(),
            "plain".into(),
            ascii.clone(),
            format!("漢字{ascii}かな\u{2028}\u{FEFF}😀"),
            "a,b".into(),
            "\"quoted\"".into(),
            "line\r\nbreak\r".into(),
            "x".repeat(31) + "\t" + &"y".repeat(40) + "\\",
            "特定個人情報".repeat(20) + "\n",
            "評価\t書\n\"名\"\t".repeat(9),
        ]
    }

    fn by_crates<T: Serialize>(record: &T) -> (Vec<u8>, Vec<u8>) {
        let json = serde_json::to_vec(record).unwrap();
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        csv.serialize(record).unwrap();
        let mut csv = csv.into_inner().unwrap();
        assert_eq!(csv.pop(), Some(b'\n'));
        (json, csv)
    }

    fn by_flat<T: Serialize>(record: &T) -> (Vec<u8>, Vec<u8>) {
        let (mut json, mut csv) = (Vec::new(), Vec::new());
        write(&mut json, record, Format::Json).unwrap();
        write(&mut csv, record, Format::Csv).unwrap();
        (json, csv)
    }

    #[test]
    fn the_same_bytes_as_serde_json_and_the_csv_crate() {
        for (i, s) in tricky().into_iter().enumerate() {
            let every = Every {
                text: s.clone(),
                some: Some(s.clone()),
                none: None,
                count: u32::MAX - i as u32,
                signed: -(i as i64) * 1_000_003,
                small: (i % 2 == 0).then_some(i as u8),
                flag: i % 2 == 1,
                maybe: (i % 3 != 0).then_some(i % 3 == 1),
                name: "名前",
                letter: s.chars().next().unwrap_or('"'),
            };
            assert_eq!(by_flat(&every), by_crates(&every), "{s:?}");
            let row = RowRecord {
                doc_id: "0123456789abcdef".into(),
                row_no: i as u32,
                page: Some(3),
                path: Some(s.clone()),
                value: Some(s.clone()),
                raw: s,
                ..RowRecord::default()
            };
            assert_eq!(by_flat(&row), by_crates(&row));
        }
    }

    #[test]
    fn records_that_are_not_flat_are_refused_untouched() {
        #[derive(Serialize)]
        struct Float {
            a: u32,
            x: f64,
        }
        #[derive(Serialize)]
        struct List {
            a: u32,
            xs: Vec<u32>,
        }
        #[derive(Serialize)]
        struct Nested {
            a: u32,
            inner: Float,
        }
        let mut out = b"kept".to_vec();
        for format in [Format::Json, Format::Csv] {
            assert!(write(&mut out, &Float { a: 1, x: 0.5 }, format).is_err());
            let list = List { a: 1, xs: vec![2] };
            assert!(write(&mut out, &list, format).is_err());
            let inner = Float { a: 2, x: 1.0 };
            assert!(write(&mut out, &Nested { a: 1, inner }, format).is_err());
            assert_eq!(out, b"kept");
        }
    }
}
