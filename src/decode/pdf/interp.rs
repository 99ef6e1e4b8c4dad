//! The content-stream interpreter: one page's operators → text runs with
//! glyph positions, ruling lines and an image count ([`PageContent`]).
//!
//! Only what text extraction needs is interpreted: the graphics state stack
//! and CTM, the text state and text-showing operators, path construction and
//! painting (for ruling lines), Form XObjects (recursively) and images
//! (counted). Colours, clipping, shading and marked content are skipped.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::PdfLimits;
use super::font::{Font, deref, get, get_dict, get_name};
use super::page::{GlyphPos, PageContent, Rule, TextRun};

/// A 2-D affine matrix `[a b c d e f]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix([f32; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self` applied first, then `then`.
    fn then(&self, then: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = then.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// A vector (no translation).
    fn apply_vec(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, _, _] = self.0;
        (a * x + c * y, b * x + d * y)
    }
}

/// Why a page could not be read.
#[derive(Debug)]
pub struct InterpError(pub String);

/// How the message of an error that hit a work limit starts.
const LIMIT_PREFIX: &str = "limit exceeded: ";

impl InterpError {
    /// An error for a work limit: the whole document stops there.
    fn limit(what: String) -> InterpError {
        InterpError(format!("{LIMIT_PREFIX}{what}"))
    }

    /// The limit that stopped the page, if a work limit (not damage) did.
    pub fn limit_hit(&self) -> Option<&str> {
        self.0.strip_prefix(LIMIT_PREFIX)
    }
}

/// Fonts parsed once per document: by object id, or by the address of a
/// direct font dictionary (stable while the document lives).
#[derive(Default)]
pub struct FontCache {
    fonts: HashMap<FontKey, Rc<Font>>,
    fallback: Option<Rc<Font>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Direct(usize),
}

/// Work counted across a whole document.
#[derive(Debug, Default)]
pub struct Budget {
    pub operators: u64,
    pub bytes: u64,
}

/// Operators interpreted between two looks at the clock: often enough to
/// stop within milliseconds of the deadline, rarely enough to cost nothing.
const CLOCK_EVERY: u64 = 4096;

