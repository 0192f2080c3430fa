//! The printer: lays a [`Doc`] out within a width.
//!
//! The algorithm is Prettier's: a stack of commands (indentation, flat-or-break, doc); a
//! group is printed flat when it and what follows it up to the next possible line break
//! fit in what is left of the line, and broken otherwise. It never backtracks, so the cost
//! is linear in the output times the width.

use super::doc::{Doc, INDENT};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// One thing left to print: a doc, or the rest of a `Fill` from a given part on.
#[derive(Clone, Copy)]
enum Cmd<'d> {
    Doc(usize, Mode, &'d Doc),
    FillRest(usize, Mode, &'d [Doc]),
}

/// Lays `doc` out in lines of at most `width` characters where the layout allows.
pub fn print(doc: &Doc, width: usize) -> String {
    let mut p = Printer {
        out: String::new(),
        width,
        col: 0,
        line_indent: 0,
        at_line_start: true,
        pending_spaces: 0,
    };
    let mut stack: Vec<Cmd> = vec![Cmd::Doc(0, Mode::Break, doc)];
    while let Some(cmd) = stack.pop() {
        match cmd {
            Cmd::Doc(ind, mode, d) => p.doc(ind, mode, d, &mut stack),
            Cmd::FillRest(ind, mode, parts) => p.fill(ind, mode, parts, &mut stack),
        }
    }
    p.out
}

struct Printer {
    out: String,
    width: usize,
    /// Characters on the current line, counting indentation already written or pending.
    col: usize,
    /// The indentation of the current line.
    line_indent: usize,
    /// Nothing but (pending) indentation on the current line yet.
    at_line_start: bool,
    /// Separator spaces not yet written: dropped if a line break comes first.
    pending_spaces: usize,
}

impl Printer {
    fn write_text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.at_line_start {
            self.out.extend(std::iter::repeat_n(' ', self.line_indent));
            self.at_line_start = false;
        }
        self.out
            .extend(std::iter::repeat_n(' ', self.pending_spaces));
        self.pending_spaces = 0;
        self.out.push_str(s);
        self.col += s.chars().count();
    }

    /// Code text: trailing spaces become pending separators.
    fn write_code(&mut self, s: &str) {
        let trimmed = s.trim_end_matches(' ');
        let spaces = s.len() - trimmed.len();
        self.write_text(trimmed);
        self.space(spaces);
    }

    fn space(&mut self, n: usize) {
        if !self.at_line_start {
            self.pending_spaces += n;
            self.col += n;
        }
    }

    fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.pending_spaces = 0;
        self.at_line_start = true;
        self.line_indent = indent;
        self.col = indent;
    }

    fn remaining(&self) -> isize {
        isize::try_from(self.width).unwrap_or(isize::MAX)
            - isize::try_from(self.col).unwrap_or(isize::MAX)
    }

    fn doc<'d>(&mut self, ind: usize, mode: Mode, d: &'d Doc, stack: &mut Vec<Cmd<'d>>) {
        match d {
            Doc::Text(s) => self.write_code(s),
            Doc::Verbatim(s) => self.write_text(s),
            Doc::Line => match mode {
                Mode::Flat => self.space(1),
                Mode::Break => self.newline(ind),
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    self.newline(ind);
                }
            }
            Doc::HardLine => self.newline(ind),
            Doc::Trailing(s) => {
                self.space(1);
                self.write_text(s);
            }
            Doc::Concat(parts) => {
                stack.extend(parts.iter().rev().map(|p| Cmd::Doc(ind, mode, p)));
            }
            Doc::Group { body, must_break } => {
                let flat = mode == Mode::Flat
                    || (!must_break
                        && fits(Cmd::Doc(ind, Mode::Flat, body), stack, self.remaining()));
                let m = if flat { Mode::Flat } else { Mode::Break };
                stack.push(Cmd::Doc(ind, m, body));
            }
            Doc::Indent(inner) => stack.push(Cmd::Doc(ind + INDENT, mode, inner)),
            Doc::Align(inner) => stack.push(Cmd::Doc(self.col, mode, inner)),
            Doc::Anchor(inner) => stack.push(Cmd::Doc(self.line_indent, mode, inner)),
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    self.write_code(s);
                }
            }
            Doc::Fill(parts) => self.fill(ind, mode, parts, stack),
        }
    }

    /// Prints the next content of a fill and decides the separator after it: flat if the
    /// content after that separator still fits on the line.
    fn fill<'d>(&mut self, ind: usize, mode: Mode, parts: &'d [Doc], stack: &mut Vec<Cmd<'d>>) {
        let Some((content, rest)) = parts.split_first() else {
            return;
        };
        if mode == Mode::Flat {
            stack.extend(parts.iter().rev().map(|p| Cmd::Doc(ind, Mode::Flat, p)));
            return;
        }
        let remaining = self.remaining();
        let content_mode = |stack: &[Cmd<'d>], rest_matters: bool| {
            let after: &[Cmd] = if rest_matters { stack } else { &[] };
            if fits(Cmd::Doc(ind, Mode::Flat, content), after, remaining) {
                Mode::Flat
            } else {
                Mode::Break
            }
        };
        let Some((sep, after_sep)) = rest.split_first() else {
            // The last content: what follows the fill counts too (`]`, a trailing comma).
            let m = content_mode(stack, true);
            stack.push(Cmd::Doc(ind, m, content));
            return;
        };
        let Some(next) = after_sep.first() else {
            let m = content_mode(stack, true);
            stack.push(Cmd::Doc(ind, m, content));
            stack.push(Cmd::Doc(ind, Mode::Break, sep));
            return;
        };
        let next_is_last = after_sep.len() == 1;
        let pair = [
            Cmd::Doc(ind, Mode::Flat, next),
            Cmd::Doc(ind, Mode::Flat, sep),
        ];
        let two_fit = {
            let mut after: Vec<Cmd> = if next_is_last {
                stack.clone()
            } else {
                Vec::new()
            };
            after.extend(pair);
            fits(Cmd::Doc(ind, Mode::Flat, content), &after, remaining)
        };
        let sep_mode = if two_fit { Mode::Flat } else { Mode::Break };
        let m = content_mode(stack, false);
        stack.push(Cmd::FillRest(ind, mode, after_sep));
        stack.push(Cmd::Doc(ind, sep_mode, sep));
        stack.push(Cmd::Doc(ind, m, content));
    }
}

