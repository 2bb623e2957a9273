//! The fonts embedded in documents: DejaVu Sans covers Latin Extended (č, ć, đ, š, ž) and
//! Cyrillic; its licence is beside the files (assets/fonts/LICENSE-DejaVu.txt).

pub static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
