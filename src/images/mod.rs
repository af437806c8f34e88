//! Images: social cards (`card`).
pub mod card;
