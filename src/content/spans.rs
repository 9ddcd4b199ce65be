//! Where each value sits in a RON file.
//!
//! serde gives us typed data but forgets positions, so checks that run after parsing (a `Goto`
//! to a beat that does not exist, a tag missing from the catalogue) look the value's position up
//! here by its path, e.g. `scenes[1].beats[0].choices[2].next`. This reader only has to cope
//! with text that `ron` already accepted; anything it does not understand it skips.

use super::diagnostics::Pos;

#[derive(Debug)]
pub struct Node {
    pub pos: Pos,
    pub kind: NodeKind,
}

#[derive(Debug)]
pub enum NodeKind {
    /// `Name(field: value, …)` or `(field: value, …)`.
    Struct(Vec<(String, Pos, Node)>),
    /// `Name(a, b)`, `(a, b)`, `Some(a)`.
    Tuple(Vec<Node>),
    List(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Str(String),
    /// Numbers, booleans, bare identifiers, characters.
    Atom,
}

/// One step of a path into the tree.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    Field(&'a str),
    Index(usize),
    /// The value under this key of a map (keys are identifiers or strings).
    Key(&'a str),
}

impl Node {
    /// Follows a path; where the path runs out early, returns the deepest node reached, so a
    /// diagnostic still points close to the problem.
    pub fn locate(&self, path: &[Step]) -> Pos {
        let mut node = self;
        for step in path {
            match node.child(*step) {
                Some(child) => node = child,
                None => break,
            }
        }
        node.pos
    }

    /// The position of a field's name (for "unknown field"-style messages).
    pub fn field_name_pos(&self, path: &[Step], field: &str) -> Option<Pos> {
        let mut node = self;
        for step in path {
            node = node.child(*step)?;
        }
        match &node.kind {
            NodeKind::Struct(fields) => fields.iter().find(|(n, _, _)| n == field).map(|f| f.1),
            _ => None,
        }
    }

    pub fn child(&self, step: Step) -> Option<&Node> {
        match (&self.kind, step) {
            (NodeKind::Struct(fields), Step::Field(name)) => {
                fields.iter().find(|(n, _, _)| n == name).map(|f| &f.2)
            }
            (NodeKind::List(items) | NodeKind::Tuple(items), Step::Index(i)) => items.get(i),
            (NodeKind::Map(entries), Step::Key(key)) => entries
                .iter()
                .find(|(k, _)| match &k.kind {
                    NodeKind::Str(s) => s == key,
                    _ => false,
                })
                .map(|(_, v)| v),
            // `Some(x)`, `Goto(x)`, `If(x)`: look through a one-item wrapper.
            (NodeKind::Tuple(items), _) if items.len() == 1 => items[0].child(step),
            _ => None,
        }
    }
}

/// Reads the whole document; `None` if the text is not RON this reader understands.
pub fn parse(text: &str) -> Option<Node> {
    let mut reader = Reader {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        col: 1,
        depth: 0,
    };
    reader.skip_trivia();
    // Skip `#![enable(...)]` attributes.
    while reader.peek() == Some('#') {
        while let Some(c) = reader.bump() {
            if c == ']' {
                break;
            }
        }
        reader.skip_trivia();
    }
    reader.value()
}

/// Deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

struct Reader {
    chars: Vec<char>,
    at: usize,
    line: usize,
    col: usize,
    depth: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    let mut nesting = 1;
                    while nesting > 0 {
                        match (self.bump(), self.peek()) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                nesting -= 1;
                            }
                            (Some('/'), Some('*')) => {
                                self.bump();
                                nesting += 1;
                            }
                            (None, _) => return,
                            _ => {}
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn ident(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '#' {
                name.push(c);
                self.bump();
            } else {
                break;
            }
        }
        name
    }

    fn value(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.skip_trivia();
        let pos = self.pos();
        let kind = match self.peek()? {
            '"' => NodeKind::Str(self.string()?),
            'r' if matches!(self.peek_at(1), Some('"' | '#')) => NodeKind::Str(self.raw_string()?),
            '[' => {
                self.bump();
                NodeKind::List(self.items(']')?)
            }
            '{' => {
                self.bump();
                NodeKind::Map(self.entries()?)
            }
            '(' => self.parens()?,
            '\'' => {
                self.bump();
                while let Some(c) = self.bump() {
                    match c {
                        '\\' => {
                            self.bump();
                        }
                        '\'' => break,
                        _ => {}
                    }
                }
                NodeKind::Atom
            }
            c if c.is_alphabetic() || c == '_' => {
                let name = self.ident();
                self.skip_trivia();
                if self.peek() == Some('(') {
                    self.parens()?
                } else {
                    // A bare identifier (an enum variant, `true`, `None`): keep it as text so
                    // map keys like `Driver:` can be looked up.
                    NodeKind::Str(name)
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || matches!(c, '.' | '-' | '+' | '_') {
                        self.bump();
                    } else {
                        break;
                    }
                }
                NodeKind::Atom
            }
        };
        self.depth -= 1;
        Some(Node { pos, kind })
    }

