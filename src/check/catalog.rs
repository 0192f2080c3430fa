//! Catalog checks over the typed IR (E0340-E0349): actions, condition keys and ARNs.
