//! Sigma front end (being written)
