//! Log lines without `core::fmt`: a fixed-capacity line builder, the log
//! levels, and the sink trait the platform implements.
//!
//! `core::fmt` costs kilobytes on a Cortex-M3; a log line here is built from
//! a few pieces (text, decimal numbers, escaped bytes) by [`Line`], whose
//! capacity is a const generic. A line that does not fit ends in `...`, so a
//! truncation is always visible.

/// Severity of a log line; the values are those of the C sink
/// (`DEMO_LOG_ERROR` .. `DEMO_LOG_DEBUG` in `demo_log.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

/// Where log lines go. One call is one line, without a trailing newline; the
/// sink adds its own prefix (tick, level) and the line end.
///
/// `&self`, so the parts of a flow that run interleaved (an operation and its
/// retry callback) can both log; a sink with state uses interior mutability.
pub trait LogSink {
    fn write(&self, level: Level, line: &[u8]);
}

impl<L: LogSink + ?Sized> LogSink for &L {
    fn write(&self, level: Level, line: &[u8]) {
        (**self).write(level, line)
    }
}

/// What a truncated line ends with.
pub const ELLIPSIS: &[u8] = b"...";

/// A log line of at most `N` bytes (`N` >= 3), built piece by piece.
///
/// Every `push_*` appends as much as fits; a piece that does not fit is cut
/// (an escape sequence or a number is never cut in the middle), the line
/// ends in `...` and later pushes are ignored.
pub struct Line<const N: usize> {
    buf: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> Default for Line<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Line<N> {
    const CAPACITY_OK: () = assert!(N >= ELLIPSIS.len(), "a Line needs room for \"...\"");

    /// An empty line.
    pub const fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CAPACITY_OK;
        Line {
            buf: [0; N],
            len: 0,
            truncated: false,
        }
    }

    /// The line so far (ending in `...` if it was truncated).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Whether something did not fit.
    pub const fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Start over with an empty line.
    pub fn clear(&mut self) {
        self.len = 0;
        self.truncated = false;
    }

    /// Room left before the ellipsis reserve.
    fn room(&self) -> usize {
        (N - ELLIPSIS.len()).saturating_sub(self.len)
    }

    /// Append `piece` whole, or end the line here with `...` if it does not
    /// fit before the reserve.
    fn put(&mut self, piece: &[u8]) -> bool {
        if self.truncated {
            return false;
        }
        if piece.len() > self.room() {
            self.truncate();
            return false;
        }
        self.append(piece);
        true
    }

    fn append(&mut self, piece: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + piece.len()) {
            for (d, s) in dst.iter_mut().zip(piece) {
                *d = *s;
            }
            self.len += piece.len();
        }
    }

    fn truncate(&mut self) {
        self.len = self.len.min(N - ELLIPSIS.len());
        self.append(ELLIPSIS);
        self.truncated = true;
    }

    /// Append text, cut at the capacity if need be (on a byte boundary: the
    /// sink prints bytes, not characters).
    pub fn push_str(&mut self, s: &str) -> &mut Self {
        self.push_raw(s.as_bytes())
    }

    /// Append bytes as they are, cut at the capacity if need be.
    pub fn push_raw(&mut self, bytes: &[u8]) -> &mut Self {
        if self.truncated {
            return self;
        }
        let room = self.room();
        if bytes.len() <= room {
            self.append(bytes);
        } else {
            self.append(bytes.get(..room).unwrap_or_default());
            self.truncate();
        }
        self
    }

    /// Append a decimal number.
    pub fn push_u32(&mut self, v: u32) -> &mut Self {
        self.push_number(v, false)
    }

    /// Append a signed decimal number.
    pub fn push_i32(&mut self, v: i32) -> &mut Self {
        self.push_number(v.unsigned_abs(), v < 0)
    }

    fn push_number(&mut self, mut v: u32, negative: bool) -> &mut Self {
        let mut digits = [0u8; 11];
        let mut i = digits.len();
        loop {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        if negative && i > 0 {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'-';
            }
        }
        self.put(digits.get(i..).unwrap_or_default());
        self
    }

    /// Append untrusted bytes (e.g. a received payload): printable ASCII as
    /// it is, `\\`, `\n`, `\r`, `\t` escaped, anything else as `\xHH`.
    pub fn push_escaped(&mut self, bytes: &[u8]) -> &mut Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for &b in bytes {
            let mut esc = [b'\\', 0, 0, 0];
            let piece: &[u8] = match b {
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x20..=0x7e => core::slice::from_ref(&b),
                _ => {
                    esc[1] = b'x';
                    esc[2] = HEX[(b >> 4) as usize];
                    esc[3] = HEX[(b & 0xf) as usize];
                    &esc
                }
            };
            if !self.put(piece) {
                break;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<const N: usize>(l: &Line<N>) -> &str {
        core::str::from_utf8(l.as_bytes()).unwrap()
    }

    #[test]
    fn pieces_are_joined() {
        let mut l = Line::<64>::new();
        l.push_str("attempt ")
            .push_u32(3)
            .push_str(" of ")
            .push_u32(5)
            .push_str(", status ")
            .push_i32(-30592);
        assert_eq!(text(&l), "attempt 3 of 5, status -30592");
        assert!(!l.is_truncated());
    }

    #[test]
    fn numbers_at_their_limits() {
        let mut l = Line::<64>::new();
        l.push_u32(0)
            .push_str(" ")
            .push_u32(u32::MAX)
            .push_str(" ")
            .push_i32(i32::MIN)
            .push_str(" ")
            .push_i32(i32::MAX)
            .push_str(" ")
            .push_i32(0);
        assert_eq!(text(&l), "0 4294967295 -2147483648 2147483647 0");
    }

    #[test]
    fn escapes_non_printables() {
        let mut l = Line::<64>::new();
        l.push_escaped(b"Hi\\ \n\r\t\x00\x7f\xff~");
        assert_eq!(text(&l), "Hi\\\\ \\n\\r\\t\\x00\\x7f\\xff~");
    }

    #[test]
    fn text_is_cut_with_an_ellipsis() {
        let mut l = Line::<10>::new();
        l.push_str("0123456789abc");
        assert_eq!(text(&l), "0123456...");
        assert!(l.is_truncated());
        l.push_str("more").push_u32(1);
        assert_eq!(text(&l), "0123456...");
    }

    #[test]
    fn exact_fit_before_the_reserve_is_not_truncated() {
        let mut l = Line::<10>::new();
        l.push_str("0123456");
        assert_eq!(text(&l), "0123456");
        assert!(!l.is_truncated());
        l.push_str("7");
        assert_eq!(text(&l), "0123456...");
    }

    #[test]
    fn numbers_and_escapes_are_never_split() {
        let mut l = Line::<8>::new();
        l.push_str("ab").push_u32(123_456);
        assert_eq!(text(&l), "ab...");
        let mut l = Line::<8>::new();
        l.push_str("abcd").push_escaped(b"\x01");
        assert_eq!(text(&l), "abcd...");
        let mut l = Line::<8>::new();
        l.push_str("abc").push_i32(-12);
        assert_eq!(text(&l), "abc...");
        let mut l = Line::<9>::new();
        l.push_str("abc").push_i32(-12);
        assert_eq!(text(&l), "abc-12");
        l.push_i32(-1);
        assert_eq!(text(&l), "abc-12...");
    }

    #[test]
    fn minimal_capacity_and_clear() {
        let mut l = Line::<3>::new();
        l.push_str("x");
        assert_eq!(text(&l), "...");
        l.clear();
        assert_eq!(text(&l), "");
        l.push_raw(b"");
        assert!(!l.is_truncated());
    }
}
