//! Helpers shared by the integration tests.

/// The other half of a confusable pair (O/0, I/1, S/5), as typists swap them.
pub fn swap(b: u8) -> Option<u8> {
    Some(match b {
        b'O' => b'0',
        b'0' => b'O',
        b'I' => b'1',
        b'1' => b'I',
        b'S' => b'5',
        b'5' => b'S',
        _ => return None,
    })
}
