//! Modules, imports and names: which declaration every name refers to (E02xx).
