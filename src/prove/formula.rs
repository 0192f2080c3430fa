//! Boolean formulas over atomic tests, evaluated with three values while the search
//! assigns the request's parts one by one.

/// Index of an atomic test in the problem's atom table.
pub type AtomId = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    Const(bool),
    Atom(AtomId),
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
}

impl Formula {
    pub fn and(parts: Vec<Formula>) -> Formula {
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Formula::Const(true) => {}
                Formula::Const(false) => return Formula::Const(false),
                Formula::And(inner) => out.extend(inner),
                p => out.push(p),
            }
        }
        match out.len() {
            0 => Formula::Const(true),
            1 => out.pop().unwrap_or(Formula::Const(true)),
            _ => Formula::And(out),
        }
    }

    pub fn or(parts: Vec<Formula>) -> Formula {
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Formula::Const(false) => {}
                Formula::Const(true) => return Formula::Const(true),
                Formula::Or(inner) => out.extend(inner),
                p => out.push(p),
            }
        }
        match out.len() {
            0 => Formula::Const(false),
            1 => out.pop().unwrap_or(Formula::Const(false)),
            _ => Formula::Or(out),
        }
    }

    pub fn negate(f: Formula) -> Formula {
        match f {
            Formula::Const(b) => Formula::Const(!b),
            Formula::Not(inner) => *inner,
            f => Formula::Not(Box::new(f)),
        }
    }

    /// The value when `atom` says what each atom is known to be.
    pub fn eval_with<F: Fn(AtomId) -> Option<bool>>(&self, atom: &F) -> Option<bool> {
        match self {
            Formula::Const(b) => Some(*b),
            Formula::Atom(a) => atom(*a),
            Formula::Not(f) => f.eval_with(atom).map(|b| !b),
            Formula::And(fs) => {
                let mut unknown = false;
                for f in fs {
                    match f.eval_with(atom) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Formula::Or(fs) => {
                let mut unknown = false;
                for f in fs {
                    match f.eval_with(atom) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
        }
    }

    /// The value under a partial assignment of atoms (`None`: not known yet).
    pub fn eval(&self, atoms: &[Option<bool>]) -> Option<bool> {
        self.eval_with(&|a| atoms.get(a).copied().flatten())
    }

    /// The atoms not yet known inside parts whose value is not yet known: the tests the
    /// formula still waits for.
    pub fn pending(&self, atoms: &[Option<bool>], out: &mut Vec<AtomId>) {
        match self {
            Formula::Const(_) => {}
            Formula::Atom(a) => {
                if atoms.get(*a).copied().flatten().is_none() {
                    out.push(*a);
                }
            }
            Formula::Not(f) => f.pending(atoms, out),
            Formula::And(fs) | Formula::Or(fs) => {
                for f in fs {
                    if f.eval(atoms).is_none() {
                        f.pending(atoms, out);
                    }
                }
            }
        }
    }

    /// Every atom the formula mentions.
    pub fn atoms(&self, out: &mut Vec<AtomId>) {
        match self {
            Formula::Const(_) => {}
            Formula::Atom(a) => out.push(*a),
            Formula::Not(f) => f.atoms(out),
            Formula::And(fs) | Formula::Or(fs) => fs.iter().for_each(|f| f.atoms(out)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued() {
        let f = Formula::and(vec![
            Formula::Atom(0),
            Formula::or(vec![Formula::Atom(1), Formula::negate(Formula::Atom(2))]),
        ]);
        assert_eq!(f.eval(&[None, None, None]), None);
        assert_eq!(f.eval(&[Some(false), None, None]), Some(false));
        assert_eq!(f.eval(&[Some(true), None, Some(false)]), Some(true));
        let mut p = Vec::new();
        f.pending(&[Some(true), None, None], &mut p);
        assert_eq!(p, [1, 2]);
        assert_eq!(Formula::and(vec![]), Formula::Const(true));
        assert_eq!(
            Formula::or(vec![Formula::Const(false)]),
            Formula::Const(false)
        );
    }
}