/// Fails once the document's time is up (`--timeout`).
pub fn check_deadline(limits: &PdfLimits) -> Result<(), InterpError> {
    // A signal stops a document as its time limit does.
    match limits.deadline {
        Some(d) if d.passed() => Err(InterpError::limit(d.exceeded())),
        _ => Ok(()),
    }
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz / 100`.
    scale: f32,
    leading: f32,
    rise: f32,
}

/// A path under construction, in user space.
#[derive(Default)]
struct Path {
    /// Straight segments.
    segments: Vec<[f32; 4]>,
    /// Rectangles (`re`) as their four transformed corners.
    rects: Vec<[(f32, f32); 4]>,
    start: Option<(f32, f32)>,
    current: Option<(f32, f32)>,
}

/// An operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
enum Operand<'a> {
    Num(f32),
    Name(&'a [u8]),
    Str(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    /// An inline dictionary, `<<` to `>>`, unparsed (marked-content
    /// properties).
    Dict(&'a [u8]),
    Other,
}

impl Operand<'_> {
    fn num(&self) -> Option<f32> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
}

pub struct Interp<'a> {
    doc: &'a Document,
    limits: &'a PdfLimits,
    fonts: &'a mut FontCache,
    budget: &'a mut Budget,
    page: PageContent,
    /// Form XObjects being drawn (loop guard).
    forms: Vec<ObjectId>,
    /// The open marked-content sequences, each with its `/ActualText` if it
    /// has one.
    marked: Vec<Option<ActualText>>,
    /// The run being built by a text-showing operator (its buffers reused).
    scratch: TextRun,
}

/// Whether `next` goes on where `last` stops: same direction and size, on
/// the same baseline, starting within a character of `last`'s end. One
/// run per operator is not needed by the layout, which reads glyphs.
fn continues_run(last: &TextRun, next: &TextRun) -> bool {
    let (Some(a), Some(b)) = (last.glyphs.last(), next.glyphs.first()) else {
        return false;
    };
    !last.vertical
        && !next.vertical
        && (last.size - next.size).abs() <= 0.01
        && (a.y - b.y).abs() <= 0.01
        && (b.x - (a.x + a.advance)).abs() <= last.size
}

/// The text a marked-content span says its glyphs stand for. Browsers wrap
/// glyphs whose ToUnicode entry is a look-alike (a CJK radical for a
/// kanji that shares its glyph) in such spans: the span's text replaces the
/// glyphs' own.
struct ActualText {
    text: String,
    /// Whether the text has been given to a glyph already; the span's other
    /// glyphs then add nothing.
    given: bool,
}

/// The resources of a page, inherited from its ancestors in the page tree.
fn page_resources<'a>(doc: &'a Document, page: &'a Dictionary) -> Option<&'a Dictionary> {
    let mut node = page;
    for _ in 0..64 {
        if let Some(r) = get_dict(doc, node, b"Resources") {
            return Some(r);
        }
        node = get_dict(doc, node, b"Parent")?;
    }
    None
}

/// An inherited page attribute (`MediaBox`).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Some(o) = get(doc, node, key) {
            return Some(o);
        }
        node = get_dict(doc, node, b"Parent")?;
    }
    None
}

fn rect_of(doc: &Document, o: &Object) -> Option<[f32; 4]> {
    let Object::Array(a) = o else { return None };
    let mut v = [0.0f32; 4];
    for (k, slot) in v.iter_mut().enumerate() {
        *slot = match deref(doc, a.get(k)?) {
            Object::Integer(i) => *i as f32,
            Object::Real(r) => *r,
            _ => return None,
        };
    }
    Some(v)
}

/// Interprets one page.
pub fn page(
    doc: &Document,
    page_id: ObjectId,
    number: u32,
    limits: &PdfLimits,
    fonts: &mut FontCache,
    budget: &mut Budget,
) -> Result<PageContent, InterpError> {
    let dict = doc
        .get_dictionary(page_id)
        .map_err(|e| InterpError(format!("page object unreadable: {e}")))?;
    let media = inherited(doc, dict, b"MediaBox")
        .and_then(|o| rect_of(doc, o))
        .unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let (x0, y0) = (media[0].min(media[2]), media[1].min(media[3]));
    let mut interp = Interp {
        doc,
        limits,
        fonts,
        budget,
        page: PageContent {
            number,
            width: (media[2] - media[0]).abs(),
            height: (media[3] - media[1]).abs(),
            ..PageContent::default()
        },
        forms: Vec::new(),
        marked: Vec::new(),
        scratch: TextRun::default(),
    };
    let mut content = Vec::new();
    let contents = dict.get(b"Contents").ok().map(|o| deref(doc, o));
    let parts: Vec<&Object> = match contents {
        Some(Object::Array(a)) => a.iter().collect(),
        Some(o @ Object::Stream(_)) => vec![o],
        _ => Vec::new(),
    };
    for part in parts {
        let bytes = interp.stream(part)?;
        content.extend_from_slice(&bytes);
        content.push(b'\n');
    }
    let resources = page_resources(doc, dict);
    let state = State {
        ctm: Matrix::translate(-x0, -y0),
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        scale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    interp.run(&content, resources, state, 0)?;
    Ok(interp.page)
}

impl<'a> Interp<'a> {
    /// A stream's bytes, charged to the document budget.
    fn stream(&mut self, o: &Object) -> Result<Vec<u8>, InterpError> {
        let limit = self.limits.max_stream_bytes;
        let bytes = match deref(self.doc, o) {
            Object::Stream(s) if s.dict.get(b"Filter").is_ok() => s
                .decompressed_content_with_limit(limit)
                .map_err(|e| match e {
                    lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                        ..
                    }) => InterpError::limit(format!(
                        "a content stream decompresses to more than {limit} bytes \
                         (--max-stream-bytes; a decompression bomb?)"
                    )),
                    e => InterpError(format!("a content stream could not be decoded: {e}")),
                })?,
            Object::Stream(s) if s.content.len() > limit => {
                return Err(InterpError::limit(format!(
                    "a content stream is larger than {limit} bytes (--max-stream-bytes)"
                )));
            }
            Object::Stream(s) => s.content.clone(),
            _ => return Err(InterpError("a content stream is missing".into())),
        };
        self.budget.bytes += bytes.len() as u64;
        if self.budget.bytes > self.limits.max_document_bytes as u64 {
            return Err(InterpError::limit(format!(
                "decoded content streams exceed {} bytes in all (--max-document-bytes)",
                self.limits.max_document_bytes
            )));
        }
        Ok(bytes)
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Rc<Font> {
        let doc = self.doc;
        let entry = resources
            .and_then(|r| get_dict(doc, r, b"Font"))
            .and_then(|f| f.get(name).ok());
        let (key, dict) = match entry {
            Some(o @ Object::Reference(id)) => match deref(doc, o) {
                Object::Dictionary(d) => (FontKey::Object(*id), Some(d)),
                _ => (FontKey::Object(*id), None),
            },
            Some(Object::Dictionary(d)) => {
                (FontKey::Direct(d as *const Dictionary as usize), Some(d))
            }
            _ => (FontKey::Direct(0), None),
        };
        let Some(dict) = dict else {
            return self.fallback_font();
        };
        if let Some(f) = self.fonts.fonts.get(&key) {
            return f.clone();
        }
        let font = Rc::new(Font::load(doc, dict, self.limits.max_stream_bytes));
        self.fonts.fonts.insert(key, font.clone());
        font
    }

    fn fallback_font(&mut self) -> Rc<Font> {
        let doc = self.doc;
        let limit = self.limits.max_stream_bytes;
        self.fonts
            .fallback
            .get_or_insert_with(|| Rc::new(Font::load(doc, &Dictionary::new(), limit)))
            .clone()
    }

    /// Runs a content stream.
    fn run(
        &mut self,
        data: &[u8],
        resources: Option<&'a Dictionary>,
        mut gs: State,
        depth: u32,
    ) -> Result<(), InterpError> {
        let mut stack: Vec<State> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        let mut path = Path::default();
        let mut ops: Vec<Operand> = Vec::with_capacity(8);
        let mut lex = Lexer { data, pos: 0 };
        while let Some(tok) = lex.next() {
            let op = match tok {
                Token::Operand(o) => {
                    if ops.len() < 64 {
                        ops.push(o);
                    }
                    continue;
                }
                Token::Operator(op) => op,
            };
            self.budget.operators += 1;
            if self.budget.operators > self.limits.max_operators {
                return Err(InterpError::limit(format!(
                    "the document has more than {} content-stream operators (--max-operators)",
                    self.limits.max_operators
                )));
            }
            if self.budget.operators.is_multiple_of(CLOCK_EVERY) {
                check_deadline(self.limits)?;
            }
            let n = |k: usize| -> f32 {
                // The k-th operand from the end's start: operators take
                // their operands from the top of the stack.
                ops.get(k).and_then(Operand::num).unwrap_or(0.0)
            };
            match op {
                b"q" if stack.len() < 256 => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                b"cm" if ops.len() >= 6 => {
                    let m = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                    gs.ctm = m.then(&gs.ctm);
                }
                b"BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                b"ET" => {}
                b"Tf" if ops.len() >= 2 => {
                    if let Operand::Name(name) = &ops[0] {
                        gs.font = Some(self.font(resources, name));
                    }
                    gs.size = n(1);
                }
                b"Tc" => gs.char_spacing = n(0),
                b"Tw" => gs.word_spacing = n(0),
                b"Tz" => gs.scale = n(0) / 100.0,
                b"TL" => gs.leading = n(0),
                b"Ts" => gs.rise = n(0),
                b"Td" => {
                    tlm = Matrix::translate(n(0), n(1)).then(&tlm);
                    tm = tlm;
                }
                b"TD" => {
                    gs.leading = -n(1);
                    tlm = Matrix::translate(n(0), n(1)).then(&tlm);
                    tm = tlm;
                }
                b"Tm" if ops.len() >= 6 => {
                    tlm = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                    tm = tlm;
                }
                b"T*" => {
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" | b"TJ" => {
                    if op == b"\"" && ops.len() >= 3 {
                        gs.word_spacing = n(0);
                        gs.char_spacing = n(1);
                    }
                    if op != b"Tj" && op != b"TJ" {
                        tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                        tm = tlm;
                    }
                    let font = match &gs.font {
                        Some(f) => f.clone(),
                        None => self.fallback_font(),
                    };
                    if let Some(last) = ops.pop() {
                        let items: &[Operand] = match &last {
                            Operand::Array(items) => items,
                            other => std::slice::from_ref(other),
                        };
                        self.show(&font, &gs, &mut tm, items);
                    }
                }
                // Paths.
                b"m" if ops.len() >= 2 => {
                    let p = gs.ctm.apply(n(0), n(1));
                    path.start = Some(p);
                    path.current = Some(p);
                }
                b"l" if ops.len() >= 2 => {
                    let p = gs.ctm.apply(n(0), n(1));
                    if let Some(c) = path.current {
                        path.segments.push([c.0, c.1, p.0, p.1]);
                    }
                    path.current = Some(p);
                }
                b"c" | b"v" | b"y" => {
                    let k = ops.len();
                    if k >= 2 {
                        let p = gs.ctm.apply(n(k - 2), n(k - 1));
                        path.current = Some(p);
                    }
                }
                b"h" => {
                    if let (Some(c), Some(s)) = (path.current, path.start) {
                        path.segments.push([c.0, c.1, s.0, s.1]);
                        path.current = Some(s);
                    }
                }
                b"re" if ops.len() >= 4 => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    let corners = [
                        gs.ctm.apply(x, y),
                        gs.ctm.apply(x + w, y),
                        gs.ctm.apply(x + w, y + h),
                        gs.ctm.apply(x, y + h),
                    ];
                    path.rects.push(corners);
                    path.start = Some(corners[0]);
                    path.current = Some(corners[0]);
                }
                b"S" | b"s" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" => {
                    let stroke = matches!(op, b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*");
                    if matches!(op, b"s" | b"b" | b"b*")
                        && let (Some(c), Some(s)) = (path.current, path.start)
                    {
                        path.segments.push([c.0, c.1, s.0, s.1]);
                    }
                    self.paint(&path, stroke);
                    path = Path::default();
                }
                b"n" => path = Path::default(),
                b"Do" => {
                    if let Some(Operand::Name(name)) = ops.first() {
                        self.xobject(resources, name, &gs, depth)?;
                    }
                }
                b"BMC" => self.marked.push(None),
                b"BDC" => {
                    let text = match ops.get(1) {
                        Some(Operand::Dict(raw)) => actual_text(raw),
                        _ => None,
                    };
                    self.marked
                        .push(text.map(|text| ActualText { text, given: false }));
                }
                b"EMC" => {
                    self.marked.pop();
                }
                b"BI" => {
                    self.page.image_count += 1;
                    lex.skip_inline_image();
                }
                _ => {}
            }
            ops.clear();
        }
        Ok(())
    }

    /// Draws the glyphs of one text-showing operator as one run.
    fn show(&mut self, font: &Font, gs: &State, tm: &mut Matrix, items: &[Operand]) {
        // Built in a reused buffer: some writers (browsers) show every glyph
        // with an operator of its own, and a run allocated per operator made
        // allocation a third of their cost.
        let mut run = std::mem::take(&mut self.scratch);
        run.text.clear();
        run.glyphs.clear();
        run.vertical = font.vertical;
        let size = gs.size;
        for item in items {
            match item {
                Operand::Num(adj) => {
                    let d = -adj / 1000.0 * size;
                    let shift = if font.vertical {
                        Matrix::translate(0.0, d)
                    } else {
                        Matrix::translate(d * gs.scale, 0.0)
                    };
                    *tm = shift.then(tm);
                }
                Operand::Str(bytes) => {
                    let mut pos = 0;
                    while pos < bytes.len() {
                        let m = tm.then(&gs.ctm);
                        let before = run.text.len();
                        let shown = font.next(&bytes[pos..], &mut run.text);
                        pos += shown.len.max(1);
                        // The outermost span with an ActualText speaks for
                        // all the glyphs inside it.
                        match self.marked.iter_mut().flatten().next() {
                            Some(actual) => {
                                run.text.truncate(before);
                                if !actual.given {
                                    run.text.push_str(&actual.text);
                                    actual.given = true;
                                }
                            }
                            None if !shown.mapped => self.page.unmapped_glyphs += 1,
                            None => {}
                        }
                        let (x, y) = m.apply(0.0, gs.rise);
                        let spacing = gs.char_spacing
                            + if shown.word_space {
                                gs.word_spacing
                            } else {
                                0.0
                            };
                        let (advance, shift) = if font.vertical {
                            let w = shown.advance * size;
                            let (dx, dy) = m.apply_vec(0.0, w);
                            (dx.hypot(dy), Matrix::translate(0.0, w + spacing))
                        } else {
                            let w = shown.advance * size * gs.scale;
                            let (dx, dy) = m.apply_vec(w, 0.0);
                            (
                                dx.hypot(dy),
                                Matrix::translate((shown.advance * size + spacing) * gs.scale, 0.0),
                            )
                        };
                        run.glyphs.push(GlyphPos {
                            x,
                            y,
                            advance,
                            text_end: run.text.len() as u32,
                        });
                        *tm = shift.then(tm);
                    }
                }
                _ => {}
            }
        }
        if !run.glyphs.is_empty() {
            let m = tm.then(&gs.ctm);
            let (sx, sy) = m.apply_vec(0.0, size);
            run.size = sx.hypot(sy);
            match self.page.runs.last_mut() {
                Some(last) if continues_run(last, &run) => {
                    let base = last.text.len() as u32;
                    last.text.push_str(&run.text);
                    last.glyphs.extend(run.glyphs.iter().map(|g| GlyphPos {
                        text_end: g.text_end + base,
                        ..*g
                    }));
                }
                _ => self.page.runs.push(run.clone()),
            }
        }
        self.scratch = run;
    }

    /// Ruling lines from a painted path.
    fn paint(&mut self, path: &Path, stroke: bool) {
        const THIN: f32 = 2.0;
        const FLAT: f32 = 0.5;
        for c in &path.rects {
            let xs = c.map(|p| p.0);
            let ys = c.map(|p| p.1);
            let x0 = xs.iter().copied().fold(f32::INFINITY, f32::min);
            let x1 = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let y0 = ys.iter().copied().fold(f32::INFINITY, f32::min);
            let y1 = ys.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            if !(x0.is_finite() && x1.is_finite() && y0.is_finite() && y1.is_finite()) {
                continue;
            }
            if x1 - x0 <= THIN || y1 - y0 <= THIN {
                // A thin rectangle is a line, filled or stroked.
                self.page.rules.push(Rule { x0, y0, x1, y1 });
            } else if stroke {
                // A stroked box: its four edges.
                self.page.rules.extend([
                    Rule { x0, y0, x1, y1: y0 },
                    Rule { x0, y0: y1, x1, y1 },
                    Rule { x0, y0, x1: x0, y1 },
                    Rule { x0: x1, y0, x1, y1 },
                ]);
            }
            // A wide filled rectangle is a cell background: its edges lie
            // on the grid's own rules, so it adds nothing.
        }
        if !stroke {
            // Filled outlines drawn with m/l/h: thin ones are rules.
            if path.segments.len() >= 2 {
                let (mut x0, mut y0) = (f32::INFINITY, f32::INFINITY);
                let (mut x1, mut y1) = (f32::NEG_INFINITY, f32::NEG_INFINITY);
                for s in &path.segments {
                    x0 = x0.min(s[0]).min(s[2]);
                    x1 = x1.max(s[0]).max(s[2]);
                    y0 = y0.min(s[1]).min(s[3]);
                    y1 = y1.max(s[1]).max(s[3]);
                }
                if x0.is_finite() && (x1 - x0 <= THIN || y1 - y0 <= THIN) {
                    self.page.rules.push(Rule { x0, y0, x1, y1 });
                }
            }
            return;
        }
        for s in &path.segments {
            let [ax, ay, bx, by] = *s;
            if (ay - by).abs() <= FLAT || (ax - bx).abs() <= FLAT {
                let rule = Rule {
                    x0: ax.min(bx),
                    y0: ay.min(by),
                    x1: ax.max(bx),
                    y1: ay.max(by),
                };
                if rule.x1 - rule.x0 > FLAT || rule.y1 - rule.y0 > FLAT {
                    self.page.rules.push(rule);
                }
            }
        }
    }

    fn xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        gs: &State,
        depth: u32,
    ) -> Result<(), InterpError> {
        let doc = self.doc;
        let Some(entry) = resources
            .and_then(|r| get_dict(doc, r, b"XObject"))
            .and_then(|x| x.get(name).ok())
        else {
            return Ok(());
        };
        let id = entry.as_reference().ok();
        let Object::Stream(stream) = deref(doc, entry) else {
            return Ok(());
        };
        match get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => self.page.image_count += 1,
            Some(b"Form") => {
                if depth + 1 > self.limits.max_xobject_depth {
                    return Err(InterpError::limit(format!(
                        "Form XObjects nest deeper than {} levels (max_xobject_depth)",
                        self.limits.max_xobject_depth
                    )));
                }
                if let Some(id) = id {
                    if self.forms.contains(&id) {
                        return Ok(()); // A form drawing itself.
                    }
                    self.forms.push(id);
                }
                let data = self.stream(entry)?;
                let matrix = get(doc, &stream.dict, b"Matrix")
                    .and_then(|o| match o {
                        Object::Array(a) if a.len() >= 6 => {
                            let mut m = [0.0f32; 6];
                            for (k, slot) in m.iter_mut().enumerate() {
                                *slot = match deref(doc, &a[k]) {
                                    Object::Integer(i) => *i as f32,
                                    Object::Real(r) => *r,
                                    _ => return None,
                                };
                            }
                            Some(Matrix(m))
                        }
                        _ => None,
                    })
                    .unwrap_or(Matrix::IDENTITY);
                let own = get_dict(doc, &stream.dict, b"Resources").or(resources);
                let mut inner = gs.clone();
                inner.ctm = matrix.then(&gs.ctm);
                let result = self.run(&data, own, inner, depth + 1);
                if id.is_some() {
                    self.forms.pop();
                }
                result?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// The `/ActualText` string of a marked-content property dictionary:
/// UTF-16BE after a byte-order mark, else PDFDocEncoding (read as Latin-1,
/// which it equals for the printable range).
fn actual_text(raw: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"/ActualText";
    let at = raw.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let mut lex = Lexer { data: raw, pos: at };
    lex.skip_white();
    let Operand::Str(bytes) = lex.operand(0) else {
        return None;
    };
    let text = match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units = utf16
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .collect()
        }
        None => bytes.iter().map(|&b| b as char).collect(),
    };
    Some(text)
}

enum Token<'a> {
    Operand(Operand<'a>),
    Operator(&'a [u8]),
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Reads a number the way PDF writes them (`-12`, `.5`, `3.`); junk gives 0.
fn parse_number(s: &[u8]) -> f32 {
    let mut i = 0;
    let mut neg = false;
    while i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg |= s[i] == b'-';
        i += 1;
    }
    let mut int: f64 = 0.0;
    while i < s.len() && s[i].is_ascii_digit() {
        int = int * 10.0 + (s[i] - b'0') as f64;
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let mut scale = 0.1;
        while i < s.len() && s[i].is_ascii_digit() {
            int += (s[i] - b'0') as f64 * scale;
            scale *= 0.1;
            i += 1;
        }
    }
    let v = if neg { -int } else { int };
    v as f32
}

impl<'a> Lexer<'a> {
    fn skip_white(&mut self) {
        let d = self.data;
        while self.pos < d.len() {
            let b = d[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let d = self.data;
        let start = self.pos;
        while self.pos < d.len() && !is_white(d[self.pos]) && !is_delim(d[self.pos]) {
            self.pos += 1;
        }
        &d[start..self.pos]
    }

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            self.skip_white();
            let &b = self.data.get(self.pos)?;
            match b {
                b')' | b'>' | b']' | b'{' | b'}' => {
                    // Stray delimiters: skip.
                    self.pos += 1;
                    continue;
                }
                b'[' | b'(' | b'<' | b'/' => return Some(Token::Operand(self.operand(0))),
                b'+' | b'-' | b'.' | b'0'..=b'9' => {
                    let w = self.word();
                    return Some(Token::Operand(Operand::Num(parse_number(w))));
                }
                _ => {
                    let w = self.word();
                    if w.is_empty() {
                        self.pos += 1;
                        continue;
                    }
                    return Some(match w {
                        b"true" | b"false" | b"null" => Token::Operand(Operand::Other),
                        _ => Token::Operator(w),
                    });
                }
            }
        }
    }

    /// An operand starting at the current byte (not white space).
    fn operand(&mut self, depth: u32) -> Operand<'a> {
        let d = self.data;
        let Some(&b) = d.get(self.pos) else {
            return Operand::Other;
        };
        match b {
            b'/' => {
                self.pos += 1;
                Operand::Name(self.word())
            }
            b'(' => Operand::Str(self.literal()),
            b'<' if d.get(self.pos + 1) == Some(&b'<') => {
                let start = self.pos;
                self.skip_dict();
                Operand::Dict(&d[start..self.pos])
            }
            b'<' => Operand::Str(Cow::Owned(self.hex())),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    match d.get(self.pos) {
                        None => break,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b'+' | b'-' | b'.' | b'0'..=b'9') => {
                            items.push(Operand::Num(parse_number(self.word())));
                        }
                        Some(b'[' | b'(' | b'<' | b'/') if depth < 8 => {
                            items.push(self.operand(depth + 1));
                        }
                        Some(_) => {
                            // A keyword inside an array (or nesting too deep).
                            let w = self.word();
                            if w.is_empty() {
                                self.pos += 1;
                            }
                        }
                    }
                }
                Operand::Array(items)
            }
            _ => {
                self.pos += 1;
                Operand::Other
            }
        }
    }

    fn literal(&mut self) -> Cow<'a, [u8]> {
        let d = self.data;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes, no nested parentheses.
        let mut i = start;
        while i < d.len() && !matches!(d[i], b'\\' | b'(' | b')') {
            i += 1;
        }
        if i >= d.len() || d[i] == b')' {
            self.pos = (i + 1).min(d.len());
            return Cow::Borrowed(&d[start..i.min(d.len())]);
        }
        let mut out = d[start..i].to_vec();
        self.pos = i;
        let mut depth = 1;
        while self.pos < d.len() {
            let c = d[self.pos];
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = d.get(self.pos) else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = (e - b'0') as u32;
                            for _ in 0..2 {
                                match d.get(self.pos) {
                                    Some(&o @ b'0'..=b'7') => {
                                        v = v * 8 + (o - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'\r' => {
                            if d.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        Cow::Owned(out)
    }

    fn hex(&mut self) -> Vec<u8> {
        self.pos += 1;
        super::cmap::read_hex(self.data, &mut self.pos)
    }

    /// Skips a `<< … >>` dictionary, nested ones and strings included.
    fn skip_dict(&mut self) {
        let d = self.data;
        let mut depth = 0u32;
        while self.pos < d.len() {
            match d[self.pos] {
                b'<' if d.get(self.pos + 1) == Some(&b'<') => {
                    depth += 1;
                    self.pos += 2;
                }
                b'>' if d.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b'(' => {
                    let _ = self.literal();
                }
                b'<' => {
                    let _ = self.hex();
                }
                _ => self.pos += 1,
            }
        }
    }

    /// After `BI`: skips the image dictionary and data up to `EI`.
    fn skip_inline_image(&mut self) {
        let d = self.data;
        // The dictionary up to `ID`.
        loop {
            self.skip_white();
            if self.pos >= d.len() {
                return;
            }
            match d[self.pos] {
                b'/' | b'(' | b'<' | b'[' => {
                    let _ = self.operand(0);
                }
                _ => {
                    let w = self.word();
                    if w == b"ID" {
                        break;
                    }
                    if w.is_empty() {
                        self.pos += 1;
                    }
                }
            }
        }
        // One white-space byte, then binary data up to white space + `EI`
        // followed by white space or the end.
        self.pos += 1;
        let mut i = self.pos;
        while i + 1 < d.len() {
            if d[i] == b'E'
                && d[i + 1] == b'I'
                && i > 0
                && is_white(d[i - 1])
                && d.get(i + 2).is_none_or(|&c| is_white(c))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = d.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(data: &[u8]) -> Vec<String> {
        let mut lex = Lexer { data, pos: 0 };
        let mut out = Vec::new();
        while let Some(t) = lex.next() {
            out.push(match t {
                Token::Operator(b"BI") => {
                    lex.skip_inline_image();
                    "BI".to_string()
                }
                Token::Operator(o) => String::from_utf8_lossy(o).into_owned(),
                Token::Operand(o) => format!("{o:?}"),
            });
        }
        out
    }

    #[test]
    fn actual_text_in_utf16_and_pdfdoc() {
        assert_eq!(
            actual_text(b"<</ActualText <FEFF9577>>>").as_deref(),
            Some("長")
        );
        assert_eq!(
            actual_text(b"<< /MCID 3 /ActualText (a-b) >>").as_deref(),
            Some("a-b")
        );
        assert_eq!(actual_text(b"<</MCID 3>>"), None);
    }

    #[test]
    fn lexer_reads_operands_and_skips_inline_images() {
        let t = tokens(
            b"BT /F1 12 Tf [(a\\051b) -250 <3042>] TJ (x\\\\y\\101) Tj ET\n\
              /P <</MCID 0 /Alt (a>>b)>> BDC EMC\n\
              BI /W 2 /H 2 /BPC 8 ID \x00EI\xffEI EI Q",
        );
        assert_eq!(
            t,
            [
                "BT",
                "Name([70, 49])",
                "Num(12.0)",
                "Tf",
                "Array([Str([97, 41, 98]), Num(-250.0), Str([48, 66])])",
                "TJ",
                "Str([120, 92, 121, 65])",
                "Tj",
                "ET",
                "Name([80])",
                "Dict([60, 60, 47, 77, 67, 73, 68, 32, 48, 32, 47, 65, 108, 116, 32, 40, 97, 62, 62, 98, 41, 62, 62])",
                "BDC",
                "EMC",
                "BI",
                "Q"
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(b"-12.5"), -12.5);
        assert_eq!(parse_number(b".5"), 0.5);
        assert_eq!(parse_number(b"3."), 3.0);
        assert_eq!(parse_number(b"--3"), -3.0);
        assert_eq!(parse_number(b"1.2.3"), 1.2);
    }

    #[test]
    fn matrices_compose() {
        let m = Matrix([2.0, 0.0, 0.0, 2.0, 10.0, 20.0]);
        let t = Matrix::translate(1.0, 1.0).then(&m);
        assert_eq!(t.apply(0.0, 0.0), (12.0, 22.0));
    }
}
