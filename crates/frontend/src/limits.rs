//! The bounds on the work one rule may cause. Rule files come from public
//! repositories anyone can send a pull request to: one hostile file must cost
//! one rule, never the build. Each limit sits well above what the public
//! repositories need (measured on the corpus, noted per constant); a rule over
//! a limit is reported with the limit's name and the build goes on.

/// Largest rule file read, in bytes. The largest file in the corpus is
/// Sigma's vulnerable-driver list at 295 KB.
pub const MAX_FILE_BYTES: usize = 2 << 20;

/// Deepest nesting of YAML collections in a rule file (the corpus needs 5).
pub const MAX_YAML_DEPTH: usize = 64;

/// Deepest nesting any query parser follows (parentheses, `not`s, function
/// calls, nested filter queries). The corpus' deepest trees have 8 levels.
pub const MAX_PARSE_DEPTH: usize = 100;

/// Most leaves one rule's tree may have. The corpus' largest tree (a Sigma
/// list of malicious driver hashes) has 4,432.
pub const MAX_RULE_LEAVES: usize = 100_000;

/// Longest value a Sigma modifier chain may produce (`wide` doubles a value,
/// so a chain of them grows it exponentially), in characters.
pub const MAX_VALUE_CHARS: usize = 64 << 10;

/// Longest SPL search after its macros are expanded, in bytes (macros can
/// call macros: expansion can grow exponentially).
pub const MAX_EXPANDED_SEARCH_BYTES: usize = 1 << 20;

/// Deepest chain of Splunk macros calling macros; deeper is taken for a
/// recursive definition (the corpus nests 3).
pub const MAX_MACRO_DEPTH: usize = 16;
