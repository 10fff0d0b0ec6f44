//! Examples and integration tests for the rnn workspace (not published).
