//! Query evaluation against the store. (Being built.)