/// Whether `next` (flat) and then `rest` (in their own modes, last entry first) fit in
/// `width` characters before the first line break.
fn fits(next: Cmd, rest: &[Cmd], mut width: isize) -> bool {
    let mut stack: Vec<Cmd> = vec![next];
    let mut rest_idx = rest.len();
    loop {
        if width < 0 {
            return false;
        }
        let cmd = match stack.pop() {
            Some(c) => c,
            None => {
                let Some(i) = rest_idx.checked_sub(1) else {
                    return true;
                };
                rest_idx = i;
                match rest.get(i) {
                    Some(c) => *c,
                    None => return true,
                }
            }
        };
        let (ind, mode, d) = match cmd {
            Cmd::Doc(ind, mode, d) => (ind, mode, d),
            // A fill goes on with a separator, which may break.
            Cmd::FillRest(ind, mode, parts) => {
                if mode == Mode::Break && !parts.is_empty() {
                    return true;
                }
                stack.extend(parts.iter().rev().map(|p| Cmd::Doc(ind, mode, p)));
                continue;
            }
        };
        match d {
            Doc::Text(s) | Doc::Verbatim(s) => {
                width -= isize::try_from(s.chars().count()).unwrap_or(isize::MAX);
            }
            Doc::Line => match mode {
                Mode::Flat => width -= 1,
                Mode::Break => return true,
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
            }
            Doc::HardLine | Doc::Trailing(_) => return true,
            Doc::Concat(parts) | Doc::Fill(parts) => {
                stack.extend(parts.iter().rev().map(|p| Cmd::Doc(ind, mode, p)));
            }
            Doc::Group { body, must_break } => {
                let m = if *must_break { Mode::Break } else { mode };
                stack.push(Cmd::Doc(ind, m, body));
            }
            Doc::Indent(inner) | Doc::Align(inner) | Doc::Anchor(inner) => {
                stack.push(Cmd::Doc(ind, mode, inner));
            }
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    width -= isize::try_from(s.chars().count()).unwrap_or(isize::MAX);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::doc::*;
    use super::*;

    fn words(n: usize) -> Vec<Doc> {
        (0..n).map(|i| text(format!("w{i}"))).collect()
    }

    #[test]
    fn a_group_breaks_only_when_it_does_not_fit() {
        let d = group(concat(vec![
            text("a"),
            indent(concat(vec![Doc::Line, text("b")])),
        ]));
        assert_eq!(print(&d, 10), "a b");
        assert_eq!(print(&d, 2), "a\n    b");
    }

    #[test]
    fn a_fill_packs_lines_and_aligns() {
        let mut parts = Vec::new();
        for (i, w) in words(6).into_iter().enumerate() {
            if i > 0 {
                parts.push(Doc::Line);
            }
            parts.push(w);
        }
        let d = concat(vec![text("allow "), align(Doc::Fill(parts))]);
        assert_eq!(print(&d, 14), "allow w0 w1 w2\n      w3 w4 w5");
    }

    #[test]
    fn separator_spaces_never_end_a_line() {
        let d = concat(vec![text("a "), Doc::HardLine, text("b")]);
        assert_eq!(print(&d, 80), "a\nb");
    }

    #[test]
    fn trailing_comments_do_not_count_against_the_width() {
        let d = concat(vec![
            group(concat(vec![text("a"), Doc::Line, text("b")])),
            Doc::Trailing("// a long comment".into()),
        ]);
        assert_eq!(print(&d, 4), "a b // a long comment");
    }

    #[test]
    fn an_anchor_indents_from_the_line_it_opens_on() {
        let list = anchor(group(concat(vec![
            text("["),
            indent(concat(vec![
                Doc::SoftLine,
                text("x,"),
                Doc::Line,
                text("y"),
            ])),
            Doc::IfBreak(",".into()),
            Doc::SoftLine,
            text("]"),
        ])));
        let d = indent(concat(vec![Doc::HardLine, text("on "), align(list)]));
        assert_eq!(print(&d, 8), "\n    on [\n        x,\n        y,\n    ]");
    }
}