    /// After an optional name: `(field: v, …)` or `(v, …)`.
    fn parens(&mut self) -> Option<NodeKind> {
        self.bump(); // (
        self.skip_trivia();
        if self.looks_like_field() {
            let mut fields = Vec::new();
            loop {
                self.skip_trivia();
                if self.peek() == Some(')') {
                    self.bump();
                    return Some(NodeKind::Struct(fields));
                }
                let name_pos = self.pos();
                let name = self.ident();
                if name.is_empty() {
                    return None;
                }
                self.skip_trivia();
                if self.bump()? != ':' {
                    return None;
                }
                let value = self.value()?;
                fields.push((name, name_pos, value));
                self.separator(')')?;
            }
        } else {
            Some(NodeKind::Tuple(self.items(')')?))
        }
    }

    fn looks_like_field(&self) -> bool {
        let mut i = self.at;
        while let Some(c) = self.chars.get(i) {
            if c.is_alphanumeric() || *c == '_' {
                i += 1;
            } else {
                break;
            }
        }
        if i == self.at {
            return false;
        }
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        self.chars.get(i) == Some(&':') && self.chars.get(i + 1) != Some(&':')
    }

    fn items(&mut self, close: char) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            if self.peek() == Some(close) {
                self.bump();
                return Some(items);
            }
            items.push(self.value()?);
            self.separator(close)?;
        }
    }

    fn entries(&mut self) -> Option<Vec<(Node, Node)>> {
        let mut entries = Vec::new();
        loop {
            self.skip_trivia();
            if self.peek() == Some('}') {
                self.bump();
                return Some(entries);
            }
            let key = self.value()?;
            self.skip_trivia();
            if self.bump()? != ':' {
                return None;
            }
            let value = self.value()?;
            entries.push((key, value));
            self.separator('}')?;
        }
    }

    /// Consumes a `,` or leaves the closing bracket for the caller.
    fn separator(&mut self, close: char) -> Option<()> {
        self.skip_trivia();
        match self.peek()? {
            ',' => {
                self.bump();
                Some(())
            }
            c if c == close => Some(()),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        self.bump(); // "
        let mut out = String::new();
        loop {
            match self.bump()? {
                '"' => return Some(out),
                '\\' => {
                    let escaped = self.bump()?;
                    out.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                c => out.push(c),
            }
        }
    }

    fn raw_string(&mut self) -> Option<String> {
        self.bump(); // r
        let mut hashes = 0;
        while self.peek() == Some('#') {
            self.bump();
            hashes += 1;
        }
        if self.bump()? != '"' {
            return None;
        }
        let mut out = String::new();
        loop {
            let c = self.bump()?;
            if c == '"' && (0..hashes).all(|k| self.peek_at(k) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return Some(out);
            }
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values_by_path() {
        let text = "Scenario(\n  id: \"a\",\n  scenes: [\n    Scene(beats: [Beat(next: Goto(\"x\"))]),\n  ],\n  says_as: { Driver: [\"hi\"] },\n)";
        let root = parse(text).expect("parses");
        let pos = root.locate(&[
            Step::Field("scenes"),
            Step::Index(0),
            Step::Field("beats"),
            Step::Index(0),
            Step::Field("next"),
        ]);
        assert_eq!((pos.line, pos.col), (4, 30));
        let key = root.locate(&[Step::Field("says_as"), Step::Key("Driver")]);
        assert_eq!((key.line, key.col), (6, 22));
        assert_eq!(
            root.field_name_pos(&[], "scenes").map(|p| (p.line, p.col)),
            Some((3, 3))
        );
    }

    #[test]
    fn counts_columns_in_characters_not_bytes() {
        let text = "(a: \"中文\", b: 1)";
        let root = parse(text).expect("parses");
        let pos = root.locate(&[Step::Field("b")]);
        assert_eq!((pos.line, pos.col), (1, 14));
    }
}
